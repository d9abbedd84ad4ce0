import Foundation
import Robotics

/// The checkout's Environments directory (found from the current directory or the executable).
func locateSuite() throws -> Suite {
    let tasks = try locateResource("Environments/tasks")
    return Suite(root: tasks.deletingLastPathComponent())
}

/// Loads a family spec by name or file, turning spec errors into runtime errors (exit 1) that
/// name the file, the field and the value.
func loadFamilySpec(_ nameOrPath: String, suite: Suite) throws -> FamilySpec {
    let url = suite.specURL(nameOrPath)
    if !FileManager.default.fileExists(atPath: url.path) {
        let known = suite.specNames().joined(separator: ", ")
        throw UsageError("'\(nameOrPath)' is neither an environment (\(known)) nor a spec file")
    }
    do {
        return try suite.loadSpec(nameOrPath)
    } catch let error as SpecError {
        throw RuntimeError(error.description)
    }
}

func makeEnvironment(_ spec: FamilySpec, suite: Suite) throws -> (ArmEnvironment, ObjectCatalog?) {
    do {
        let catalog = try spec.objects.map { try suite.loadCatalog($0) }
        return (try suite.environment(spec), catalog)
    } catch let error as SpecError {
        throw RuntimeError(error.description)
    }
}
