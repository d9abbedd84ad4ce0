// Hyperparameters as data: one Codable value holds everything a training run depends on, and is
// saved beside the policy it produced. Defaults follow the MAML paper's point-navigation setup
// (20 episodes per iteration, γ = 0.99, λ = 1, linear feature baseline, TRPO with δ = 0.01) except
// where a comment says otherwise.

/// The policy-gradient algorithm.
public enum Algorithm: String, Sendable, Codable, CaseIterable {
    /// REINFORCE with a baseline: one Adam step on −mean(log π · A) per iteration.
    case vpg
    /// Proximal policy optimization with the clipped surrogate.
    case ppo
    /// Trust-region policy optimization: natural gradient by conjugate gradient, KL line search.
    case trpo
}

/// The state-value baseline subtracted from returns.
public enum BaselineKind: String, Sendable, Codable, CaseIterable {
    /// None: advantages are the discounted returns themselves.
    case none
    /// The MAML paper's linear feature baseline, refit per task every iteration.
    case linear
    /// An MLP value function trained by regression on returns.
    case mlp
}

/// The Gaussian MLP policy's shape.
public struct PolicyConfig: Sendable, Codable, Equatable {
    /// Hidden layer widths (tanh), e.g. [100, 100] as in the MAML paper.
    public var hiddenSizes: [Int]
    /// σ of every action coordinate at initialization.
    public var initialStd: Double
    public init(hiddenSizes: [Int], initialStd: Double) { self.hiddenSizes = hiddenSizes; self.initialStd = initialStd }
}

public struct VPGConfig: Sendable, Codable, Equatable {
    /// Adam's learning rate.
    public var learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
}

public struct PPOConfig: Sendable, Codable, Equatable {
    public var learningRate: Double
    /// ε of the clipped ratio: the surrogate ignores ratios outside [1 − ε, 1 + ε].
    public var clipRange: Double
    /// Passes over each batch.
    public var epochs: Int
    /// Minibatches per pass (the batch's steps are shuffled and split this many ways).
    public var minibatches: Int
    public init(learningRate: Double, clipRange: Double, epochs: Int, minibatches: Int) {
        self.learningRate = learningRate; self.clipRange = clipRange; self.epochs = epochs; self.minibatches = minibatches
    }
}

public struct TRPOConfig: Sendable, Codable, Equatable {
    /// δ: the bound on the mean KL(π_old ‖ π_new) over the batch's states.
    public var maxKL: Double
    /// Conjugate-gradient iterations for F⁻¹g.
    public var cgIterations: Int
    /// λ added to the Fisher matrix's diagonal, so CG sees a positive-definite matrix even where
    /// the batch does not excite some parameters.
    public var cgDamping: Double
    /// Each rejected line-search step multiplies the step by this.
    public var backtrackRatio: Double
    /// Steps tried before the update is abandoned (θ unchanged).
    public var maxBacktracks: Int
    /// Fisher-vector products use every k-th state of the batch (1: all, rllab's choice; 5: OpenAI
    /// baselines' choice, ~5× cheaper products). The line search's KL check always uses every
    /// state, so the bound holds either way.
    public var fisherSubsample: Int
    public init(maxKL: Double, cgIterations: Int, cgDamping: Double, backtrackRatio: Double, maxBacktracks: Int,
                fisherSubsample: Int = 1) {
        self.maxKL = maxKL; self.cgIterations = cgIterations; self.cgDamping = cgDamping
        self.backtrackRatio = backtrackRatio; self.maxBacktracks = maxBacktracks; self.fisherSubsample = fisherSubsample
    }
}

public struct ValueFunctionConfig: Sendable, Codable, Equatable {
    public var hiddenSizes: [Int]
    public var learningRate: Double
    /// Full-batch Adam steps per iteration.
    public var stepsPerIteration: Int
    public init(hiddenSizes: [Int], learningRate: Double, stepsPerIteration: Int) {
        self.hiddenSizes = hiddenSizes; self.learningRate = learningRate; self.stepsPerIteration = stepsPerIteration
    }
}

/// Everything a policy-gradient training run depends on besides the environment, the task, the
/// seed and the number of iterations.
public struct TrainingConfig: Sendable, Codable, Equatable {
    public var algorithm: Algorithm
    public var policy: PolicyConfig
    /// Episodes collected per iteration (per task).
    public var episodesPerIteration: Int
    /// γ.
    public var discount: Double
    /// λ of GAE; 1 gives Monte-Carlo advantages R_t − V(s_t).
    public var gaeLambda: Double
    public var baseline: BaselineKind
    /// Shift and scale advantages to mean 0, standard deviation 1 over the batch's steps.
    public var normalizeAdvantages: Bool
    public var vpg: VPGConfig
    public var ppo: PPOConfig
    public var trpo: TRPOConfig
    public var valueFunction: ValueFunctionConfig

    public init(algorithm: Algorithm, policy: PolicyConfig, episodesPerIteration: Int, discount: Double,
                gaeLambda: Double, baseline: BaselineKind, normalizeAdvantages: Bool, vpg: VPGConfig,
                ppo: PPOConfig, trpo: TRPOConfig, valueFunction: ValueFunctionConfig) {
        self.algorithm = algorithm; self.policy = policy; self.episodesPerIteration = episodesPerIteration
        self.discount = discount; self.gaeLambda = gaeLambda; self.baseline = baseline
        self.normalizeAdvantages = normalizeAdvantages; self.vpg = vpg; self.ppo = ppo; self.trpo = trpo
        self.valueFunction = valueFunction
    }

    /// The defaults for `algorithm`.
    ///
    /// Policy [64, 64] tanh with σ₀ = 1 is the MAML paper's point-navigation policy narrowed from
    /// [100, 100] (same behaviour on this 2-D task, half the cost). VPG's Adam rate 0.005 and PPO's
    /// 0.003 with 10 epochs of 4 minibatches and ε = 0.2 are the common defaults (garage / Schulman
    /// et al. 2017) with the rates raised for a 2-D task; TRPO's δ = 0.01, 10 CG iterations,
    /// backtracking ×0.8 up to 15 times are rllab's.
    public static func defaults(for algorithm: Algorithm) -> TrainingConfig {
        TrainingConfig(
            algorithm: algorithm,
            policy: PolicyConfig(hiddenSizes: [64, 64], initialStd: 1),
            episodesPerIteration: 20, discount: 0.99, gaeLambda: 1, baseline: .linear, normalizeAdvantages: true,
            vpg: VPGConfig(learningRate: 0.005),
            ppo: PPOConfig(learningRate: 0.003, clipRange: 0.2, epochs: 10, minibatches: 4),
            trpo: TRPOConfig(maxKL: 0.01, cgIterations: 10, cgDamping: 1e-3, backtrackRatio: 0.8, maxBacktracks: 15),
            valueFunction: ValueFunctionConfig(hiddenSizes: [32, 32], learningRate: 0.003, stepsPerIteration: 20))
    }
}

extension TrainingConfig {
    /// A field whose value no run can use.
    public struct InvalidField: Error, CustomStringConvertible, Equatable {
        /// The field's path, e.g. "ppo.epochs".
        public let field: String
        public let problem: String
        public var description: String { "field '\(field)': \(problem)" }
        public init(field: String, problem: String) { self.field = field; self.problem = problem }
    }

    /// Checks every field's range; throws for the first one out of it. A config read from a file
    /// must pass this before it reaches a learner (whose preconditions would otherwise trap).
    public func validate() throws {
        let check = InvalidField.check, positive = InvalidField.positive
        try policy.validate(field: "policy")
        try check(episodesPerIteration >= 1, "episodesPerIteration", "expected ≥ 1, found \(episodesPerIteration)")
        try check(discount >= 0 && discount <= 1, "discount", "expected 0...1, found \(discount)")
        try check(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", "expected 0...1, found \(gaeLambda)")
        try positive(vpg.learningRate, "vpg.learningRate")
        try positive(ppo.learningRate, "ppo.learningRate")
        try positive(ppo.clipRange, "ppo.clipRange")
        try check(ppo.epochs >= 1, "ppo.epochs", "expected ≥ 1, found \(ppo.epochs)")
        try check(ppo.minibatches >= 1, "ppo.minibatches", "expected ≥ 1, found \(ppo.minibatches)")
        try trpo.validate(field: "trpo")
        try check(valueFunction.hiddenSizes.allSatisfy { $0 > 0 }, "valueFunction.hiddenSizes",
                  "widths must be positive, found \(valueFunction.hiddenSizes)")
        try positive(valueFunction.learningRate, "valueFunction.learningRate")
        try check(valueFunction.stepsPerIteration >= 0, "valueFunction.stepsPerIteration",
                  "expected ≥ 0, found \(valueFunction.stepsPerIteration)")
    }
}

/// Range checks shared by every config that holds these parts; `field` is the part's path.
extension TrainingConfig.InvalidField {
    /// Throws `InvalidField(field, problem)` unless `ok`.
    public static func check(_ ok: Bool, _ field: String, _ problem: @autoclosure () -> String) throws {
        if !ok { throw TrainingConfig.InvalidField(field: field, problem: problem()) }
    }
    /// Throws unless `x` is finite and > 0.
    public static func positive(_ x: Double, _ field: String) throws {
        try check(x.isFinite && x > 0, field, "expected a finite number > 0, found \(x)")
    }
}

extension PolicyConfig {
    public func validate(field: String) throws {
        typealias F = TrainingConfig.InvalidField
        try F.check(hiddenSizes.allSatisfy { $0 > 0 }, "\(field).hiddenSizes", "widths must be positive, found \(hiddenSizes)")
        try F.positive(initialStd, "\(field).initialStd")
    }
}

extension TRPOConfig {
    public func validate(field: String) throws {
        typealias F = TrainingConfig.InvalidField
        try F.positive(maxKL, "\(field).maxKL")
        try F.check(cgIterations >= 1, "\(field).cgIterations", "expected ≥ 1, found \(cgIterations)")
        try F.check(cgDamping.isFinite && cgDamping >= 0, "\(field).cgDamping", "expected a finite number ≥ 0, found \(cgDamping)")
        try F.check(backtrackRatio > 0 && backtrackRatio < 1, "\(field).backtrackRatio", "expected 0 < r < 1, found \(backtrackRatio)")
        try F.check(maxBacktracks >= 1, "\(field).maxBacktracks", "expected ≥ 1, found \(maxBacktracks)")
        try F.check(fisherSubsample >= 1, "\(field).fisherSubsample", "expected ≥ 1, found \(fisherSubsample)")
    }
}
