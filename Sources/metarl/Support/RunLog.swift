import Foundation
import Reports

/// A training run's per-iteration log, written as three files of the same rows into a run
/// directory, each regenerated whole and replaced atomically after every iteration (so a resumed
/// run's log is the complete one, and no file is ever half-written):
///
///   learning_curve.csv          a header and one row per iteration
///   metrics.jsonl               one JSON object per iteration, the same columns
///   events.out.tfevents.metarl  TensorBoard scalars (`tensorboard --logdir DIR`), tagged
///                               "<group>/<column>", step = the iteration
///
/// TensorBoard tails event files from the offset it has read; each rewrite only appends records
/// to the same prefix, so it picks up new iterations of a running job.
struct RunLog {
    enum Value {
        case int(Int)
        case double(Double)
        var number: Double { switch self { case .int(let i): Double(i); case .double(let d): d } }
        var csv: String { switch self { case .int(let i): "\(i)"; case .double(let d): "\(d)" } }
    }

    /// The first column is the iteration (TensorBoard's step).
    let columns: [String]
    /// TensorBoard's tag prefix, e.g. "meta" or "train".
    let group: String
    /// When the run started, seconds since 1970.
    let startTime: Double
    private(set) var rows: [[Value]] = []
    /// Per row: seconds since 1970 at the iteration's end.
    private(set) var wallTimes: [Double] = []

    init(columns: [String], group: String, startTime: Double) {
        precondition(columns.first == "iteration", "RunLog: the first column is the iteration")
        self.columns = columns; self.group = group; self.startTime = startTime
    }

    mutating func append(_ row: [Value], wallTime: Double) {
        precondition(row.count == columns.count, "RunLog: \(row.count) values for \(columns.count) columns")
        rows.append(row); wallTimes.append(wallTime)
    }

    var csv: String {
        columns.joined(separator: ",") + "\n" + rows.map { $0.map(\.csv).joined(separator: ",") + "\n" }.joined()
    }

    var jsonLines: String {
        rows.map { row in
            var line = JSONLine()
            for (name, value) in zip(columns, row) {
                switch value {
                case .int(let i): line.add(name, i)
                case .double(let d): line.add(name, d)
                }
            }
            return line.text + "\n"
        }.joined()
    }

    var tensorBoard: [UInt8] {
        let events = zip(rows, wallTimes).map { row, time in
            ScalarEvent(step: Int(row[0].number), wallTime: time,
                        scalars: zip(columns, row).dropFirst().map { ("\(group)/\($0)", Float($1.number)) })
        }
        return TensorBoardEvents.file(startTime: startTime, events: events)
    }

    func write(to dir: URL) throws {
        try writeAtomically(dir.appendingPathComponent("learning_curve.csv"), Data(csv.utf8))
        try writeAtomically(dir.appendingPathComponent("metrics.jsonl"), Data(jsonLines.utf8))
        try writeAtomically(dir.appendingPathComponent("events.out.tfevents.metarl"), Data(tensorBoard))
    }
}

/// Where a run was made, for run.json: the machine and the source commit.
struct Provenance: Codable {
    /// `git rev-parse HEAD` of the working directory, with "+changes" when it has uncommitted
    /// changes; nil outside a git checkout or without git.
    var commit: String?
    var hostname: String
    /// The CPU model (Linux's /proc/cpuinfo), the logical cores, the OS.
    var cpu: String?
    var cores: Int
    var os: String
    var ranks: Int

    static func current(ranks: Int) -> Provenance {
        let info = ProcessInfo.processInfo
        var cpu: String?
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var commit = git(["rev-parse", "HEAD"])
        if let c = commit, let status = git(["status", "--porcelain", "--untracked-files=no"]), !status.isEmpty {
            commit = c + "+changes"
        }
        return Provenance(commit: commit, hostname: info.hostName, cpu: cpu, cores: info.activeProcessorCount,
                          os: info.operatingSystemVersionString, ranks: ranks)
    }

    /// git's trimmed output, or nil when git is missing or fails.
    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
