import Foundation
import Numerics
import RL
import Collectives

// Single-task training, generic over the environment: sample → update, `iterations` times. The
// CLI, the tests and (later) the robot suite all call this one function.

/// One row of a learning curve: the batch sampled at the start of the iteration (before its
/// update), and what the update did.
public struct IterationRecord: Sendable, Equatable, Codable {
    public var iteration: Int
    /// Mean undiscounted episode return of the batch.
    public var averageReturn: Double
    /// Fraction of the batch's episodes that succeeded.
    public var successRate: Double
    public var episodes: Int
    public var steps: Int
    public var loss: Double
    public var meanKL: Double
    public var entropy: Double
}

/// Wall-clock time of one iteration's two phases (not part of the deterministic record).
public struct IterationTiming: Sendable {
    /// Collecting the episodes.
    public var samplingSeconds: Double
    /// Advantages, baseline and the policy update.
    public var updateSeconds: Double
}

/// The outcome of `trainPolicy`.
public struct TrainingRun: Sendable {
    public let learner: PolicyGradientLearner
    public let curve: [IterationRecord]
}

/// Trains a fresh policy on one fixed task of `environment` for `iterations` iterations of
/// `config.episodesPerIteration` episodes each.
///
/// Randomness: stream 0 of `seed` initializes the learner, stream 1's k-th stream seeds
/// iteration k's sampling. Environments step on `threads` workers; the result is bit-identical
/// for every thread count. `onIteration` sees each record as it is made, with the phases' wall-clock times (progress
/// display, benchmarks).
public func trainPolicy<E: Environment>(environment: E, task: E.Task, config: TrainingConfig, iterations: Int,
                                        seed: UInt64, threads: Int = 1, world: any Communicator = SingleProcess(),
                                        onIteration: (IterationRecord, IterationTiming) -> Void = { _, _ in }) -> TrainingRun {
    trainPolicy(environment: environment, tasks: { _ in [task] }, config: config, iterations: iterations, seed: seed,
                threads: threads, world: world, onIteration: onIteration)
}

/// Trains one policy on many tasks: iteration k samples `config.episodesPerIteration` episodes
/// of every task in `tasks(k)` and updates on all of them together (the "multitask" baseline of
/// meta-RL: one policy for the task distribution, no adaptation).
///
/// Randomness: stream 0 of `seed` initializes the learner, stream 1's k-th stream seeds
/// iteration k's sampling; `tasks` must itself be a function of k. Bit-identical for every
/// thread count.
///
/// Distributed (`world` of several ranks, all calling with the same arguments): each rank
/// samples its block of the iteration's episodes, the ranks exchange them, and every rank takes
/// the same update on the whole batch: bit-identical to one process, with the sampling spread.
public func trainPolicy<E: Environment>(environment: E, tasks: (Int) -> [E.Task], config: TrainingConfig, iterations: Int,
                                        seed: UInt64, threads: Int = 1, world: any Communicator = SingleProcess(),
                                        onIteration: (IterationRecord, IterationTiming) -> Void = { _, _ in }) -> TrainingRun {
    precondition(iterations >= 0 && config.episodesPerIteration > 0, "trainPolicy: bad iteration or episode count")
    let root = RandomSource(seed: seed)
    var learnerSeed = root.stream(0)
    let samplingRoot = root.stream(1)
    var learner = PolicyGradientLearner(config: config, spec: environment.spec, seed: learnerSeed.next())
    let sampler = Sampler(environment, threads: threads)
    var curve: [IterationRecord] = []
    for k in 0..<iterations {
        var iterationSeed = samplingRoot.stream(k)
        let clock = ContinuousClock()
        let t0 = clock.now
        let iterationTasks = tasks(k)
        let count = iterationTasks.count * config.episodesPerIteration
        precondition(count >= world.size, "trainPolicy: \(count) episodes per iteration cannot be spread over \(world.size) ranks")
        let episodes = sampler.sample(learner.sampler, tasks: iterationTasks, episodesPerTask: config.episodesPerIteration,
                                      seed: iterationSeed.next(), slots: world.share(of: count)).allGathered(world)
        let t1 = clock.now
        let stats = learner.update(episodes)
        let t2 = clock.now
        let record = IterationRecord(iteration: k, averageReturn: episodes.averageReturn, successRate: episodes.successRate,
                                     episodes: episodes.episodeCount, steps: episodes.stepCount, loss: stats.loss,
                                     meanKL: stats.meanKL, entropy: stats.entropy)
        curve.append(record)
        onIteration(record, IterationTiming(samplingSeconds: seconds(t1 - t0), updateSeconds: seconds(t2 - t1)))
    }
    return TrainingRun(learner: learner, curve: curve)
}

private func seconds(_ d: Duration) -> Double {
    let (s, attoseconds) = d.components
    return Double(s) + Double(attoseconds) * 1e-18
}
