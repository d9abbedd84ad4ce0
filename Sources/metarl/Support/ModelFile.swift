import Foundation
import Physics

/// Loads an MJCF model named on the command line, turning loader errors into runtime errors that
/// already name the file, line, element and attribute.
func loadModel(_ path: String) throws -> Model {
    do {
        return try MJCF.load(contentsOf: URL(fileURLWithPath: path))
    } catch let error as MJCFError {
        throw RuntimeError(error.description)
    }
}

/// A keyframe given by index or name; nil when `spec` is nil.
func resolveKeyframe(_ spec: String?, in model: Model, path: String) throws -> Int? {
    guard let spec else { return nil }
    if let index = Int(spec) {
        guard index >= 0 && index < model.keyframes.count else {
            throw UsageError("--keyframe \(index): \(path) has \(model.keyframes.count) keyframe(s)")
        }
        return index
    }
    guard let index = model.keyframe(named: spec) else {
        let names = model.keyframes.map { $0.name.isEmpty ? "(unnamed)" : $0.name }
        throw UsageError("--keyframe '\(spec)': no such keyframe in \(path) (has: \(names.joined(separator: ", ")))")
    }
    return index
}

/// Finds a file shipped in the repository (Environments/...) from the current directory or from
/// the executable's location inside .build/, so `swift run` works from anywhere in the checkout.
func locateResource(_ relative: String) throws -> URL {
    var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        candidates.append(dir)
        dir = dir.deletingLastPathComponent()
    }
    for base in candidates {
        let url = base.appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    throw RuntimeError("cannot find \(relative): run metarl from the MetaRL checkout")
}
