import Foundation
import Collectives

/// Progress of a long command on stderr: on a terminal one live line, rewritten in place; when
/// stderr is a file or pipe, plain lines (the first iteration, then at most one every 10 s, and
/// the last); nothing when the environment sets CI, or on MPI ranks other than 0.
struct ProgressLine {
    enum Mode { case live, plain, off }
    let mode: Mode
    let total: Int
    private let start = Date()
    private var lastPlain: Date? = nil
    private var first: Int? = nil

    init(total: Int, world: any Communicator = SingleProcess()) {
        self.total = total
        if !world.isRoot || ProcessInfo.processInfo.environment["CI"] != nil { mode = .off }
        else { mode = isatty(STDERR_FILENO) != 0 ? .live : .plain }
    }

    /// After iteration `done` (1-based) of `total`: "iteration done/total  <text>  s/it  ETA".
    mutating func update(done: Int, _ text: String) {
        if mode == .off { return }
        if first == nil { first = done - 1 }
        let elapsed = Date().timeIntervalSince(start)
        let counted = max(done - (first ?? 0), 1)
        let perIteration = elapsed / Double(counted)
        let eta = perIteration * Double(max(total - done, 0))
        let line = "iteration \(done)/\(total)  \(text)  \(String(format: "%.2f", perIteration)) s/it  ETA \(duration(eta))"
        switch mode {
        case .live:
            // \r and "erase to end of line": the line is rewritten in place; a newline at the end.
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (done >= total ? "\n" : "")).utf8))
        case .plain:
            let now = Date()
            if lastPlain == nil || done >= total || now.timeIntervalSince(lastPlain!) >= 10 {
                printError(line); lastPlain = now
            }
        case .off:
            break
        }
    }

    /// Ends a live line early (before an error or an interruption message).
    func interrupt() { if mode == .live { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// 75 s as "1m15s", 4000 s as "1h06m".
func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
}
