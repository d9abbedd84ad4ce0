import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL

// The meta-training loop, generic over the environment: per iteration, a meta-batch of train
// tasks, their pre- and post-update episodes, one outer step. Iteration k draws all of its
// randomness from streams indexed by k, so a run resumed from the state after iteration k ends
// bit-identical to an uninterrupted one.

/// Wall-clock time of one meta-iteration's phases (not part of the deterministic record).
public struct MetaIterationTiming: Sendable {
    /// Collecting pre- and post-update episodes (and the inner steps between them).
    public var samplingSeconds: Double
    /// The outer step.
    public var metaUpdateSeconds: Double
}

/// A meta-training run's state after some iterations: what a checkpoint holds.
public struct MetaTrainingState: Sendable {
    public var learner: MetaLearner
    public var curve: [MetaIterationRecord]
    /// Iterations done.
    public var iteration: Int { curve.count }
    public init(learner: MetaLearner, curve: [MetaIterationRecord]) { self.learner = learner; self.curve = curve }
}

/// The outcome of `metaTrain`.
public struct MetaTrainingRun: Sendable {
    public let learner: MetaLearner
    public let curve: [MetaIterationRecord]
}

/// The learner a run with `seed` starts from (stream 0 of `seed`).
public func initialMetaLearner(config: MetaConfig, spec: EnvironmentSpec, seed: UInt64) -> MetaLearner {
    var learnerSeed = RandomSource(seed: seed).stream(0)
    return MetaLearner(config: config, spec: spec, seed: learnerSeed.next())
}

/// Meta-trains with `config.algorithm` until `iterations` meta-iterations are done, on train
/// tasks of `taskSampler`, from a fresh policy or from `resume` (a state of a run with the same
/// seed and config).
///
/// Randomness: stream 0 of `seed` initializes the policy; iteration k draws its tasks from
/// stream (1, k), its pre-update episodes with seed stream (2, k), its post-update episodes with
/// stream (3, k) (Reptile's inner step s > 0 with stream (4, k, s)). Environments step on
/// `threads` workers, which also evaluate TRPO's line search and Fisher-vector products per task;
/// the result is bit-identical for every thread count. `onIteration` sees the
/// state after each iteration (checkpoints, progress); throwing from it stops the run there.
public func metaTrain<E: Environment, TS: TaskSampler>(environment: E, tasks taskSampler: TS, config: MetaConfig,
                                                       iterations: Int, seed: UInt64, threads: Int = 1,
                                                       resume: MetaTrainingState? = nil,
                                                       onIteration: (MetaTrainingState, MetaIterationTiming) throws -> Void)
    rethrows -> MetaTrainingRun where TS.Task == E.Task {
    precondition(iterations >= 0 && config.metaBatchSize > 0 && config.preEpisodes > 0 && config.postEpisodes > 0,
                 "metaTrain: bad iteration, task or episode count")
    let root = RandomSource(seed: seed)
    var state = resume ?? MetaTrainingState(learner: initialMetaLearner(config: config, spec: environment.spec, seed: seed), curve: [])
    precondition(state.learner.config == config, "metaTrain: the resumed state was made with another config")
    let sampler = Sampler(environment, threads: threads)
    let clock = ContinuousClock()
    while state.iteration < iterations {
        let k = state.iteration
        let t0 = clock.now
        var taskRNG = root.stream(1).stream(k)
        var preSeed = root.stream(2).stream(k), postSeed = root.stream(3).stream(k)
        let tasks = (0..<config.metaBatchSize).map { _ in taskSampler.sample(.train, rng: &taskRNG) }
        let learner = state.learner
        let pre = sampler.sample(learner.sampler, tasks: tasks, episodesPerTask: config.preEpisodes, seed: preSeed.next())
        var adapted = (0..<tasks.count).map { i in learner.adapted(to: selectEpisodes(pre, pre.episodes(ofTask: i))) }
        if config.algorithm == .reptile {
            // Further inner steps, each on fresh episodes of the task under its current θ̃.
            for s in 1..<max(config.reptile.innerSteps, 1) {
                var stepSeed = root.stream(4).stream(k).stream(s)
                let batch = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: config.preEpisodes),
                                           tasks: tasks, episodesPerTask: config.preEpisodes, seed: stepSeed.next())
                adapted = (0..<tasks.count).map { i in learner.adapted(to: selectEpisodes(batch, batch.episodes(ofTask: i)), parameters: adapted[i]) }
            }
        }
        let post = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: config.postEpisodes),
                                  tasks: tasks, episodesPerTask: config.postEpisodes, seed: postSeed.next())
        let t1 = clock.now
        var record = MetaIterationRecord(iteration: k, preUpdateReturn: pre.averageReturn, postUpdateReturn: post.averageReturn,
                                         preUpdateSuccessRate: pre.successRate, postUpdateSuccessRate: post.successRate,
                                         meanKL: 0, lineSearchSteps: 0, accepted: true)
        if config.algorithm == .reptile {
            let before = state.learner
            state.learner.reptileUpdate(adapted: adapted)
            let rows = stepRows(pre, weights: [Double](repeating: 0, count: pre.episodeCount * pre.horizon), as: Float.self)
            let batch = PolicyGradientBatch(observations: rows.observations, actions: rows.actions,
                                            advantages: rows.weights.reshaped([rows.weights.count]),
                                            policy: before.policy, parameters: before.parameters)
            record.meanKL = Double(meanKL(before.policy, parameters: state.learner.parameters, batch: batch).scalar)
        } else {
            let step = state.learner.update(pre: pre, post: post, adapted: adapted, threads: threads)
            record.meanKL = step.meanKL; record.lineSearchSteps = step.lineSearchSteps; record.accepted = step.accepted
        }
        let t2 = clock.now
        state.curve.append(record)
        try onIteration(state, MetaIterationTiming(samplingSeconds: seconds(t1 - t0), metaUpdateSeconds: seconds(t2 - t1)))
    }
    return MetaTrainingRun(learner: state.learner, curve: state.curve)
}

/// `metaTrain` without a per-iteration callback.
public func metaTrain<E: Environment, TS: TaskSampler>(environment: E, tasks taskSampler: TS, config: MetaConfig,
                                                       iterations: Int, seed: UInt64, threads: Int = 1,
                                                       resume: MetaTrainingState? = nil) -> MetaTrainingRun
where TS.Task == E.Task {
    metaTrain(environment: environment, tasks: taskSampler, config: config, iterations: iterations, seed: seed,
              threads: threads, resume: resume, onIteration: { _, _ in })
}

func seconds(_ d: Duration) -> Double {
    let (s, attoseconds) = d.components
    return Double(s) + Double(attoseconds) * 1e-18
}
