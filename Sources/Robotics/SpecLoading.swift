import Foundation
import Physics

// Reading specs, catalogs and robots from the Environments directory. Files are untrusted: every
// problem becomes a `SpecIssue` naming the field path and the value, collected in a `SpecError`
// that names the file.

/// One problem with a spec or catalog: where (a field path such as `controller.maxSpeed` or
/// `train[3].mass`) and what.
public struct SpecIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path.isEmpty ? "(top level)" : path): \(message)" }
}

/// A spec, catalog or robot file that cannot be used, with every problem found.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [SpecIssue]
    public init(file: String, issues: [SpecIssue]) { self.file = file; self.issues = issues }
    public var description: String { issues.map { "\(file): \($0)" }.joined(separator: "\n") }
}

/// The suite's files: Environments/{robots,objects,tasks}.
public struct Suite: Sendable {
    /// The Environments directory.
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Family names that have a spec file in tasks/, sorted.
    public func specNames() -> [String] {
        let dir = root.appendingPathComponent("tasks")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The spec file for `nameOrPath`: a family name (tasks/NAME.json) or a path to a JSON file.
    public func specURL(_ nameOrPath: String) -> URL {
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") { return URL(fileURLWithPath: nameOrPath) }
        return root.appendingPathComponent("tasks/\(nameOrPath).json")
    }

    /// Decodes and validates a family spec, and validates the catalog and robot it references.
    public func loadSpec(_ nameOrPath: String) throws -> FamilySpec {
        let url = specURL(nameOrPath)
        let spec: FamilySpec = try decodeFile(url)
        let issues = spec.issues()
        if !issues.isEmpty { throw SpecError(file: url.path, issues: issues) }
        var referenced: [SpecIssue] = []
        if let objects = spec.objects {
            let catalogURL = file(objects)
            if !FileManager.default.fileExists(atPath: catalogURL.path) {
                referenced.append(SpecIssue(path: "objects", message: "no catalog at \(catalogURL.path) (found '\(objects)')"))
            } else {
                _ = try loadCatalog(objects)
            }
        }
        if !FileManager.default.fileExists(atPath: file(spec.robot).path) {
            referenced.append(SpecIssue(path: "robot", message: "no robot file at \(file(spec.robot).path) (found '\(spec.robot)')"))
        }
        if !referenced.isEmpty { throw SpecError(file: url.path, issues: referenced) }
        return spec
    }

    /// Decodes and validates an object catalog (path relative to the Environments directory, or absolute).
    public func loadCatalog(_ relative: String) throws -> ObjectCatalog {
        let url = file(relative)
        let catalog: ObjectCatalog = try decodeFile(url)
        let issues = catalog.issues()
        if !issues.isEmpty { throw SpecError(file: url.path, issues: issues) }
        return catalog
    }

    /// A file a spec references: a path relative to the Environments directory, or absolute.
    public func file(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    /// The spec's robot, compiled.
    public func loadRobot(_ spec: FamilySpec) throws -> Model {
        let url = file(spec.robot)
        do {
            return try MJCF.load(contentsOf: url)
        } catch let error as MJCFError {
            throw SpecError(file: url.path, issues: [SpecIssue(path: "", message: error.description)])
        }
    }

    /// Everything an arm environment needs for `spec`: robot, catalog, scene checks.
    public func environment(_ spec: FamilySpec) throws -> ArmEnvironment {
        let robot = try loadRobot(spec)
        let catalog = try spec.objects.map { try loadCatalog($0) }
        return try ArmEnvironment(spec: spec, robot: robot, catalog: catalog)
    }

    /// Finds the Environments directory from `start` upward (a checkout's root or any folder in it).
    public static func locate(from start: URL) -> Suite? {
        var dir = start.standardizedFileURL
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("Environments")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tasks").path) { return Suite(root: candidate) }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}

/// Reads and decodes a JSON file, turning I/O and decoding failures into a `SpecError` naming the
/// file and the field path.
func decodeFile<T: Decodable>(_ url: URL) throws -> T {
    let bytes: Foundation.Data
    do {
        bytes = try Foundation.Data(contentsOf: url)
    } catch {
        throw SpecError(file: url.path, issues: [SpecIssue(path: "", message: "cannot read the file (\(error.localizedDescription))")])
    }
    do {
        return try JSONDecoder().decode(T.self, from: bytes)
    } catch let error as DecodingError {
        throw SpecError(file: url.path, issues: [issue(from: error)])
    }
}

func issue(from error: DecodingError) -> SpecIssue {
    func path(_ keys: [any CodingKey]) -> String {
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s
    }
    switch error {
    case .keyNotFound(let key, let context):
        return SpecIssue(path: path(context.codingPath + [key]), message: "required field is missing")
    case .typeMismatch(let type, let context):
        return SpecIssue(path: path(context.codingPath), message: "expected \(type): \(context.debugDescription)")
    case .valueNotFound(let type, let context):
        return SpecIssue(path: path(context.codingPath), message: "expected \(type), found null")
    case .dataCorrupted(let context):
        let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return SpecIssue(path: path(context.codingPath), message: context.debugDescription + (underlying.map { " (\($0))" } ?? ""))
    @unknown default:
        return SpecIssue(path: "", message: "\(error)")
    }
}
