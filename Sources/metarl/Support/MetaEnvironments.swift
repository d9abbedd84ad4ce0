import Foundation
import Numerics
import RL
import Robotics

// The task families meta-learning commands (train --algo maml-…, evaluate, adapt) know, by name
// or spec file: an environment together with its task distribution. Meta-learning itself is
// generic over `Environment` and `TaskSampler`; this file only resolves the name.

/// Something to do with an environment and its task distribution.
protocol TaskFamilyVisitor {
    associatedtype Result
    func visit<E: Environment, TS: TaskSampler>(_ environment: E, tasks: TS, family: TaskFamily) throws -> Result
        where TS.Task == E.Task
}

/// A task family: point-navigation, or an arm-suite family (name or spec file).
enum TaskFamily {
    case pointNavigation
    case arm(ArmEnvironment, ArmTaskSampler)

    /// `name`: point-navigation, a suite family or a spec file (errors name the file and field).
    static func resolve(_ name: String) throws -> TaskFamily {
        if name == "point-navigation" { return .pointNavigation }
        let suite = try locateSuite()
        let spec: FamilySpec
        do {
            spec = try loadFamilySpec(name, suite: suite)
        } catch is UsageError {
            let known = (["point-navigation"] + suite.specNames()).joined(separator: ", ")
            throw UsageError("option --env: unknown environment '\(name)' (known: \(known); or a spec file)")
        }
        let (environment, catalog) = try makeEnvironment(spec, suite: suite)
        return .arm(environment, ArmTaskSampler(spec: spec, catalog: catalog))
    }

    /// The family's short name (the spec's family for a spec file).
    var familyName: String {
        switch self {
        case .pointNavigation: return "point-navigation"
        case .arm(_, let sampler): return sampler.spec.family.rawValue
        }
    }

    func visit<V: TaskFamilyVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .pointNavigation: return try visitor.visit(PointNavigation(), tasks: PointNavigationTasks(), family: self)
        case .arm(let environment, let sampler): return try visitor.visit(environment, tasks: sampler, family: self)
        }
    }
}

/// The evaluation tasks of a run: `count` tasks of `split` drawn from stream 1 (held-out) or
/// stream 0 (train) of `seed`, the convention of `Benchmark` (ML1's train_tasks / test_tasks).
func evaluationTasks<TS: TaskSampler>(_ sampler: TS, split: Split, count: Int, seed: UInt64) -> [TS.Task] {
    var rng = RandomSource(seed: seed).stream(split == .heldout ? 1 : 0)
    return (0..<count).map { _ in sampler.sample(split, rng: &rng) }
}

extension TaskFamily {
    /// The catalog object named by --object, after checking that the family has objects and
    /// that the catalog (train or held-out split) holds the name; usage errors name the option.
    /// `hint` follows the message for a family without objects.
    func catalogObject(named name: String, envName: String, hint: String = "") throws -> ObjectSpec {
        guard case .arm(_, let sampler) = self, let catalog = sampler.catalog else {
            throw UsageError("option --object: \(envName) has no objects" + hint)
        }
        guard let found = (catalog.train + catalog.heldout).first(where: { $0.name == name }) else {
            let names = (catalog.train + catalog.heldout).map(\.name).joined(separator: ", ")
            throw UsageError("option --object: no object '\(name)' in catalog \(catalog.name) (known: \(names))")
        }
        return found
    }

    /// `task` with `object` on the table; the task's split becomes the object's.
    func placing(_ object: ObjectSpec, in task: ArmTask) -> ArmTask {
        var task = task
        task.object = object
        if case .arm(_, let sampler) = self, let catalog = sampler.catalog {
            task.split = catalog.train.contains(object) ? .train : .heldout
        }
        return task
    }
}
