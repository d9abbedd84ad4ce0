import Foundation

/// Reads a numeric CSV file into rows, with errors that name the file, line and column.
/// Blank lines and lines starting with '#' are skipped; a first line made only of names
/// (e.g. `ctrl_0,ctrl_1`) is taken as a header.
struct NumericCSV {
    let rows: [[Double]]

    init(contentsOf url: URL, columns: Int) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw RuntimeError("\(url.path): cannot read the file (\(Self.reason(error)))")
        }
        var rows: [[Double]] = []
        var sawContent = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let lineNumber = index + 1
            if !sawContent {
                sawContent = true
                if fields.allSatisfy({ Double($0) == nil && !$0.isEmpty }) { continue }  // a header row
            }
            guard fields.count == columns else {
                throw RuntimeError("\(url.path):\(lineNumber): expected \(columns) comma-separated numbers, found \(fields.count)")
            }
            var row: [Double] = []
            row.reserveCapacity(columns)
            for (column, field) in fields.enumerated() {
                guard let value = Double(field), value.isFinite else {
                    throw RuntimeError("\(url.path):\(lineNumber): column \(column + 1): expected a finite number, found '\(field)'")
                }
                row.append(value)
            }
            rows.append(row)
        }
        self.rows = rows
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return ns.localizedDescription
    }
}
