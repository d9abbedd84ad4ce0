import Numerics

// The sampler: N episodes of each of K tasks, all K·N stepped together in one VectorEnvironment.
// Each step the policy is called once for the whole batch (one matrix product per layer), on the
// calling thread; environments step on `threads` workers. Policy noise is drawn from one stream in
// row order and environment noise from per-slot streams, so the batch is bit-identical whatever
// the thread count. A rank of a distributed run samples only its block of slots: it resets them
// with their own streams and passes over the other rows' policy noise, so its episodes are
// bit-identical to the same slots of the whole batch.

/// A stochastic policy as the sampler sees it: one call per step for every slot at once.
public protocol BatchPolicy {
    /// Writes `rows` actions (rows × actionSize, row-major) for `rows` observations
    /// (rows × observationSize), drawing any noise from `rng` in row order.
    func act(observations: UnsafeBufferPointer<Float>, rows: Int,
             actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource)
    /// Advances `rng` exactly as `act` on `rows` rows would, without acting.
    func skip(rows: Int, rng: inout RandomSource)
}

/// Collects episodes of an environment with a batched policy.
public struct Sampler<E: Environment>: Sendable {
    public let environment: E
    /// Workers that step the environments (1 = the calling thread only).
    public let threads: Int

    public init(_ environment: E, threads: Int = 1) {
        precondition(threads > 0, "Sampler: threads must be positive")
        self.environment = environment; self.threads = threads
    }

    /// Runs `episodesPerTask` episodes of every task in `tasks`, all at once, for at most the
    /// environment's horizon.
    ///
    /// Episode e of the result belongs to task e / episodesPerTask. Randomness: stream 0 of
    /// `seed` seeds the environments' resets (slot i gets its stream i), stream 1 the policy.
    ///
    /// With `slots`, only those episodes of the whole batch are run (a rank's share): the result
    /// holds them in order, bit-identical to the same episodes of a full call, and its task
    /// indices are those of the whole batch. The policy then acts on those rows only.
    public func sample<P: BatchPolicy>(_ policy: P, tasks: [E.Task], episodesPerTask: Int, seed: UInt64,
                                       slots: Range<Int>? = nil) -> EpisodeBatch {
        precondition(!tasks.isEmpty && episodesPerTask > 0, "sample: need tasks and episodes")
        let spec = environment.spec
        let obsSize = spec.observationSize, actSize = spec.actionSize, horizon = spec.horizon
        let total = tasks.count * episodesPerTask
        let window = slots ?? 0..<total
        precondition(window.lowerBound >= 0 && window.upperBound <= total && !window.isEmpty,
                     "sample: slots \(window) outside the batch's 0..<\(total)")
        let count = window.count
        var batch = EpisodeBatch(episodeCount: count, horizon: horizon, observationSize: obsSize, actionSize: actSize)
        var slotTasks: [E.Task] = []
        slotTasks.reserveCapacity(count)
        for (e, slot) in window.enumerated() {
            slotTasks.append(tasks[slot / episodesPerTask]); batch.taskIndices[e] = slot / episodesPerTask
        }
        let root = RandomSource(seed: seed)
        var resetSeedSource = root.stream(0)
        var policyRNG = root.stream(1)
        var vector = VectorEnvironment(environment, batchSize: count, threads: threads)
        vector.reset(tasks: slotTasks, seed: resetSeedSource.next(), firstStream: window.lowerBound)
        let rowsBefore = window.lowerBound, rowsAfter = total - window.upperBound

        var sampled = [Float](repeating: 0, count: count * actSize)
        for t in 0..<horizon {
            // Record where each live episode stands, then let the policy act on every slot.
            var live = 0
            for e in 0..<count where !vector.terminated[e] {
                live += 1
                let dst = (e * horizon + t) * obsSize
                for j in 0..<obsSize { batch.observations[dst + j] = vector.observations[e * obsSize + j] }
            }
            if live == 0 { break }
            vector.observations.withUnsafeBufferPointer { obs in
                sampled.withUnsafeMutableBufferPointer { act in
                    // The noise of the rows before this share, this share's, then the rest.
                    if rowsBefore > 0 { policy.skip(rows: rowsBefore, rng: &policyRNG) }
                    policy.act(observations: obs, rows: count, actions: act, rng: &policyRNG)
                    if rowsAfter > 0 { policy.skip(rows: rowsAfter, rng: &policyRNG) }
                }
            }
            for e in 0..<count where !vector.terminated[e] {
                let dst = (e * horizon + t) * actSize
                for j in 0..<actSize {
                    batch.actions[dst + j] = sampled[e * actSize + j]
                    vector.actions[e * actSize + j] = Double(sampled[e * actSize + j])
                }
            }
            vector.step()
            // An episode was live at step t exactly when it had taken t steps without ending.
            for e in 0..<count where batch.lengths[e] == t && !batch.terminated[e] {
                batch.rewards[e * horizon + t] = vector.rewards[e]
                batch.lengths[e] = t + 1
                if vector.successes[e] { batch.successes[e] = true }
                if vector.terminated[e] { batch.terminated[e] = true }
            }
        }
        return batch
    }
}
