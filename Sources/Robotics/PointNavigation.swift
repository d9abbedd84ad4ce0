import Numerics
import RL

// The point-navigation canary: the 2D navigation task of the MAML paper (Finn et al. 2017,
// section 5.3) as its public reimplementations define it, so our learning curves can be laid
// beside theirs. A point starts at the origin; the task is a hidden goal; each action moves the
// point by a displacement clipped to ±0.1 per axis; the reward is minus the distance to the goal
// after the move.

/// A point-navigation task: the hidden goal position.
public struct PointNavigationTask: Sendable, Codable, Equatable {
    public var goal: SIMD2<Double>
    public init(goal: SIMD2<Double>) { self.goal = goal }
}

/// The point-navigation environment. Observation: the position (x, y). Action: a displacement
/// (dx, dy), clipped to [−0.1, 0.1] per axis. Reward: −‖position − goal‖ after the move.
/// The episode terminates when both coordinates are within 0.01 of the goal; the horizon is 100.
/// Success: within 0.05 (Euclidean) of the goal.
public struct PointNavigation: Environment {
    public struct State: Sendable, Equatable {
        public var position: SIMD2<Double>
        public var goal: SIMD2<Double>
    }

    /// Per-axis displacement bound: the MAML paper's 0.1.
    public static let maxDisplacement = 0.1
    /// Both coordinates within this of the goal ends the episode (the reference code's 0.01).
    public static let terminationTolerance = 0.01
    /// Distance counted as success.
    public static let successRadius = 0.05

    public let spec: EnvironmentSpec

    /// `horizon`: the MAML paper's 100 unless a benchmark asks for another episode length.
    public init(horizon: Int = 100) {
        precondition(horizon > 0, "PointNavigation: horizon must be positive")
        spec = EnvironmentSpec(name: "point-navigation", observationNames: ["x", "y"],
                               action: BoxSpace(size: 2, bound: PointNavigation.maxDisplacement, names: ["dx", "dy"]),
                               horizon: horizon, controlPeriod: 0)
    }

    /// The point starts at the origin; there is no initial-state noise.
    public func reset(task: PointNavigationTask, rng: inout RandomSource) -> State {
        State(position: .zero, goal: task.goal)
    }

    public func step(_ state: inout State, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        state.position.x += spec.action.clip(action[0], 0)
        state.position.y += spec.action.clip(action[1], 1)
        let offset = state.position - state.goal
        let distance = (offset * offset).sum().squareRoot()
        let reached = abs(offset.x) < Self.terminationTolerance && abs(offset.y) < Self.terminationTolerance
        return StepOutcome(reward: -distance, terminated: reached, success: distance <= Self.successRadius)
    }

    public func observe(_ state: State, into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(state.position.x)
        observation[1] = Float(state.position.y)
    }
}

/// Goals uniform in [−0.5, 0.5]². Train and held-out goals come from disjoint streams of the
/// caller's generator (stream 0 and stream 1 of a split of it), so the same `rng` state never
/// yields the same goal for both splits.
public struct PointNavigationTasks: TaskSampler {
    /// Half-width of the goal square: the MAML paper's 0.5.
    public static let goalBound = 0.5

    public init() {}

    public func sample(_ split: Split, rng: inout RandomSource) -> PointNavigationTask {
        var stream = rng.split().stream(split == .train ? 0 : 1)
        let b = Self.goalBound
        return PointNavigationTask(goal: SIMD2(stream.uniform(-b, b), stream.uniform(-b, b)))
    }
}
