import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL
import Collectives

// The meta-learner: θ of a Gaussian MLP policy and the outer step of each algorithm. Per
// meta-iteration the trainer (MetaTrainer.swift) samples a meta-batch of tasks; for each, K
// pre-update episodes under θ, θ'_i = adapt(θ, τ_i), M post-update episodes under θ'_i; the
// learner then takes one outer step on the meta-objective mean_i L_i(θ):
//   TRPO (maml-trpo, fomaml): natural gradient by CG, line search on the true post-update KL;
//   PPO (maml-ppo, promp):    full-batch Adam steps on the clipped meta-surrogate, θ' re-adapted
//                             from the current θ at every step;
//   Reptile:                  θ ← θ + ε · mean_i(θ̃_i − θ) after several inner steps per task.
// Every task's contribution (its surrogate value, gradient, Fisher-vector product, KL) is
// computed on its own, on the sampler's workers and, in a distributed run, on the rank that owns
// the task (`TaskShare`); the contributions are gathered and summed in task order. One code path
// for every thread and rank count, so the result is bit-identical whatever their number.

/// One row of a meta-training curve.
public struct MetaIterationRecord: Sendable, Equatable, Codable {
    public var iteration: Int
    /// Mean undiscounted return of the pre-update (θ) and post-update (θ'_i) episodes.
    public var preUpdateReturn: Double
    public var postUpdateReturn: Double
    public var preUpdateSuccessRate: Double
    public var postUpdateSuccessRate: Double
    /// The mean over tasks of KL(π_θ'old ‖ π_θ'new) on post-update states after the step
    /// (Reptile: the mean over tasks of KL(π_θold ‖ π_θnew) on its first inner batch's states).
    public var meanKL: Double
    /// TRPO's line-search steps (0 for the other outer steps).
    public var lineSearchSteps: Int
    public var accepted: Bool
}

/// What a meta-update did.
public struct MetaStep: Sendable, Equatable {
    /// The meta-surrogate mean_i L_i before (at θ, where the exact estimator's sampling-credit term
    /// is 0) and after the step (see `outerSurrogate`); TRPO's line search requires an increase.
    public let surrogateBefore: Double
    public let surrogateAfter: Double
    /// Mean over tasks of KL(π_θ'old ‖ π_θ'new) on post-update states.
    public let meanKL: Double
    public let lineSearchSteps: Int
    public let accepted: Bool
    public let cgIterations: Int
}

/// One task's fixed data for a meta-update.
struct MetaTask: Sendable {
    let rows: AdaptationRows<Float>
    /// [K, N] 0/1: which pre-update row belongs to which episode (per-episode log-likelihoods).
    let preEpisodeIndicator: Tensor<Float>
    let preOldLogLikelihood: Tensor<Float>   // [1, K]
    /// The pre-update policy's distribution on the pre-update states (ProMP's KL penalty).
    let pre: PolicyGradientBatch<Float>
    /// Post-update steps, with the adapted policy that sampled them as the "old" policy.
    let post: PolicyGradientBatch<Float>
    let postEpisodes: Int
    let preWeight: Tensor<Float>              // [1]
}

/// The tasks of a meta-batch as one rank of a run sees them: all `taskCount` are known to every
/// rank, but each rank samples, adapts to and differentiates only its `owned` block.
public struct TaskShare: Sendable {
    public let taskCount: Int
    public let world: any Communicator
    public var owned: Range<Int> { world.share(of: taskCount) }

    public init(taskCount: Int, world: any Communicator = SingleProcess()) {
        precondition(taskCount >= world.size, "TaskShare: \(taskCount) tasks cannot be spread over \(world.size) ranks")
        self.taskCount = taskCount; self.world = world
    }

    /// `f` of every owned task (by its position in `owned`) on `threads` workers, then gathered:
    /// every task's values in task order, on every rank.
    func gather(threads: Int, _ f: @Sendable (Int) -> [Float]) -> [[Float]] {
        let n = owned.count
        let local = threads > 1 ? parallelMap(n, threads: threads, f) : (0..<n).map(f)
        return world.gatherItems(local, count: taskCount)
    }
}

/// (1/n) Σ_i rows[i], summed elementwise in row (task) order.
func meanInOrder(_ rows: [[Float]]) -> [Float] {
    var sum = rows[0]
    for row in rows.dropFirst() { for j in sum.indices { sum[j] += row[j] } }
    let scale = 1 / Float(rows.count)
    for j in sum.indices { sum[j] *= scale }
    return sum
}

/// The meta-learner's state: the meta-parameters θ and, for the PPO outer step, Adam's moments.
public struct MetaLearner: Sendable {
    public let config: MetaConfig
    public let policy: GaussianMLPPolicy<Float>
    public private(set) var parameters: Parameters<Float>
    /// Adam's state for the PPO outer step (zero moments and step 0 for the other algorithms).
    public private(set) var optimizerState: Adam<Float>.State

    /// A fresh policy for `spec`, initialized from stream 0 of `seed`.
    public init(config: MetaConfig, spec: EnvironmentSpec, seed: UInt64) {
        var initRNG = RandomSource(seed: seed).stream(0)
        let policy = GaussianMLPPolicy<Float>(config: config.policy, observationSize: spec.observationSize,
                                              actionSize: spec.actionSize, using: &initRNG)
        self.init(config: config, policy: policy, parameters: policy.parameters)
    }

    /// A learner at given parameters (a restored checkpoint); `optimizerState` nil means fresh moments.
    public init(config: MetaConfig, policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>,
                optimizerState: Adam<Float>.State? = nil) {
        self.config = config; self.policy = policy; self.parameters = parameters.detached()
        self.optimizerState = optimizerState ?? Adam<Float>(learningRate: 1).initialState(for: parameters)
    }

    /// θ as a sampler.
    public var sampler: GaussianPolicySampler { GaussianPolicySampler(policy: policy, parameters: parameters) }

    /// θ adapted by one inner step to one task's episodes (untracked): deployment, and
    /// post-update sampling.
    public func adapted(to episodes: EpisodeBatch, parameters θ: Parameters<Float>? = nil) -> Parameters<Float> {
        adapt(θ ?? parameters, policy: policy, episodes: episodes, stepSize: Float(config.stepSize), createGraph: false,
              discount: config.discount, baseline: config.innerBaseline, objective: config.estimator.innerObjective)
    }

    func adaptedToRows(_ θ: Parameters<Float>, _ task: MetaTask, createGraph: Bool) -> Parameters<Float> {
        adapt(θ, policy: policy, rows: task.rows, stepSize: Float(config.stepSize), createGraph: createGraph,
              objective: config.estimator.innerObjective)
    }

    /// One task's L_i(θ) (see `outerSurrogate`; clipped when `clipRange` is set) and its mean
    /// post-update KL, θ' adapted from θ on the task's pre-update rows.
    func taskSurrogate(_ θ: Parameters<Float>, _ task: MetaTask, createGraph: Bool, clipRange: Float?)
        -> (surrogate: Tensor<Float>, kl: Tensor<Float>) {
        let θPrime = adaptedToRows(θ, task, createGraph: createGraph)
        let postLL = policy.logLikelihood(task.post.actions, given: task.post.observations, parameters: θPrime)
        let preLL = policy.logLikelihood(task.rows.actions, given: task.rows.observations, parameters: θ)
        let preEpisodeLL = matmul(preLL.reshaped([1, preLL.count]), task.preEpisodeIndicator, transposeB: true)
        let l = outerSurrogate(postLogLikelihood: postLL.reshaped([1, postLL.count]),
                               postOldLogLikelihood: task.post.oldLogLikelihood.reshaped([1, postLL.count]),
                               postAdvantages: task.post.advantages.reshaped([1, postLL.count]), postEpisodes: task.postEpisodes,
                               preLogLikelihood: preEpisodeLL, preOldLogLikelihood: task.preOldLogLikelihood,
                               preWeight: task.preWeight, estimator: config.estimator, clipRange: clipRange).sum()
        return (l, meanKL(policy, parameters: θPrime, batch: task.post))
    }

    /// The meta-surrogate mean_i L_i(θ), the mean post-update KL, and, when `withPreKL`, the mean
    /// pre-update KL(π_θold ‖ π_θ) (ProMP's penalty; otherwise 0, saving a forward pass over the
    /// pre-update states). Tasks are summed in task order.
    ///
    /// With `threads` > 1 (values only: `createGraph` false and no pre-update KL) the tasks are
    /// evaluated on that many workers and summed in the same order: bit-identical to one thread.
    func metaSurrogate(_ θ: Parameters<Float>, _ tasks: [MetaTask], createGraph: Bool, clipRange: Float? = nil,
                       withPreKL: Bool = false, threads: Int = 1) -> (surrogate: Tensor<Float>, kl: Tensor<Float>, preKL: Tensor<Float>) {
        let parallel = threads > 1 && !createGraph && !withPreKL
        let parts: [(surrogate: Tensor<Float>, kl: Tensor<Float>)] = parallel
            ? parallelMap(tasks.count, threads: threads) { i in self.taskSurrogate(θ, tasks[i], createGraph: false, clipRange: clipRange) }
            : tasks.map { taskSurrogate(θ, $0, createGraph: createGraph, clipRange: clipRange) }
        var total = parts[0].surrogate, klTotal = parts[0].kl
        for part in parts.dropFirst() { total = total + part.surrogate; klTotal = klTotal + part.kl }
        var preKLTotal: Tensor<Float>? = nil
        if withPreKL {
            for task in tasks {
                let preKL = meanKL(policy, parameters: θ, batch: task.pre)
                preKLTotal = preKLTotal.map { $0 + preKL } ?? preKL
            }
        }
        let scale = 1 / Float(tasks.count)
        return (total.scaled(by: scale), klTotal.scaled(by: scale), preKLTotal?.scaled(by: scale) ?? Tensor(scalar: 0))
    }

    /// Each task's fixed data: adaptation rows, per-episode indicators, the post-update batch
    /// with its sampling policy as the old one, and the sampling-credit weight R̄'_i − b_i.
    /// With a distributed `share`, `pre`, `post` and `adapted` hold the owned tasks only (with
    /// their meta-batch task indices) and the result is the owned tasks' data.
    func metaTasks(pre: EpisodeBatch, post: EpisodeBatch, adapted: [Parameters<Float>], share: TaskShare? = nil) -> [MetaTask] {
        let share = share ?? TaskShare(taskCount: adapted.count)
        let taskCount = share.taskCount, owned = share.owned
        precondition(adapted.count == owned.count, "metaTasks: \(adapted.count) adapted parameter sets for \(owned.count) tasks")
        // Post-update returns (discounted from t = 0, the quantity the outer advantages sum to);
        // every task's mean is needed for the baselines, so the ranks exchange theirs.
        let postReturns = post.discountedReturns(discount: config.discount)
        let ownMeans: [[Double]] = owned.map { i in
            let episodes = post.episodes(ofTask: i)
            return [episodes.reduce(0) { $0 + postReturns[$1 * post.horizon] } / Double(episodes.count)]
        }
        let meanPostReturn = share.world.gatherItems(ownMeans, count: taskCount).map { $0[0] }
        let totalReturn = meanPostReturn.reduce(0, +)
        let θ = parameters.detached()
        var tasks: [MetaTask] = []
        for (local, i) in owned.enumerated() {
            let preBatch = selectEpisodes(pre, pre.episodes(ofTask: i))
            let postBatch = selectEpisodes(post, post.episodes(ofTask: i))
            let rows = AdaptationRows<Float>(preBatch, discount: config.discount, baseline: config.innerBaseline)
            var indicator = [Float](repeating: 0, count: preBatch.episodeCount * preBatch.stepCount)
            var r = 0
            for e in 0..<preBatch.episodeCount {
                for _ in 0..<preBatch.lengths[e] { indicator[e * preBatch.stepCount + r] = 1; r += 1 }
            }
            let indicatorTensor = Tensor<Float>(shape: .matrix(preBatch.episodeCount, preBatch.stepCount), scalars: indicator)
            // The pre-update policy's distribution on the pre-update states (ProMP's KL), whose
            // log-likelihoods summed per episode are the sampling-credit term's old values.
            let preData = PolicyGradientBatch(observations: rows.observations, actions: rows.actions,
                                              advantages: rows.weights.reshaped([rows.weights.count]), policy: policy, parameters: θ)
            let preLL = preData.oldLogLikelihood
            let preOld = matmul(preLL.reshaped([1, preLL.count]), indicatorTensor, transposeB: true).detached()
            let postAdvantages = innerWeights(postBatch, discount: config.discount, baseline: config.innerBaseline)
            let postRows = stepRows(postBatch, weights: postAdvantages, as: Float.self)
            let postData = PolicyGradientBatch(observations: postRows.observations, actions: postRows.actions,
                                               advantages: postRows.weights.reshaped([postRows.weights.count]),
                                               policy: policy, parameters: adapted[local])
            // b = the mean post-update return of the other tasks: independent of this task's
            // pre-update episodes, so the sampling-credit term stays unbiased (METAGRAD.md).
            let others = taskCount > 1 ? (totalReturn - meanPostReturn[i]) / Double(taskCount - 1) : 0
            tasks.append(MetaTask(rows: rows, preEpisodeIndicator: indicatorTensor, preOldLogLikelihood: preOld, pre: preData,
                                  post: postData, postEpisodes: postBatch.episodeCount,
                                  preWeight: Tensor([Float(meanPostReturn[i] - others)])))
        }
        return tasks
    }

    /// One MAML outer step (TRPO or PPO, per the algorithm) from `pre` (K episodes per task under
    /// θ) and `post` (M episodes per task under `adapted[i]`, which must be `adapted(to:)` of
    /// task i's pre-update episodes). Task i's episodes are those with task index i.
    /// `threads` workers compute the tasks' contributions (summed in task order: the result does
    /// not depend on it). In a distributed run, `share` says which tasks this rank holds: `pre`,
    /// `post` and `adapted` are those tasks' only, and every rank ends with the same θ.
    public mutating func update(pre: EpisodeBatch, post: EpisodeBatch, adapted: [Parameters<Float>], threads: Int = 1,
                                share: TaskShare? = nil) -> MetaStep {
        precondition(config.algorithm.outerStep != .reptile, "update(pre:post:adapted:): Reptile uses reptileUpdate")
        let share = share ?? TaskShare(taskCount: adapted.count)
        let tasks = metaTasks(pre: pre, post: post, adapted: adapted, share: share)
        let before = parameters
        let step = config.algorithm.outerStep == .trpo ? trpoUpdate(tasks, adapted: adapted, share: share, threads: threads)
                                                      : ppoUpdate(tasks, share: share, threads: threads)
        // A non-finite parameter would poison every later iteration: keep θ and report a rejection.
        if !parameters.isFinite {
            parameters = before
            return MetaStep(surrogateBefore: step.surrogateBefore, surrogateAfter: step.surrogateBefore, meanKL: 0,
                            lineSearchSteps: step.lineSearchSteps, accepted: false, cgIterations: step.cgIterations)
        }
        return step
    }

    /// Every task's [∇_θ f_i, L_i] at θ in task order, each task differentiating its own graph:
    /// for TRPO (`ppo` nil) f_i = L_i, the ascent direction; for the PPO step f_i is the loss
    /// η·KL(π_θold ‖ π_θ on the pre-update states) − L_i with L_i clipped.
    func taskGradients(_ θ: Parameters<Float>, _ tasks: [MetaTask], share: TaskShare, threads: Int,
                       ppo: (clipRange: Float, preKLPenalty: Float)? = nil) -> [[Float]] {
        let createGraph = config.estimator.differentiatesThroughAdaptation
        let learner = self
        return share.gather(threads: threads) { i in
            let θt = θ.requiringGradient()
            let l = learner.taskSurrogate(θt, tasks[i], createGraph: createGraph, clipRange: ppo?.clipRange).surrogate
            var f = l
            if let ppo {
                f = -l
                if ppo.preKLPenalty > 0 { f = meanKL(learner.policy, parameters: θt, batch: tasks[i].pre).scaled(by: ppo.preKLPenalty) + f }
            }
            return gradients(of: f, wrt: θt).flattened().scalars + [l.scalar]
        }
    }

    /// Every task's [L_i(θ), KL_i] (values only), gathered in task order.
    func taskValues(_ θ: Parameters<Float>, _ tasks: [MetaTask], share: TaskShare, threads: Int, clipRange: Float? = nil) -> [[Float]] {
        let learner = self
        return share.gather(threads: threads) { i in
            let (l, kl) = learner.taskSurrogate(θ, tasks[i], createGraph: false, clipRange: clipRange)
            return [l.scalar, kl.scalar]
        }
    }

    /// TRPO on the meta-surrogate: natural-gradient direction by CG on the mean post-update
    /// Fisher, scaled to the trust region, line search on the true post-update KL.
    mutating func trpoUpdate(_ tasks: [MetaTask], adapted: [Parameters<Float>], share: TaskShare, threads: Int) -> MetaStep {
        let θ0 = parameters.detached()
        let parts = taskGradients(θ0, tasks, share: share, threads: threads)
        let mean = meanInOrder(parts)
        let g = Tensor<Float>(shape: .vector(mean.count - 1), scalars: Array(mean.dropLast()))
        let before = Double(mean.last!)
        // Curvature: the mean over tasks of the Fisher of the post-update policies with respect
        // to their own parameters (∂θ'/∂θ ≈ I in the metric only); the line search below checks
        // the true post-update KL of each candidate. With fisherSubsample k > 1 the products use
        // every k-th post-update state (the KL check still uses all of them).
        let k = config.trpo.fisherSubsample
        let products = tasks.enumerated().map { i, task in
            let rows = k > 1 ? task.post.rows(Array(stride(from: 0, to: task.post.count, by: k))) : task.post
            return fisherVectorProduct(policy, parameters: adapted[i], batch: rows)
        }
        let box = Products(products)
        let fvp: (Tensor<Float>) -> Tensor<Float> = { v in
            // Each task's product on a worker (each closure owns its own graph), averaged in task order.
            let all = share.gather(threads: threads) { box.products[$0](v).scalars }
            return Tensor(shape: v.shape, scalars: meanInOrder(all))
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
            let values = meanInOrder(taskValues(candidate, tasks, share: share, threads: threads))
            let after = Double(values[0]), kl = Double(values[1])
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

    /// The PPO outer step: `epochs` full-batch Adam steps on −(clipped meta-surrogate) (+ η · the
    /// pre-update KL for ProMP), each re-adapting θ' from the current θ with the graph kept.
    mutating func ppoUpdate(_ tasks: [MetaTask], share: TaskShare? = nil, threads: Int = 1) -> MetaStep {
        let share = share ?? TaskShare(taskCount: tasks.count)
        let ppo = config.ppo
        let adam = Adam<Float>(learningRate: Float(ppo.learningRate))
        let penalty = config.algorithm == .promp ? Float(ppo.klPenalty) : 0
        let clip = Float(ppo.clipRange)
        var θ = parameters.detached(), state = optimizerState
        var before = Double.nan
        for epoch in 0..<ppo.epochs {
            let mean = meanInOrder(taskGradients(θ, tasks, share: share, threads: threads, ppo: (clip, penalty)))
            if epoch == 0 { before = Double(mean.last!) }
            let g = θ.unflattened(Tensor(shape: .vector(mean.count - 1), scalars: Array(mean.dropLast())))
            (θ, state) = adam.step(θ, gradient: g, state: state)
        }
        let values = meanInOrder(taskValues(θ, tasks, share: share, threads: threads, clipRange: clip))
        parameters = θ; optimizerState = state
        return MetaStep(surrogateBefore: before, surrogateAfter: Double(values[0]), meanKL: Double(values[1]),
                        lineSearchSteps: 0, accepted: true, cgIterations: 0)
    }

    /// Reptile's outer step θ ← θ + ε · mean_i(θ̃_i − θ), the mean summed in task order.
    public mutating func reptileUpdate(adapted: [Parameters<Float>]) {
        precondition(!adapted.isEmpty, "reptileUpdate: need adapted parameters")
        let θ = parameters.detached()
        var sum = adapted[0].detached() - θ
        for θi in adapted.dropFirst() { sum = sum + (θi.detached() - θ) }
        let next = θ + sum.map { $0.scaled(by: Float(config.reptile.outerStepSize / Double(adapted.count))) }
        if next.isFinite { parameters = next }
    }
}

/// Per-task Fisher-vector products, handed to workers: each closure is called by one worker at a
/// time and touches only its own task's graph.
private struct Products: @unchecked Sendable {
    let products: [(Tensor<Float>) -> Tensor<Float>]
    init(_ products: [(Tensor<Float>) -> Tensor<Float>]) { self.products = products }
}
