import Collectives

// Episode batches across the ranks of a distributed run: each rank samples its block of slots
// (`Sampler.sample(..., slots:)`), and the whole batch is their concatenation in rank order.

extension EpisodeBatch {
    /// `parts` one after another: episodes in order, task indices kept. All parts must share the
    /// horizon and the observation and action sizes.
    public init(concatenating parts: [EpisodeBatch]) {
        precondition(!parts.isEmpty, "EpisodeBatch(concatenating:): no parts")
        let first = parts[0]
        precondition(parts.allSatisfy { $0.horizon == first.horizon && $0.observationSize == first.observationSize
                                        && $0.actionSize == first.actionSize },
                     "EpisodeBatch(concatenating:): parts of different layouts")
        self.init(episodeCount: parts.reduce(0) { $0 + $1.episodeCount }, horizon: first.horizon,
                            observationSize: first.observationSize, actionSize: first.actionSize,
                            observations: parts.flatMap(\.observations), actions: parts.flatMap(\.actions),
                            rewards: parts.flatMap(\.rewards), lengths: parts.flatMap(\.lengths),
                            terminated: parts.flatMap(\.terminated), successes: parts.flatMap(\.successes),
                            taskIndices: parts.flatMap(\.taskIndices))
    }

    private init(episodeCount: Int, horizon: Int, observationSize: Int, actionSize: Int, observations: [Float],
                 actions: [Float], rewards: [Double], lengths: [Int], terminated: [Bool], successes: [Bool], taskIndices: [Int]) {
        self.episodeCount = episodeCount; self.horizon = horizon
        self.observationSize = observationSize; self.actionSize = actionSize
        self.observations = observations; self.actions = actions; self.rewards = rewards; self.lengths = lengths
        self.terminated = terminated; self.successes = successes; self.taskIndices = taskIndices
    }

    /// Every rank's batch, concatenated in rank order, on every rank: the whole batch when each
    /// rank sampled its `share` of the slots.
    public func allGathered(_ world: any Communicator) -> EpisodeBatch {
        if world.size == 1 { return self }
        let observations = world.allGather(self.observations), actions = world.allGather(self.actions)
        let rewards = world.allGather(self.rewards), lengths = world.allGather(self.lengths)
        let flags = world.allGather(zip(terminated, successes).map { UInt8($0 ? 1 : 0) | UInt8($1 ? 2 : 0) })
        let tasks = world.allGather(taskIndices)
        let parts = (0..<world.size).map { r in
            EpisodeBatch(episodeCount: lengths[r].count, horizon: horizon, observationSize: observationSize, actionSize: actionSize,
                         observations: observations[r], actions: actions[r], rewards: rewards[r], lengths: lengths[r],
                         terminated: flags[r].map { $0 & 1 != 0 }, successes: flags[r].map { $0 & 2 != 0 }, taskIndices: tasks[r])
        }
        return EpisodeBatch(concatenating: parts)
    }
}
