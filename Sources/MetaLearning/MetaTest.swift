import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL

// The meta-test protocol: for each held-out task, evaluate M fresh episodes with the current
// parameters, then n times: collect K adaptation episodes with the current parameters, take one
// adaptation step, evaluate M fresh episodes. Every method (MAML, the baselines) is run through
// the same function with the same random streams, so their scores are paired task by task.

/// A policy together with how it adapts to a task from episodes: what the protocol evaluates.
public protocol AdaptationMethod: Sendable {
    /// The method's name in reports ("maml-trpo", "multitask", ...).
    var name: String { get }
    var policy: GaussianMLPPolicy<Float> { get }
    /// θ₀ for task `index` of the evaluation (scratch: a fresh initialization per task).
    func initialParameters(task index: Int) -> Parameters<Float>
    /// θ_{j+1} from θ_j and K episodes of one task sampled with θ_j.
    func adaptStep(_ θ: Parameters<Float>, episodes: EpisodeBatch) -> Parameters<Float>
}

/// MAML's own adaptation: the meta-learned θ and the inner policy-gradient step it was trained
/// with (α, baseline and inner objective from its config).
public struct MetaLearnedAdaptation: AdaptationMethod {
    public let name: String
    public let learner: MetaLearner
    public init(_ learner: MetaLearner, name: String? = nil) {
        self.learner = learner; self.name = name ?? learner.config.algorithm.rawValue
    }
    public var policy: GaussianMLPPolicy<Float> { learner.policy }
    public func initialParameters(task index: Int) -> Parameters<Float> { learner.parameters }
    public func adaptStep(_ θ: Parameters<Float>, episodes: EpisodeBatch) -> Parameters<Float> {
        learner.adapted(to: episodes, parameters: θ)
    }
}

/// A policy that does not adapt ("multitask": one policy trained on all train tasks).
public struct NoAdaptation: AdaptationMethod {
    public let name: String
    public let policy: GaussianMLPPolicy<Float>
    public let parameters: Parameters<Float>
    public init(name: String, policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>) {
        self.name = name; self.policy = policy; self.parameters = parameters.detached()
    }
    public func initialParameters(task index: Int) -> Parameters<Float> { parameters }
    public func adaptStep(_ θ: Parameters<Float>, episodes: EpisodeBatch) -> Parameters<Float> { θ }
}

/// How a baseline fine-tunes on one task's K episodes: PPO's clipped surrogate with normalized
/// advantages against the linear feature baseline, `steps` full-batch Adam steps per adaptation
/// step (fresh Adam moments each time: the K episodes are all a deployed policy would have).
public struct FineTuneConfig: Sendable, Codable, Equatable {
    public var steps: Int
    public var learningRate: Double
    public var clipRange: Double
    public var discount: Double
    /// Ten full-batch steps at Adam 3e−3 within PPO's usual clip 0.2: enough to move a policy
    /// on ≤ 10 episodes without the clip letting it run off their support.
    public static let standard = FineTuneConfig(steps: 10, learningRate: 3e-3, clipRange: 0.2, discount: 0.99)
    public init(steps: Int, learningRate: Double, clipRange: Double, discount: Double) {
        self.steps = steps; self.learningRate = learningRate; self.clipRange = clipRange; self.discount = discount
    }
}

/// θ after fine-tuning on `episodes` (sampled with θ) as `FineTuneConfig` says.
public func fineTune(_ θ: Parameters<Float>, policy: GaussianMLPPolicy<Float>, episodes: EpisodeBatch,
                     config: FineTuneConfig) -> Parameters<Float> {
    let returns = episodes.discountedReturns(discount: config.discount)
    let values = LinearFeatureBaseline().values(for: episodes, returns: returns)
    let raw = episodes.advantages(values: values, discount: config.discount, lambda: 1)
    let (obs, act, stepAdvantages) = episodes.realSteps(gathering: raw)
    let n = stepAdvantages.count
    let mean = stepAdvantages.reduce(0, +) / Double(max(n, 1))
    let variance = stepAdvantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(n, 1))
    // 1e-8: a batch of equal advantages (no signal) stays at 0 rather than 0/0.
    let scale = 1 / (variance.squareRoot() + 1e-8)
    let batch = PolicyGradientBatch(observations: Tensor(shape: .matrix(n, episodes.observationSize), scalars: obs),
                                    actions: Tensor(shape: .matrix(n, episodes.actionSize), scalars: act),
                                    advantages: Tensor(stepAdvantages.map { Float(($0 - mean) * scale) }),
                                    policy: policy, parameters: θ)
    let adam = Adam<Float>(learningRate: Float(config.learningRate))
    var current = θ.detached(), state = adam.initialState(for: θ)
    for _ in 0..<config.steps {
        let θt = current.requiringGradient()
        let loss = ppoLoss(policy, parameters: θt, batch: batch, clipRange: Float(config.clipRange))
        (current, state) = adam.step(current, gradient: gradients(of: loss, wrt: θt), state: state)
    }
    return current.isFinite ? current : θ.detached()
}

/// A policy fine-tuned on each task's adaptation episodes: "multitask-finetune" (from the
/// multitask policy) or "scratch" (from a fresh initialization per task).
public struct FineTuning: AdaptationMethod {
    public let name: String
    public let policy: GaussianMLPPolicy<Float>
    public let config: FineTuneConfig
    let start: @Sendable (Int) -> Parameters<Float>

    /// Fine-tuning from fixed parameters.
    public init(name: String, policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>, config: FineTuneConfig = .standard) {
        let θ = parameters.detached()
        self.name = name; self.policy = policy; self.config = config; start = { _ in θ }
    }

    /// Fine-tuning from a fresh initialization for every task (`freshParameters`).
    public init(scratch policyConfig: PolicyConfig, spec: EnvironmentSpec, seed: UInt64, config: FineTuneConfig = .standard) {
        var rng = RandomSource(seed: seed)
        let policy = GaussianMLPPolicy<Float>(config: policyConfig, observationSize: spec.observationSize,
                                              actionSize: spec.actionSize, using: &rng)
        self.name = "scratch"; self.policy = policy; self.config = config
        start = { i in freshParameters(policyConfig, spec: spec, seed: seed, task: i) }
    }

    public func initialParameters(task index: Int) -> Parameters<Float> { start(index) }
    public func adaptStep(_ θ: Parameters<Float>, episodes: EpisodeBatch) -> Parameters<Float> {
        fineTune(θ, policy: policy, episodes: episodes, config: config)
    }
}

/// A fresh initialization of a policy shaped by `config` for task `index`: stream `index` of `seed`.
public func freshParameters(_ config: PolicyConfig, spec: EnvironmentSpec, seed: UInt64, task index: Int) -> Parameters<Float> {
    var stream = RandomSource(seed: seed).stream(index)
    return GaussianMLPPolicy<Float>(config: config, observationSize: spec.observationSize, actionSize: spec.actionSize,
                                    using: &stream).parameters
}

/// "scratch" for a meta-learned policy: a fresh initialization per task, adapted with exactly the
/// meta-learner's inner step (α, baseline, inner objective). The control that isolates what the
/// meta-learned initialization adds over the inner step itself.
public struct ScratchWithInnerStep: AdaptationMethod {
    public let name = "scratch"
    public let learner: MetaLearner
    public let spec: EnvironmentSpec
    public let seed: UInt64
    public init(_ learner: MetaLearner, spec: EnvironmentSpec, seed: UInt64) { self.learner = learner; self.spec = spec; self.seed = seed }
    public var policy: GaussianMLPPolicy<Float> { learner.policy }
    public func initialParameters(task index: Int) -> Parameters<Float> {
        freshParameters(learner.config.policy, spec: spec, seed: seed, task: index)
    }
    public func adaptStep(_ θ: Parameters<Float>, episodes: EpisodeBatch) -> Parameters<Float> {
        learner.adapted(to: episodes, parameters: θ)
    }
}

/// The protocol's settings (defaults: K = 10, n = 1, M = 3).
public struct MetaTestSettings: Sendable, Codable, Equatable {
    /// K: adaptation episodes per task per step, sampled with the current parameters.
    public var adaptEpisodes: Int
    /// n: adaptation steps.
    public var adaptSteps: Int
    /// M: fresh evaluation episodes before adaptation and after each step.
    public var evalEpisodes: Int
    public init(adaptEpisodes: Int = 10, adaptSteps: Int = 1, evalEpisodes: Int = 3) {
        self.adaptEpisodes = adaptEpisodes; self.adaptSteps = adaptSteps; self.evalEpisodes = evalEpisodes
    }
}

/// One method's scores on each task, before adaptation and after each step.
public struct MetaTestScores: Sendable, Codable, Equatable {
    public var method: String
    /// [step][task], step 0 before adaptation: mean undiscounted return of the M evaluation episodes.
    public var returns: [[Double]]
    /// [step][task]: fraction of the M evaluation episodes that succeeded.
    public var successRates: [[Double]]
}

/// Runs the meta-test protocol for `method` on `tasks` (held-out tasks: the caller's choice,
/// never checked here, since the protocol serves train-split diagnostics too).
///
/// Randomness: the evaluation after step j uses seed stream (0, j) of `seed`, the adaptation
/// batch of step j stream (1, j): methods run with the same seed see the same reset noise.
/// Bit-identical for every thread count.
public func metaTest<E: Environment, M: AdaptationMethod>(_ method: M, environment: E, tasks: [E.Task],
                                                         settings: MetaTestSettings, seed: UInt64,
                                                         threads: Int = 1) -> MetaTestScores {
    precondition(!tasks.isEmpty && settings.adaptEpisodes > 0 && settings.evalEpisodes > 0 && settings.adaptSteps >= 0,
                 "metaTest: need tasks and positive episode counts")
    let root = RandomSource(seed: seed)
    let sampler = Sampler(environment, threads: threads)
    var θ = (0..<tasks.count).map { method.initialParameters(task: $0) }
    var scores = MetaTestScores(method: method.name, returns: [], successRates: [])
    for j in 0...settings.adaptSteps {
        var evalSeed = root.stream(0).stream(j)
        let evaluation = sampler.sample(PerTaskPolicySampler(policy: method.policy, parameters: θ, episodesPerTask: settings.evalEpisodes),
                                        tasks: tasks, episodesPerTask: settings.evalEpisodes, seed: evalSeed.next())
        let perTask = perTaskScores(evaluation, taskCount: tasks.count)
        scores.returns.append(perTask.returns); scores.successRates.append(perTask.successRates)
        guard j < settings.adaptSteps else { break }
        var adaptSeed = root.stream(1).stream(j)
        let adaptation = sampler.sample(PerTaskPolicySampler(policy: method.policy, parameters: θ, episodesPerTask: settings.adaptEpisodes),
                                        tasks: tasks, episodesPerTask: settings.adaptEpisodes, seed: adaptSeed.next())
        θ = (0..<tasks.count).map { i in method.adaptStep(θ[i], episodes: selectEpisodes(adaptation, adaptation.episodes(ofTask: i))) }
    }
    return scores
}

/// Per task of a batch: the mean undiscounted return and the success rate of its episodes.
public func perTaskScores(_ batch: EpisodeBatch, taskCount: Int) -> (returns: [Double], successRates: [Double]) {
    var returns: [Double] = [], successes: [Double] = []
    for i in 0..<taskCount {
        let b = selectEpisodes(batch, batch.episodes(ofTask: i))
        returns.append(b.averageReturn); successes.append(b.successRate)
    }
    return (returns, successes)
}
