import Foundation
import PolicyGradient

/// Writes a policy directory — weights.json (the checkpoint), config.json, optionally run.json,
/// and command.txt — into a temporary sibling, then renames it to `destination` (replacing an
/// older one), so the directory appears whole or not at all.
func writePolicyDirectory(_ destination: URL, checkpoint: some Encodable, config: some Encodable,
                          run: (any Encodable)? = nil, commandLine: String) throws {
    let fm = FileManager.default
    let parent = destination.deletingLastPathComponent()
    let temporary = parent.appendingPathComponent(".policy.tmp-\(getpid())")
    try? fm.removeItem(at: temporary)
    do {
        try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Weights on few lines (thousands of numbers); the small files pretty-printed.
        let compact = JSONEncoder()
        compact.outputFormatting = [.sortedKeys]
        try compact.encode(checkpoint).write(to: temporary.appendingPathComponent("weights.json"))
        try encoder.encode(config).write(to: temporary.appendingPathComponent("config.json"))
        if let run { try encoder.encode(run).write(to: temporary.appendingPathComponent("run.json")) }
        try Data((commandLine + "\n").utf8).write(to: temporary.appendingPathComponent("command.txt"))
        if fm.fileExists(atPath: destination.path) {
            let old = parent.appendingPathComponent(".policy.old-\(getpid())")
            try fm.moveItem(at: destination, to: old)
            try fm.moveItem(at: temporary, to: destination)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temporary, to: destination)
        }
    } catch {
        try? fm.removeItem(at: temporary)
        throw RuntimeError("\(destination.path): cannot write the policy (\(NumericCSV.reason(error)))")
    }
}
