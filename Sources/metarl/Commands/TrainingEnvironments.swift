import Numerics
import RL
import Robotics

// The environments `metarl train` knows, by name. Training itself is one generic function over
// `Environment`; this file only turns a name and an optional --goal into a concrete environment
// and task. To add a family: a case, its lines in `resolve`, and its line in `visit`.

/// Something to do with a concrete environment and task (training, evaluation, ...).
protocol EnvironmentVisitor {
    associatedtype Result
    func visit<E: Environment>(_ environment: E, task: E.Task) throws -> Result
}

/// A named environment family with its fixed task resolved.
enum TrainingEnvironment {
    case pointNavigation(PointNavigationTask)

    /// Names accepted by --env.
    static let names = ["point-navigation"]

    /// The environment `name` with the task `goal`; without a goal, one drawn from the family's
    /// train split with `seed`.
    static func resolve(name: String, goal: [Double]?, seed: UInt64) throws -> TrainingEnvironment {
        switch name {
        case "point-navigation":
            if let goal {
                guard goal.count == 2 else {
                    throw UsageError("option --goal: point-navigation takes 2 numbers (x,y), found \(goal.count)")
                }
                return .pointNavigation(PointNavigationTask(goal: SIMD2(goal[0], goal[1])))
            }
            var rng = RandomSource(seed: seed)
            return .pointNavigation(PointNavigationTasks().sample(.train, rng: &rng))
        default:
            throw UsageError("option --env: unknown environment '\(name)' (known: \(names.joined(separator: ", ")))")
        }
    }

    /// The task's goal, for logs.
    var goal: [Double] {
        switch self {
        case .pointNavigation(let task): return [task.goal.x, task.goal.y]
        }
    }

    func visit<V: EnvironmentVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .pointNavigation(let task): return try visitor.visit(PointNavigation(), task: task)
        }
    }
}
