import Foundation

/// The result of running the built `metarl` executable.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Path of the `metarl` binary SwiftPM built next to the test bundle.
public func metarlExecutable() -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("metarl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    fatalError("metarl executable not found near \(CommandLine.arguments[0]); build it first")
}

/// Runs `metarl` with arguments, waiting for it to exit. `whileRunning`, when given, is called on
/// another thread once the process has started (to send it a signal, say).
public func runMetarl(_ arguments: [String], currentDirectory: URL? = nil,
                      whileRunning: (@Sendable (RunningProcess) -> Void)? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = metarlExecutable()
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    if let whileRunning {
        let running = RunningProcess(process: process)
        DispatchQueue.global().async { whileRunning(running) }
    }
    // Read both pipes before waiting so a large output cannot fill a pipe and deadlock.
    let errData = ReadBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData.data, as: UTF8.self))
}

private final class ReadBox: @unchecked Sendable { var data = Data() }

/// A started `metarl` process, as `runMetarl`'s `whileRunning` sees it.
public struct RunningProcess: @unchecked Sendable {
    let process: Process
    public var isRunning: Bool { process.isRunning }
    /// Sends SIGINT (what Ctrl-C sends).
    public func interrupt() { process.interrupt() }
}

/// A fresh temporary directory, removed by the caller.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("metarl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
