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
    /// A robot-suite family (reach, push, grasp-lift, pick-place) or a spec file.
    case arm(ArmEnvironment, ArmTask)

    /// The environment `name` with the task `goal`; without a goal, one drawn from the family's
    /// train split with `seed`.
    static func resolve(name: String, goal: [Double]?, seed: UInt64) throws -> TrainingEnvironment {
        // A family name or a spec file (errors name the file and field).
        switch try TaskFamily.resolve(name) {
        case .pointNavigation:
            if let goal {
                guard goal.count == 2 else {
                    throw UsageError("option --goal: point-navigation takes 2 numbers (x,y), found \(goal.count)")
                }
                return .pointNavigation(PointNavigationTask(goal: SIMD2(goal[0], goal[1])))
            }
            var rng = RandomSource(seed: seed)
            return .pointNavigation(PointNavigationTasks().sample(.train, rng: &rng))
        case .arm(let environment, let sampler):
            let spec = sampler.spec
            var rng = RandomSource(seed: seed)
            var task = sampler.sample(.train, rng: &rng)
            if let goal {
                guard spec.family != .graspLift else {
                    throw UsageError("option --goal: \(spec.family.rawValue) has no goal (the task is set by its object)")
                }
                guard goal.count == 3 else {
                    throw UsageError("option --goal: \(spec.family.rawValue) takes 3 numbers (x,y,z in m), found \(goal.count)")
                }
                task.goal = Vec3(goal[0], goal[1], goal[2])
            }
            return .arm(environment, task)
        }
    }

    /// The task's goal, for logs.
    var goal: [Double] {
        switch self {
        case .pointNavigation(let task): return [task.goal.x, task.goal.y]
        case .arm(_, let task): return [task.goal.x, task.goal.y, task.goal.z]
        }
    }

    func visit<V: EnvironmentVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .pointNavigation(let task): return try visitor.visit(PointNavigation(), task: task)
        case .arm(let environment, let task): return try visitor.visit(environment, task: task)
        }
    }
}
