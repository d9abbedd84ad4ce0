import PolicyGradient

// Meta-training settings as data (STYLE.md §11: no constants buried mid-loop). One Codable value
// holds everything a meta-training run depends on besides the environment, the seed and the
// iteration count; it is saved beside the policy it produced, and `adapt` at deployment reads
// its inner-step settings from it.

/// The meta-learning algorithm: which meta-gradient and which outer step.
public enum MetaAlgorithm: String, Sendable, Codable, CaseIterable {
    /// MAML with a TRPO outer step (Finn et al. 2017) on the exact (DiCE) meta-gradient.
    case mamlTRPO = "maml-trpo"
    /// MAML with a PPO-clip outer step (several Adam steps on the clipped meta-surrogate), exact
    /// meta-gradient.
    case mamlPPO = "maml-ppo"
    /// ProMP (Rothfuss et al. 2019): PPO-clip outer step, LVC inner objective, and a KL penalty
    /// between the pre-update policies before and after the step.
    case promp
    /// First-order MAML: the post-update policy gradient applied at θ (∂θ'/∂θ = I), TRPO outer step.
    case fomaml
    /// Reptile (Nichol et al. 2018): several inner policy-gradient steps per task, each on fresh
    /// episodes, then θ ← θ + ε · mean_i(θ̃_i − θ).
    case reptile

    /// The meta-gradient estimator the algorithm uses.
    public var estimator: MetaGradientEstimator {
        switch self {
        case .mamlTRPO, .mamlPPO: return .exact
        case .promp: return .lvc
        case .fomaml, .reptile: return .firstOrder
        }
    }

    /// The outer step's kind.
    public var outerStep: OuterStep {
        switch self {
        case .mamlTRPO, .fomaml: return .trpo
        case .mamlPPO, .promp: return .ppo
        case .reptile: return .reptile
        }
    }

    public enum OuterStep: Sendable { case trpo, ppo, reptile }
}

/// The PPO-style outer step of maml-ppo and ProMP.
public struct OuterPPOConfig: Sendable, Codable, Equatable {
    /// Adam's learning rate.
    public var learningRate: Double
    /// ε of the clipped post-update ratio π_θ'/π_θ'old.
    public var clipRange: Double
    /// Full-batch Adam steps per meta-iteration (ProMP's "num_ppo_steps"), each re-adapting θ'.
    public var epochs: Int
    /// η of ProMP's penalty η · mean KL(π_θold ‖ π_θ) on the pre-update states (fixed, where
    /// ProMP adapts it; 0 turns it off). Used by `promp` only.
    public var klPenalty: Double
    public init(learningRate: Double, clipRange: Double, epochs: Int, klPenalty: Double) {
        self.learningRate = learningRate; self.clipRange = clipRange; self.epochs = epochs; self.klPenalty = klPenalty
    }
}

/// Reptile's settings.
public struct ReptileConfig: Sendable, Codable, Equatable {
    /// Inner policy-gradient steps per task per meta-iteration, each on `preEpisodes` fresh episodes.
    public var innerSteps: Int
    /// ε: the fraction of the mean inner displacement θ̃ − θ applied to θ.
    public var outerStepSize: Double
    public init(innerSteps: Int, outerStepSize: Double) { self.innerSteps = innerSteps; self.outerStepSize = outerStepSize }
}

/// Everything a meta-training run depends on besides the environment, the seed and the number
/// of iterations.
public struct MetaConfig: Sendable, Codable, Equatable {
    public var algorithm: MetaAlgorithm
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
    /// The meta-gradient estimator; the algorithm's own unless overridden (maml-trpo with `lvc`
    /// or `first-order` is allowed: it is how the estimators are compared on one outer step).
    public var estimator: MetaGradientEstimator
    /// The TRPO outer step (maml-trpo, fomaml); δ bounds the mean over tasks of
    /// KL(π_θ'old ‖ π_θ') on post-update states.
    public var trpo: TRPOConfig
    /// The PPO outer step (maml-ppo, promp).
    public var ppo: OuterPPOConfig
    public var reptile: ReptileConfig

    public init(algorithm: MetaAlgorithm, policy: PolicyConfig, metaBatchSize: Int, preEpisodes: Int, postEpisodes: Int,
                stepSize: Double, discount: Double, innerBaseline: InnerBaseline, estimator: MetaGradientEstimator? = nil,
                trpo: TRPOConfig, ppo: OuterPPOConfig = MetaConfig.defaultPPO, reptile: ReptileConfig = MetaConfig.defaultReptile) {
        self.algorithm = algorithm; self.policy = policy; self.metaBatchSize = metaBatchSize
        self.preEpisodes = preEpisodes; self.postEpisodes = postEpisodes; self.stepSize = stepSize
        self.discount = discount; self.innerBaseline = innerBaseline; self.estimator = estimator ?? algorithm.estimator
        self.trpo = trpo; self.ppo = ppo; self.reptile = reptile
    }

    /// ProMP's published settings where they carry over (clip 0.3, 5 full-batch steps, Adam 1e-3)
    /// with a fixed KL penalty of its initial value's order.
    public static let defaultPPO = OuterPPOConfig(learningRate: 1e-3, clipRange: 0.3, epochs: 5, klPenalty: 5e-4)
    /// Three inner steps, the full displacement (ε = 1 with small α: a first-order method whose
    /// direction differs from joint training only through the later steps).
    public static let defaultReptile = ReptileConfig(innerSteps: 3, outerStepSize: 1)
    /// rllab's TRPO settings (δ = 0.01, 10 CG iterations, backtracking ×0.8 up to 15 times).
    public static let defaultTRPO = TRPOConfig(maxKL: 0.01, cgIterations: 10, cgDamping: 1e-3, backtrackRatio: 0.8, maxBacktracks: 15)

    /// The defaults of `algorithm` for point-navigation (the MetaLearning canary's settings): a
    /// [32, 32] policy with σ₀ = 0.3, 20 tasks × 10 + 10 episodes, α = 3e−4 on the per-episode
    /// inner objective (measured: 1e−3 and 1e−2 overshoot), linear inner baseline.
    public static func pointNavigation(_ algorithm: MetaAlgorithm) -> MetaConfig {
        MetaConfig(algorithm: algorithm, policy: PolicyConfig(hiddenSizes: [32, 32], initialStd: 0.3), metaBatchSize: 20,
                   preEpisodes: 10, postEpisodes: 10, stepSize: 3e-4, discount: 0.99, innerBaseline: .linear, trpo: defaultTRPO)
    }
}

extension MetaConfig {
    /// Checks every field's range; throws the first field out of it (a file's config must pass
    /// this before it reaches a learner, whose preconditions would otherwise trap).
    public func validate() throws {
        let check = TrainingConfig.InvalidField.check, positive = TrainingConfig.InvalidField.positive
        try policy.validate(field: "policy")
        try check(metaBatchSize >= 1, "metaBatchSize", "expected ≥ 1, found \(metaBatchSize)")
        try check(preEpisodes >= 1, "preEpisodes", "expected ≥ 1, found \(preEpisodes)")
        try check(postEpisodes >= 1, "postEpisodes", "expected ≥ 1, found \(postEpisodes)")
        try positive(stepSize, "stepSize")
        try check(discount >= 0 && discount <= 1, "discount", "expected 0...1, found \(discount)")
        try trpo.validate(field: "trpo")
        try positive(ppo.learningRate, "ppo.learningRate")
        try positive(ppo.clipRange, "ppo.clipRange")
        try check(ppo.epochs >= 1, "ppo.epochs", "expected ≥ 1, found \(ppo.epochs)")
        try check(ppo.klPenalty.isFinite && ppo.klPenalty >= 0, "ppo.klPenalty", "expected a finite number ≥ 0, found \(ppo.klPenalty)")
        try check(reptile.innerSteps >= 1, "reptile.innerSteps", "expected ≥ 1, found \(reptile.innerSteps)")
        try positive(reptile.outerStepSize, "reptile.outerStepSize")
        if algorithm == .reptile || algorithm == .fomaml {
            try check(estimator == .firstOrder, "estimator", "\(algorithm.rawValue) is first-order; expected 'first-order', found '\(estimator.rawValue)'")
        }
        try check(estimator != .naive, "estimator", "'naive' is biased (kept for the tests); use exact, lvc or first-order")
    }
}
