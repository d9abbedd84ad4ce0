import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL

// MAML-TRPO (Finn et al. 2017): per meta-iteration, a meta-batch of tasks; for each, K pre-update
// episodes under θ, one inner step θ'_i = adapt(θ, τ_i), M post-update episodes under θ'_i; then
// one TRPO step on the meta-objective mean_i L_i(θ) with the chosen meta-gradient estimator, the
// trust region measured on the post-update policies. All of it on the calling thread except the
// environments, which step on the sampler's workers; the result is bit-identical per seed for
// every thread count.

/// The settings of MAML-TRPO.
public struct MAMLConfig: Sendable, Codable, Equatable {
    public var policy: PolicyConfig
    /// Tasks per meta-iteration.
    public var metaBatchSize: Int
    /// K: pre-update (adaptation) episodes per task.
    public var preEpisodes: Int
    /// M: post-update episodes per task.
    public var postEpisodes: Int
    /// α: the inner step size (on the per-episode-mean objective of `adapt`).
    public var stepSize: Double
    public var discount: Double
    public var innerBaseline: InnerBaseline
    public var estimator: MetaGradientEstimator
    /// The outer step; its δ bounds the mean over tasks of KL(π_θ'old ‖ π_θ') on post-update states.
    public var trpo: TRPOConfig

    public init(policy: PolicyConfig, metaBatchSize: Int, preEpisodes: Int, postEpisodes: Int, stepSize: Double,
                discount: Double, innerBaseline: InnerBaseline, estimator: MetaGradientEstimator, trpo: TRPOConfig) {
        self.policy = policy; self.metaBatchSize = metaBatchSize; self.preEpisodes = preEpisodes
        self.postEpisodes = postEpisodes; self.stepSize = stepSize; self.discount = discount
        self.innerBaseline = innerBaseline; self.estimator = estimator; self.trpo = trpo
    }
}

/// A Float Gaussian MLP policy with one parameter set per task: slot e of a sampler batch
/// belongs to task e / episodesPerTask and acts with that task's parameters (post-update sampling).
/// Noise is drawn from the stream in row order, as `GaussianPolicySampler` does.
public struct PerTaskPolicySampler: BatchPolicy, Sendable {
    public let policy: GaussianMLPPolicy<Float>
    public let parameters: [Parameters<Float>]
    public let episodesPerTask: Int

    public init(policy: GaussianMLPPolicy<Float>, parameters: [Parameters<Float>], episodesPerTask: Int) {
        self.policy = policy; self.parameters = parameters.map { $0.detached() }; self.episodesPerTask = episodesPerTask
    }

    public func act(observations: UnsafeBufferPointer<Float>, rows: Int,
                    actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource) {
        let obsSize = policy.observationDimension, actSize = policy.actionDimension
        precondition(rows == parameters.count * episodesPerTask, "PerTaskPolicySampler: \(rows) rows for \(parameters.count) tasks")
        var means = [Float](repeating: 0, count: rows * actSize)
        var stds = [Float](repeating: 0, count: rows * actSize)
        for (k, θ) in parameters.enumerated() {
            let first = k * episodesPerTask
            let input = Tensor<Float>(shape: .matrix(episodesPerTask, obsSize),
                                      scalars: Array(observations[(first * obsSize)..<((first + episodesPerTask) * obsSize)]))
            let (mean, logStd) = policy.distribution(input, parameters: θ)
            let m = mean.scalars, s = logStd.scalars.map { Foundation.exp($0) }
            for r in 0..<episodesPerTask {
                for j in 0..<actSize {
                    means[(first + r) * actSize + j] = m[r * actSize + j]
                    stds[(first + r) * actSize + j] = s[j]
                }
            }
        }
        for i in 0..<(rows * actSize) { actions[i] = means[i] + stds[i] * Float(rng.normal()) }
    }
}


/// The episodes `indices` of `batch`, in that order, as a batch of their own (task indices kept).
public func selectEpisodes(_ batch: EpisodeBatch, _ indices: [Int]) -> EpisodeBatch {
    var out = EpisodeBatch(episodeCount: indices.count, horizon: batch.horizon,
                           observationSize: batch.observationSize, actionSize: batch.actionSize)
    let T = batch.horizon, o = batch.observationSize, a = batch.actionSize
    for (k, e) in indices.enumerated() {
        out.observations.replaceSubrange((k * T * o)..<((k + 1) * T * o), with: batch.observations[(e * T * o)..<((e + 1) * T * o)])
        out.actions.replaceSubrange((k * T * a)..<((k + 1) * T * a), with: batch.actions[(e * T * a)..<((e + 1) * T * a)])
        out.rewards.replaceSubrange((k * T)..<((k + 1) * T), with: batch.rewards[(e * T)..<((e + 1) * T)])
        out.lengths[k] = batch.lengths[e]; out.terminated[k] = batch.terminated[e]
        out.successes[k] = batch.successes[e]; out.taskIndices[k] = batch.taskIndices[e]
    }
    return out
}

/// One row of a meta-training curve.
public struct MetaIterationRecord: Sendable, Equatable, Codable {
    public var iteration: Int
    /// Mean undiscounted return of the pre-update (θ) and post-update (θ'_i) episodes.
    public var preUpdateReturn: Double
    public var postUpdateReturn: Double
    public var preUpdateSuccessRate: Double
    public var postUpdateSuccessRate: Double
    /// The mean over tasks of KL(π_θ'old ‖ π_θ'new) on post-update states after the step.
    public var meanKL: Double
    public var lineSearchSteps: Int
    public var accepted: Bool
}

/// One task's fixed data for a meta-update.
struct MetaTask {
    let rows: AdaptationRows<Float>
    /// [K, N] 0/1: which pre-update row belongs to which episode (per-episode log-likelihoods).
    let preEpisodeIndicator: Tensor<Float>
    let preOldLogLikelihood: Tensor<Float>   // [1, K]
    /// Post-update steps, with the adapted policy that sampled them as the "old" policy.
    let post: PolicyGradientBatch<Float>
    let postEpisodes: Int
    let preWeight: Tensor<Float>              // [1]
}

/// What a meta-update did.
public struct MetaStep: Sendable, Equatable {
    /// The meta-surrogate mean_i L_i before (at θ, where the exact estimator's sampling-credit term
    /// is 0) and after the step (see `outerSurrogate`); the line search requires an increase.
    public let surrogateBefore: Double
    public let surrogateAfter: Double
    /// Mean over tasks of KL(π_θ'old ‖ π_θ'new) on post-update states.
    public let meanKL: Double
    public let lineSearchSteps: Int
    public let accepted: Bool
    public let cgIterations: Int
}

/// MAML-TRPO's state: the meta-parameters θ of a Gaussian MLP policy.
public struct MAMLTRPOLearner: Sendable {
    public let config: MAMLConfig
    public let policy: GaussianMLPPolicy<Float>
    public private(set) var parameters: Parameters<Float>

    /// A fresh policy for `spec`, initialized from stream 0 of `seed`.
    public init(config: MAMLConfig, spec: EnvironmentSpec, seed: UInt64) {
        var initRNG = RandomSource(seed: seed).stream(0)
        self.config = config
        policy = GaussianMLPPolicy(config: config.policy, observationSize: spec.observationSize,
                                   actionSize: spec.actionSize, using: &initRNG)
        parameters = policy.parameters
    }

    /// θ adapted to one task's episodes (untracked): deployment, and post-update sampling.
    public func adapted(to episodes: EpisodeBatch, parameters θ: Parameters<Float>? = nil) -> Parameters<Float> {
        adapt(θ ?? parameters, policy: policy, episodes: episodes, stepSize: Float(config.stepSize), createGraph: false,
              discount: config.discount, baseline: config.innerBaseline, objective: config.estimator.innerObjective)
    }

    func adaptedToRows(_ θ: Parameters<Float>, _ task: MetaTask, createGraph: Bool) -> Parameters<Float> {
        adapt(θ, policy: policy, rows: task.rows, stepSize: Float(config.stepSize), createGraph: createGraph,
              objective: config.estimator.innerObjective)
    }

    /// The meta-surrogate mean_i L_i(θ) (see `outerSurrogate`), and the mean post-update KL.
    func metaSurrogate(_ θ: Parameters<Float>, _ tasks: [MetaTask], createGraph: Bool) -> (surrogate: Tensor<Float>, kl: Tensor<Float>) {
        var total: Tensor<Float>? = nil, klTotal: Tensor<Float>? = nil
        for task in tasks {
            let θPrime = adaptedToRows(θ, task, createGraph: createGraph)
            let postLL = policy.logLikelihood(task.post.actions, given: task.post.observations, parameters: θPrime)
            let preLL = policy.logLikelihood(task.rows.actions, given: task.rows.observations, parameters: θ)
            let preEpisodeLL = matmul(preLL.reshaped([1, preLL.count]), task.preEpisodeIndicator, transposeB: true)
            let l = outerSurrogate(postLogLikelihood: postLL.reshaped([1, postLL.count]),
                                   postOldLogLikelihood: task.post.oldLogLikelihood.reshaped([1, postLL.count]),
                                   postAdvantages: task.post.advantages.reshaped([1, postLL.count]), postEpisodes: task.postEpisodes,
                                   preLogLikelihood: preEpisodeLL, preOldLogLikelihood: task.preOldLogLikelihood,
                                   preWeight: task.preWeight, estimator: config.estimator).sum()
            let kl = meanKL(policy, parameters: θPrime, batch: task.post)
            total = total.map { $0 + l } ?? l
            klTotal = klTotal.map { $0 + kl } ?? kl
        }
        let scale = 1 / Float(tasks.count)
        return (total!.scaled(by: scale), klTotal!.scaled(by: scale))
    }

    /// One MAML-TRPO update from `pre` (K episodes per task under θ) and `post` (M episodes per
    /// task under `adapted[i]`, which must be `adapted(to:)` of task i's pre-update episodes).
    /// Task i's episodes are those with task index i.
    public mutating func update(pre: EpisodeBatch, post: EpisodeBatch, adapted: [Parameters<Float>]) -> MetaStep {
        let taskCount = adapted.count
        // Post-update returns (discounted from t = 0, the quantity the outer advantages sum to).
        let postReturns = post.discountedReturns(discount: config.discount)
        var meanPostReturn = [Double](repeating: 0, count: taskCount)
        for i in 0..<taskCount {
            let episodes = post.episodes(ofTask: i)
            meanPostReturn[i] = episodes.reduce(0) { $0 + postReturns[$1 * post.horizon] } / Double(episodes.count)
        }
        let totalReturn = meanPostReturn.reduce(0, +)
        var tasks: [MetaTask] = []
        for i in 0..<taskCount {
            let preBatch = selectEpisodes(pre, pre.episodes(ofTask: i))
            let postBatch = selectEpisodes(post, post.episodes(ofTask: i))
            let rows = AdaptationRows<Float>(preBatch, discount: config.discount, baseline: config.innerBaseline)
            var indicator = [Float](repeating: 0, count: preBatch.episodeCount * preBatch.stepCount)
            var r = 0
            for e in 0..<preBatch.episodeCount {
                for _ in 0..<preBatch.lengths[e] { indicator[e * preBatch.stepCount + r] = 1; r += 1 }
            }
            let indicatorTensor = Tensor<Float>(shape: .matrix(preBatch.episodeCount, preBatch.stepCount), scalars: indicator)
            let preLL = policy.logLikelihood(rows.actions, given: rows.observations, parameters: parameters.detached())
            let preOld = matmul(preLL.reshaped([1, preLL.count]), indicatorTensor, transposeB: true).detached()
            let postAdvantages = innerWeights(postBatch, discount: config.discount, baseline: config.innerBaseline)
            let postRows = stepRows(postBatch, weights: postAdvantages, as: Float.self)
            let postData = PolicyGradientBatch(observations: postRows.observations, actions: postRows.actions,
                                               advantages: postRows.weights.reshaped([postRows.weights.count]),
                                               policy: policy, parameters: adapted[i])
            // b = the mean post-update return of the other tasks: independent of this task's
            // pre-update episodes, so the sampling-credit term stays unbiased (METAGRAD.md).
            let others = taskCount > 1 ? (totalReturn - meanPostReturn[i]) / Double(taskCount - 1) : 0
            tasks.append(MetaTask(rows: rows, preEpisodeIndicator: indicatorTensor, preOldLogLikelihood: preOld, post: postData,
                                  postEpisodes: postBatch.episodeCount, preWeight: Tensor([Float(meanPostReturn[i] - others)])))
        }

        let θ0 = parameters.detached()
        let θt = θ0.requiringGradient()
        let (surrogate0, _) = metaSurrogate(θt, tasks, createGraph: config.estimator.differentiatesThroughAdaptation)
        let g = gradients(of: surrogate0, wrt: θt).flattened().detached()
        let before = Double(surrogate0.scalar)
        // Curvature: the mean over tasks of the Fisher of the post-update policies with respect
        // to their own parameters (∂θ'/∂θ ≈ I in the metric only); the line search below checks
        // the true post-update KL of each candidate.
        let products = tasks.enumerated().map { i, task in fisherVectorProduct(policy, parameters: adapted[i], batch: task.post) }
        let fvp: (Tensor<Float>) -> Tensor<Float> = { v in
            var acc = products[0](v)
            for p in products.dropFirst() { acc = acc + p(v) }
            return acc.scaled(by: 1 / Float(products.count))
        }
        let trpo = config.trpo
        let damping = Float(trpo.cgDamping)
        let cg = conjugateGradient(g, damping: damping, maxIterations: trpo.cgIterations) { fvp($0) }
        let s = cg.solution
        let sFs = Double(((fvp(s) + s.scaled(by: damping)) * s).sum().scalar)
        let flat0 = θ0.flattened()
        guard sFs > 0, sFs.isFinite else {
            return MetaStep(surrogateBefore: before, surrogateAfter: before, meanKL: 0,
                            lineSearchSteps: 0, accepted: false, cgIterations: cg.iterations)
        }
        // β puts the quadratic KL model ½ (βs)ᵀF(βs) at δ.
        let beta = (2 * trpo.maxKL / sFs).squareRoot()
        var fraction = 1.0
        for k in 1...max(trpo.maxBacktracks, 1) {
            let candidate = θ0.unflattened(flat0 + s.scaled(by: Float(beta * fraction)))
            let (value, klTensor) = metaSurrogate(candidate, tasks, createGraph: false)
            let after = Double(value.scalar), kl = Double(klTensor.scalar)
            if kl.isFinite, after.isFinite, kl <= trpo.maxKL, after > before {
                parameters = candidate
                return MetaStep(surrogateBefore: before, surrogateAfter: after, meanKL: kl,
                                lineSearchSteps: k, accepted: true, cgIterations: cg.iterations)
            }
            fraction *= trpo.backtrackRatio
        }
        return MetaStep(surrogateBefore: before, surrogateAfter: before, meanKL: 0,
                        lineSearchSteps: trpo.maxBacktracks, accepted: false, cgIterations: cg.iterations)
    }
}

/// The outcome of `metaTrain`.
public struct MetaTrainingRun: Sendable {
    public let learner: MAMLTRPOLearner
    public let curve: [MetaIterationRecord]
}

/// Meta-trains a fresh policy with MAML-TRPO for `iterations` meta-iterations on training tasks
/// of `taskSampler`.
///
/// Randomness: stream 0 of `seed` initializes the policy; iteration k draws its tasks from
/// stream (1, k), its pre-update episodes with seed stream (2, k), its post-update episodes with
/// stream (3, k). Environments step on `threads` workers; the result is bit-identical for every
/// thread count.
public func metaTrain<E: Environment, TS: TaskSampler>(environment: E, tasks taskSampler: TS, config: MAMLConfig,
                                                       iterations: Int, seed: UInt64, threads: Int = 1,
                                                       onIteration: (MetaIterationRecord) -> Void = { _ in }) -> MetaTrainingRun
where TS.Task == E.Task {
    precondition(iterations >= 0 && config.metaBatchSize > 0 && config.preEpisodes > 0 && config.postEpisodes > 0,
                 "metaTrain: bad iteration, task or episode count")
    let root = RandomSource(seed: seed)
    var learnerSeed = root.stream(0)
    var learner = MAMLTRPOLearner(config: config, spec: environment.spec, seed: learnerSeed.next())
    let sampler = Sampler(environment, threads: threads)
    var curve: [MetaIterationRecord] = []
    for k in 0..<iterations {
        var taskRNG = root.stream(1).stream(k)
        var preSeed = root.stream(2).stream(k), postSeed = root.stream(3).stream(k)
        let tasks = (0..<config.metaBatchSize).map { _ in taskSampler.sample(.train, rng: &taskRNG) }
        let pre = sampler.sample(learner.sampler, tasks: tasks, episodesPerTask: config.preEpisodes, seed: preSeed.next())
        let adapted = (0..<tasks.count).map { i in learner.adapted(to: selectEpisodes(pre, pre.episodes(ofTask: i))) }
        let post = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: config.postEpisodes),
                                  tasks: tasks, episodesPerTask: config.postEpisodes, seed: postSeed.next())
        let step = learner.update(pre: pre, post: post, adapted: adapted)
        let record = MetaIterationRecord(iteration: k, preUpdateReturn: pre.averageReturn, postUpdateReturn: post.averageReturn,
                                         preUpdateSuccessRate: pre.successRate, postUpdateSuccessRate: post.successRate,
                                         meanKL: step.meanKL, lineSearchSteps: step.lineSearchSteps, accepted: step.accepted)
        curve.append(record)
        onIteration(record)
    }
    return MetaTrainingRun(learner: learner, curve: curve)
}

extension MAMLTRPOLearner {
    /// θ as a sampler.
    public var sampler: GaussianPolicySampler { GaussianPolicySampler(policy: policy, parameters: parameters) }
}

/// The meta-test protocol's core for one adaptation step: for each task, K episodes with θ, one
/// inner step, M fresh episodes with θ'. Returns per task the mean undiscounted return and
/// success rate before (the K episodes) and after (the M episodes).
/// Randomness: stream 0 of `seed` for the pre-update episodes, stream 1 for the post-update ones.
public func evaluateAdaptation<E: Environment>(_ learner: MAMLTRPOLearner, environment: E, tasks: [E.Task],
                                               preEpisodes: Int, postEpisodes: Int, seed: UInt64, threads: Int = 1)
    -> (preReturn: [Double], postReturn: [Double], preSuccess: [Double], postSuccess: [Double]) {
    let root = RandomSource(seed: seed)
    var preSeed = root.stream(0), postSeed = root.stream(1)
    let sampler = Sampler(environment, threads: threads)
    let pre = sampler.sample(learner.sampler, tasks: tasks, episodesPerTask: preEpisodes, seed: preSeed.next())
    let adapted = (0..<tasks.count).map { i in learner.adapted(to: selectEpisodes(pre, pre.episodes(ofTask: i))) }
    let post = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: postEpisodes),
                              tasks: tasks, episodesPerTask: postEpisodes, seed: postSeed.next())
    func perTask(_ batch: EpisodeBatch) -> (returns: [Double], success: [Double]) {
        (0..<tasks.count).map { i -> (Double, Double) in
            let b = selectEpisodes(batch, batch.episodes(ofTask: i))
            return (b.averageReturn, b.successRate)
        }.reduce(into: ([Double](), [Double]())) { $0.0.append($1.0); $0.1.append($1.1) }
    }
    let before = perTask(pre), after = perTask(post)
    return (before.returns, after.returns, before.success, after.success)
}
