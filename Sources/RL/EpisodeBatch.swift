// Episodes as contiguous, padded buffers: episode e's step t lives at row e·horizon + t. Padding
// (rows past an episode's length) is zero, so per-step arrays line up with per-episode ones and a
// learner can mask instead of gathering. The layout is what the sampler writes and what returns,
// GAE and the baselines read.

/// A batch of episodes, padded to a common horizon, in row-major buffers.
public struct EpisodeBatch: Sendable, Equatable {
    /// E, the number of episodes.
    public let episodeCount: Int
    /// T, the padded length (the environment's horizon).
    public let horizon: Int
    public let observationSize: Int
    public let actionSize: Int
    /// E × T × observationSize: the observation each action was chosen from; 0 past the length.
    public var observations: [Float]
    /// E × T × actionSize: the actions the policy sampled (before the environment clips them);
    /// 0 past the length.
    public var actions: [Float]
    /// E × T: the reward after each step; 0 past the length.
    public var rewards: [Double]
    /// Steps taken in each episode, 1...T.
    public var lengths: [Int]
    /// Per episode: ended by the task (goal reached, failure) rather than by the horizon.
    public var terminated: [Bool]
    /// Per episode: the task's success predicate held after some step.
    public var successes: [Bool]
    /// Per episode: the index of its task in the list the sampler was given.
    public var taskIndices: [Int]

    /// An all-zero batch of `episodeCount` episodes of length 0, ready to be filled.
    public init(episodeCount: Int, horizon: Int, observationSize: Int, actionSize: Int) {
        precondition(episodeCount >= 0 && horizon > 0, "EpisodeBatch: \(episodeCount) episodes, horizon \(horizon)")
        self.episodeCount = episodeCount; self.horizon = horizon
        self.observationSize = observationSize; self.actionSize = actionSize
        observations = Array(repeating: 0, count: episodeCount * horizon * observationSize)
        actions = Array(repeating: 0, count: episodeCount * horizon * actionSize)
        rewards = Array(repeating: 0, count: episodeCount * horizon)
        lengths = Array(repeating: 0, count: episodeCount)
        terminated = Array(repeating: false, count: episodeCount)
        successes = Array(repeating: false, count: episodeCount)
        taskIndices = Array(repeating: 0, count: episodeCount)
    }

    /// Total number of real (unpadded) steps.
    public var stepCount: Int { lengths.reduce(0, +) }

    /// The real (unpadded) steps in episode then time order: their observations
    /// (stepCount × observationSize), actions (stepCount × actionSize), and `perStep` — one value
    /// per padded row (episodeCount × horizon), such as advantages — gathered for them.
    public func realSteps(gathering perStep: [Double]) -> (observations: [Float], actions: [Float], values: [Double]) {
        precondition(perStep.count == episodeCount * horizon, "realSteps: need one value per padded row")
        let rows = stepCount
        var obs = [Float](), act = [Float](), values = [Double]()
        obs.reserveCapacity(rows * observationSize); act.reserveCapacity(rows * actionSize); values.reserveCapacity(rows)
        for e in 0..<episodeCount {
            for t in 0..<lengths[e] {
                let row = e * horizon + t
                obs += observations[(row * observationSize)..<((row + 1) * observationSize)]
                act += actions[(row * actionSize)..<((row + 1) * actionSize)]
                values.append(perStep[row])
            }
        }
        return (obs, act, values)
    }

    /// 1 for real steps, 0 for padding; E × T.
    public var mask: [Float] {
        var m = [Float](repeating: 0, count: episodeCount * horizon)
        for e in 0..<episodeCount { for t in 0..<lengths[e] { m[e * horizon + t] = 1 } }
        return m
    }

    /// Undiscounted return of each episode.
    public var episodeReturns: [Double] {
        (0..<episodeCount).map { e in
            var sum = 0.0
            for t in 0..<lengths[e] { sum += rewards[e * horizon + t] }
            return sum
        }
    }

    /// Mean undiscounted return over episodes (0 for an empty batch).
    public var averageReturn: Double {
        episodeCount == 0 ? 0 : episodeReturns.reduce(0, +) / Double(episodeCount)
    }

    /// Fraction of episodes in which the success predicate held at some step.
    public var successRate: Double {
        episodeCount == 0 ? 0 : Double(successes.lazy.filter { $0 }.count) / Double(episodeCount)
    }

    /// The episodes whose task index is `task`, in order.
    public func episodes(ofTask task: Int) -> [Int] {
        (0..<episodeCount).filter { taskIndices[$0] == task }
    }
}
