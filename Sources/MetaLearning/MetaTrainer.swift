import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL
import Collectives

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
///
/// Distributed (`world` of several ranks, every rank calling with the same arguments): each rank
/// samples, adapts to and differentiates its block of each meta-batch's tasks; the contributions
/// are gathered and combined in task order, so every rank holds the same state after each
/// iteration, bit-identical to a single-process run.
public func metaTrain<E: Environment, TS: TaskSampler>(environment: E, tasks taskSampler: TS, config: MetaConfig,
                                                       iterations: Int, seed: UInt64, threads: Int = 1,
                                                       world: any Communicator = SingleProcess(),
                                                       resume: MetaTrainingState? = nil,
                                                       onIteration: (MetaTrainingState, MetaIterationTiming) throws -> Void)
    rethrows -> MetaTrainingRun where TS.Task == E.Task {
    precondition(iterations >= 0 && config.metaBatchSize > 0 && config.preEpisodes > 0 && config.postEpisodes > 0,
                 "metaTrain: bad iteration, task or episode count")
    let root = RandomSource(seed: seed)
    var state = resume ?? MetaTrainingState(learner: initialMetaLearner(config: config, spec: environment.spec, seed: seed), curve: [])
    precondition(state.learner.config == config, "metaTrain: the resumed state was made with another config")
    let sampler = Sampler(environment, threads: threads)
    let share = TaskShare(taskCount: config.metaBatchSize, world: world)
    let owned = share.owned
    // This rank's episodes of a batch with `perTask` episodes per task.
    func slots(_ perTask: Int) -> Range<Int> { (owned.lowerBound * perTask)..<(owned.upperBound * perTask) }
    let clock = ContinuousClock()
    while state.iteration < iterations {
        let k = state.iteration
        let t0 = clock.now
        var taskRNG = root.stream(1).stream(k)
        var preSeed = root.stream(2).stream(k), postSeed = root.stream(3).stream(k)
        let tasks = (0..<config.metaBatchSize).map { _ in taskSampler.sample(.train, rng: &taskRNG) }
        let learner = state.learner
        // This rank's tasks only, from here to the outer step (adapted[j] is task owned[j]'s).
        let pre = sampler.sample(learner.sampler, tasks: tasks, episodesPerTask: config.preEpisodes, seed: preSeed.next(),
                                 slots: slots(config.preEpisodes))
        var adapted = owned.map { i in learner.adapted(to: selectEpisodes(pre, pre.episodes(ofTask: i))) }
        if config.algorithm == .reptile {
            // Further inner steps, each on fresh episodes of the task under its current θ̃.
            for s in 1..<max(config.reptile.innerSteps, 1) {
                var stepSeed = root.stream(4).stream(k).stream(s)
                let batch = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: config.preEpisodes),
                                           tasks: tasks, episodesPerTask: config.preEpisodes, seed: stepSeed.next(),
                                           slots: slots(config.preEpisodes))
                adapted = owned.enumerated().map { j, i in
                    learner.adapted(to: selectEpisodes(batch, batch.episodes(ofTask: i)), parameters: adapted[j])
                }
            }
        }
        let post = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: config.postEpisodes),
                                  tasks: tasks, episodesPerTask: config.postEpisodes, seed: postSeed.next(),
                                  slots: slots(config.postEpisodes))
        let t1 = clock.now
        let preSummary = BatchSummary(pre, world: world), postSummary = BatchSummary(post, world: world)
        var record = MetaIterationRecord(iteration: k, preUpdateReturn: preSummary.averageReturn, postUpdateReturn: postSummary.averageReturn,
                                         preUpdateSuccessRate: preSummary.successRate, postUpdateSuccessRate: postSummary.successRate,
                                         meanKL: 0, lineSearchSteps: 0, accepted: true)
        if config.algorithm == .reptile {
            let before = state.learner
            let all = world.gatherItems(adapted.map { $0.flattened().scalars }, count: share.taskCount)
            state.learner.reptileUpdate(adapted: all.map { before.parameters.unflattened(Tensor(shape: .vector($0.count), scalars: $0)) })
            // The step's size: the mean over tasks of KL(π_θold ‖ π_θnew) on the task's pre-update states.
            let θ = state.learner.parameters
            let kls = share.gather(threads: threads) { j in
                let episodes = selectEpisodes(pre, pre.episodes(ofTask: owned.lowerBound + j))
                let rows = stepRows(episodes, weights: [Double](repeating: 0, count: episodes.episodeCount * episodes.horizon), as: Float.self)
                let batch = PolicyGradientBatch(observations: rows.observations, actions: rows.actions,
                                                advantages: rows.weights.reshaped([rows.weights.count]),
                                                policy: before.policy, parameters: before.parameters)
                return [meanKL(before.policy, parameters: θ, batch: batch).scalar]
            }
            record.meanKL = Double(meanInOrder(kls)[0])
        } else {
            let step = state.learner.update(pre: pre, post: post, adapted: adapted, threads: threads, share: share)
            record.meanKL = step.meanKL; record.lineSearchSteps = step.lineSearchSteps; record.accepted = step.accepted
        }
        let t2 = clock.now
        state.curve.append(record)
        try onIteration(state, MetaIterationTiming(samplingSeconds: seconds(t1 - t0), metaUpdateSeconds: seconds(t2 - t1)))
    }
    return MetaTrainingRun(learner: state.learner, curve: state.curve)
}

/// The mean return and success rate of the episodes of a batch spread over the ranks, computed
/// from every episode in the order of the whole batch (as `EpisodeBatch.averageReturn` is).
struct BatchSummary {
    let averageReturn: Double
    let successRate: Double

    init(_ batch: EpisodeBatch, world: any Communicator) {
        let returns = world.allGather(batch.episodeReturns).flatMap { $0 }
        let successes = world.allGather(batch.successes.map { UInt8($0 ? 1 : 0) }).flatMap { $0 }
        averageReturn = returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count)
        successRate = successes.isEmpty ? 0 : Double(successes.lazy.filter { $0 == 1 }.count) / Double(successes.count)
    }
}

/// `metaTrain` without a per-iteration callback.
public func metaTrain<E: Environment, TS: TaskSampler>(environment: E, tasks taskSampler: TS, config: MetaConfig,
                                                       iterations: Int, seed: UInt64, threads: Int = 1,
                                                       world: any Communicator = SingleProcess(),
                                                       resume: MetaTrainingState? = nil) -> MetaTrainingRun
where TS.Task == E.Task {
    metaTrain(environment: environment, tasks: taskSampler, config: config, iterations: iterations, seed: seed,
              threads: threads, world: world, resume: resume, onIteration: { _, _ in })
}

func seconds(_ d: Duration) -> Double {
    let (s, attoseconds) = d.components
    return Double(s) + Double(attoseconds) * 1e-18
}
