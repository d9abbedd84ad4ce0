import Foundation
import Robotics

/// `metarl envs list`: the environments that have a spec.
struct EnvsList: Command {
    static let name = "envs list"
    static let abstract = "List the task families (one JSON line each)."
    static let help = """
    Usage: metarl envs list

    Prints one JSON line per environment: name, file, horizon, control_dt (s), observation_size,
    action_size, hidden (comma-separated hidden task parameters).

    Example:
      metarl envs list
    """

    init(arguments: inout Arguments) throws { try arguments.finish() }

    func run() throws {
        let suite = try locateSuite()
        for name in suite.specNames() {
            let spec = try loadFamilySpec(name, suite: suite)
            let (env, _) = try makeEnvironment(spec, suite: suite)
            var json = JSONLine()
            json.add("name", name)
            json.add("file", suite.specURL(name).path)
            json.add("horizon", spec.horizon)
            json.add("control_dt", spec.controlPeriod)
            json.add("observation_size", env.spec.observationSize)
            json.add("action_size", env.spec.actionSize)
            json.add("hidden", spec.hidden.map(\.rawValue).joined(separator: ","))
            print(json.text)
        }
        // The physics-free canary of the MAML paper: its goal is hidden, its spec lives in code.
        let canary = PointNavigation().spec
        var json = JSONLine()
        json.add("name", canary.name)
        json.add("file", "(built in)")
        json.add("horizon", canary.horizon)
        json.add("control_dt", canary.controlPeriod)
        json.add("observation_size", canary.observationSize)
        json.add("action_size", canary.actionSize)
        json.add("hidden", "goal")
        print(json.text)
    }
}

/// `metarl envs show`: the resolved spec and the policy-facing layout.
struct EnvsShow: Command {
    static let name = "envs show"
    static let abstract = "Show an environment's resolved spec, observation and action layout, and what is hidden."
    static let help = """
    Usage: metarl envs show NAME|FILE

    Prints one JSON object: "spec" (the resolved family spec, every field), "observation" (one
    name per coordinate), "action" (names, low, high), "hidden" (task parameters kept from the
    policy), "control_dt" (s).

    Example:
      metarl envs show grasp-lift
    """

    let target: String
    init(arguments: inout Arguments) throws {
        target = try arguments.requiredPositional("NAME|FILE")
        try arguments.finish()
    }

    private struct Shown: Encodable {
        let spec: FamilySpec
        let observation: [String]
        let action: Action
        let hidden: [String]
        let control_dt: Double
        struct Action: Encodable { let names: [String]; let low: [Double]; let high: [Double] }
    }

    func run() throws {
        let suite = try locateSuite()
        let spec = try loadFamilySpec(target, suite: suite)
        let (env, _) = try makeEnvironment(spec, suite: suite)
        let a = env.spec.action
        let shown = Shown(spec: spec, observation: env.spec.observationNames,
                          action: .init(names: a.names, low: a.low, high: a.high),
                          hidden: spec.hidden.map(\.rawValue), control_dt: spec.controlPeriod)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(shown), as: UTF8.self))
    }
}

/// `metarl envs check`: validates a spec or catalog file.
struct EnvsCheck: Command {
    static let name = "envs check"
    static let abstract = "Validate a task spec or object catalog file (exit 0 valid, 1 with messages)."
    static let help = """
    Usage: metarl envs check FILE

    FILE is a task spec (has "family") or an object catalog (has "train"). A spec's catalog and
    robot are checked too. Valid: prints {"file": ..., "kind": ..., "valid": true} and exits 0.
    Invalid: prints one message per problem to stderr (file: field path: problem and value) and
    exits 1.

    Example:
      metarl envs check Environments/tasks/reach.json
    """

    let path: String
    init(arguments: inout Arguments) throws {
        path = try arguments.requiredPositional("FILE")
        try arguments.finish()
    }

    func run() throws {
        let suite = try locateSuite()
        let url = URL(fileURLWithPath: path)
        guard let bytes = try? Foundation.Data(contentsOf: url) else { throw RuntimeError("\(path): cannot read the file") }
        guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
            throw RuntimeError("\(path): not a JSON object")
        }
        let kind: String
        do {
            if object["family"] != nil {
                kind = "spec"
                _ = try suite.loadSpec(url.path)
            } else if object["train"] != nil || object["heldout"] != nil {
                kind = "catalog"
                _ = try suite.loadCatalog(url.path)
            } else {
                throw RuntimeError("\(path): neither a task spec (no \"family\") nor an object catalog (no \"train\")")
            }
        } catch let error as SpecError {
            throw RuntimeError(error.description)
        }
        var json = JSONLine()
        json.add("file", path)
        json.add("kind", kind)
        json.add("valid", true)
        print(json.text)
    }
}
