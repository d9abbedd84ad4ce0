import Numerics
import RL

/// What one episode gave.
public struct EpisodeResult: Sendable, Equatable {
    /// Sum of rewards.
    public var totalReward: Double
    /// Steps taken (horizon, or fewer if the episode terminated).
    public var steps: Int
    /// The success predicate held at some step (Meta-World's convention).
    public var success: Bool
    /// Terminated early: the object broke or the simulation blew up.
    public var terminated: Bool
    public var broken: Bool
}

extension ArmEnvironment {
    /// Runs one episode of `task` to the horizon (or termination). `policy` sees the observation
    /// (and, for privileged scripted control, the state) and returns spec.actionSize numbers.
    /// `watch`, when given, sees the state after the reset and after every step (to record it).
    public func runEpisode(task: ArmTask, seed: UInt64, watch: ((ArmState) -> Void)? = nil,
                           policy: (_ observation: [Float], _ state: ArmState) -> [Double]) -> EpisodeResult {
        var rng = RandomSource(seed: seed)
        var s = reset(task: task, rng: &rng)
        watch?(s)
        var observation = [Float](repeating: 0, count: spec.observationSize)
        var result = EpisodeResult(totalReward: 0, steps: 0, success: false, terminated: false, broken: false)
        for _ in 0..<spec.horizon {
            observation.withUnsafeMutableBufferPointer { observe(s, into: $0) }
            let action = policy(observation, s)
            precondition(action.count == spec.actionSize, "policy returned \(action.count) numbers, expected \(spec.actionSize)")
            let outcome = action.withUnsafeBufferPointer { step(&s, action: $0) }
            watch?(s)
            result.totalReward += outcome.reward
            result.steps += 1
            result.success = result.success || outcome.success
            if outcome.terminated { result.terminated = true; break }
        }
        result.broken = s.broken
        return result
    }

    /// An episode driven by the scripted controller with `belief` as its idea of the task.
    public func runScripted(task: ArmTask, belief: ArmTask, seed: UInt64 = 0) -> EpisodeResult {
        var controller = ScriptedController(belief: belief)
        return runEpisode(task: task, seed: seed) { _, s in controller.action(self, s) }
    }
}
