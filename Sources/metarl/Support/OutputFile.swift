import Foundation

/// Writes a text output either to stdout or to a file that appears only when complete: the text
/// goes to a temporary file beside the destination, which is then renamed over it. A failure
/// never leaves a half-written file behind.
struct OutputSink {
    private let destination: URL?
    private let temporary: URL?
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    /// nil or "-" means stdout.
    init(path: String?) throws {
        guard let path, path != "-" else {
            destination = nil; temporary = nil; handle = FileHandle.standardOutput
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuntimeError("\(path): the directory \(directory.path) does not exist")
        }
        let tmp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil),
              let h = try? FileHandle(forWritingTo: tmp) else {
            throw RuntimeError("\(path): cannot create the file")
        }
        destination = url; temporary = tmp; handle = h
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    mutating func write(bytes: Data) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            abandon()
            throw RuntimeError("\(destination?.path ?? "stdout"): write failed (\(NumericCSV.reason(error)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, moves it into place.
    mutating func finish() throws {
        try flush()
        guard let destination, let temporary else { return }
        try? handle.close()
        // rename(2) replaces an existing file atomically. (FileManager.replaceItemAt fails on
        // Linux when the destination exists: "The file doesn't exist".)
        if rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            abandon()
            throw RuntimeError("\(destination.path): cannot move the finished file into place (\(reason))")
        }
    }

    /// Removes the temporary file after a failure.
    func abandon() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }
}
