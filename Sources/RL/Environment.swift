import Numerics

// The agent–environment contract. Learners see only this module: an environment is a value with
// a spec, a task type it is opaque about, and pure-looking reset/step functions over its own
// state values. Tasks are handed to `reset`, so there is no "set_task before use" call order.

/// Which tasks: those seen in (meta-)training, or the held-out ones that evaluation uses.
public enum Split: String, Sendable, Codable, CaseIterable {
    case train
    case heldout
}

/// The result of one environment step.
public struct StepOutcome: Sendable, Equatable {
    public var reward: Double
    /// The episode has ended for a reason of the task (goal reached, object broken, simulation
    /// blow-up); the horizon is handled by the caller.
    public var terminated: Bool
    /// The task's success predicate holds in the new state.
    public var success: Bool

    public init(reward: Double, terminated: Bool = false, success: Bool = false) {
        self.reward = reward; self.terminated = terminated; self.success = success
    }
}

/// A (possibly physical) environment family. Conformers are immutable values that many threads
/// may use at once; everything that changes lives in `State`.
///
/// `step` takes the state `inout` rather than returning a new one so that the simulator's buffers
/// are updated in place (no allocation per step); `State` is still a value, so copying it (for a
/// line search, or to branch an episode) is safe.
public protocol Environment: Sendable {
    /// Everything that distinguishes one task of the family (goal, object properties, ...).
    /// Learners store and pass tasks but never look inside them.
    associatedtype Task: Sendable
    associatedtype State: Sendable

    var spec: EnvironmentSpec { get }

    /// Starts an episode of `task`; initial-state noise comes from `rng`.
    func reset(task: Task, rng: inout RandomSource) -> State

    /// Applies one action (spec.actionSize numbers; the environment clips them to its space) for
    /// one control period.
    func step(_ state: inout State, action: UnsafeBufferPointer<Double>) -> StepOutcome

    /// Writes the observation of `state` (spec.observationSize numbers).
    func observe(_ state: State, into observation: UnsafeMutableBufferPointer<Float>)
}

/// Draws tasks of one family, from the train or the held-out split.
public protocol TaskSampler: Sendable {
    associatedtype Task: Sendable
    func sample(_ split: Split, rng: inout RandomSource) -> Task
}
