import Foundation
import Autodiff
import Numerics
import RL

// One learner for the three algorithms: it owns θ, the optimizer state and the baseline, turns an
// EpisodeBatch into advantages, and applies the configured update. Everything it does is a
// function of the batch, its state and its own random stream.

/// What one update did, for the learning-curve log.
public struct UpdateStatistics: Sendable, Equatable {
    /// The algorithm's loss: VPG, the REINFORCE loss before the step; PPO, the clipped loss of
    /// the last minibatch; TRPO, minus the surrogate advantage after the step (0 when no step
    /// was taken, as the surrogate at θ_old is the mean normalized advantage, 0).
    public var loss: Double
    /// Mean KL(π_before ‖ π_after) over the batch's states.
    public var meanKL: Double
    /// Entropy of π_after's action distribution (state-independent σ).
    public var entropy: Double
    /// TRPO: line-search steps taken.
    public var lineSearchSteps: Int
    /// False when the update was abandoned: TRPO's line search found no acceptable step, or any
    /// algorithm's step produced a non-finite parameter (θ is then left as it was).
    public var accepted: Bool
}

/// A Gaussian MLP policy with its learner state.
public struct PolicyGradientLearner: Sendable {
    public let config: TrainingConfig
    public let policy: GaussianMLPPolicy<Float>
    public private(set) var parameters: Parameters<Float>
    private var adamState: Adam<Float>.State
    private var valueBaseline: MLPValueBaseline?
    private var rng: RandomSource

    /// A fresh policy for `spec`, initialized from `rng`'s stream 0; the learner's own draws
    /// (PPO's shuffles) come from stream 1, the value baseline's initialization from stream 2.
    public init(config: TrainingConfig, spec: EnvironmentSpec, seed: UInt64) {
        let root = RandomSource(seed: seed)
        var initRNG = root.stream(0)
        self.config = config
        policy = GaussianMLPPolicy(config: config.policy, observationSize: spec.observationSize,
                                   actionSize: spec.actionSize, using: &initRNG)
        parameters = policy.parameters
        adamState = Adam<Float>(learningRate: 1).initialState(for: policy.parameters)
        rng = root.stream(1)
        if config.baseline == .mlp {
            var valueRNG = root.stream(2)
            valueBaseline = MLPValueBaseline(config: config.valueFunction, observationSize: spec.observationSize, rng: &valueRNG)
        }
    }

    /// The current policy as a sampler.
    public var sampler: GaussianPolicySampler { GaussianPolicySampler(policy: policy, parameters: parameters) }

    /// Per-step advantages (E × T, 0 past each length): GAE(γ, λ) against the configured baseline,
    /// updating the value baseline when there is one.
    public mutating func advantages(_ episodes: EpisodeBatch) -> [Double] {
        let returns = episodes.discountedReturns(discount: config.discount)
        let values: [Double]
        switch config.baseline {
        case .none: values = [Double](repeating: 0, count: returns.count)
        case .linear: values = LinearFeatureBaseline().values(for: episodes, returns: returns)
        case .mlp: values = valueBaseline!.values(for: episodes, returns: returns)
        }
        return episodes.advantages(values: values, discount: config.discount, lambda: config.gaeLambda)
    }

    /// The real steps of `episodes` as a batch for the surrogates, with the current policy as the
    /// old one. Advantages are normalized over the batch when the config says so.
    public func trainingBatch(_ episodes: EpisodeBatch, advantages: [Double]) -> PolicyGradientBatch<Float> {
        let rows = episodes.stepCount
        let obsSize = episodes.observationSize, actSize = episodes.actionSize
        let (obs, act, stepAdvantages) = episodes.realSteps(gathering: advantages)
        var adv = stepAdvantages
        if config.normalizeAdvantages, rows > 1 {
            let mean = adv.reduce(0, +) / Double(rows)
            let variance = adv.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows)
            // 1e-8 keeps a batch of equal advantages (no signal) at 0 rather than 0/0.
            let scale = 1 / (variance.squareRoot() + 1e-8)
            adv = adv.map { ($0 - mean) * scale }
        }
        return PolicyGradientBatch(observations: Tensor(shape: .matrix(rows, obsSize), scalars: obs),
                                   actions: Tensor(shape: .matrix(rows, actSize), scalars: act),
                                   advantages: Tensor(adv.map(Float.init)), policy: policy, parameters: parameters)
    }

    /// One iteration's update on episodes sampled from the current policy.
    public mutating func update(_ episodes: EpisodeBatch) -> UpdateStatistics {
        precondition(episodes.observationSize == policy.observationDimension && episodes.actionSize == policy.actionDimension,
                     "update: batch does not fit the policy")
        let batch = trainingBatch(episodes, advantages: advantages(episodes))
        let before = parameters
        var stats = UpdateStatistics(loss: 0, meanKL: 0, entropy: 0, lineSearchSteps: 0, accepted: true)
        switch config.algorithm {
        case .vpg:
            let adam = Adam<Float>(learningRate: Float(config.vpg.learningRate))
            let (next, state, loss) = vpgStep(policy, parameters: parameters, batch: batch, optimizer: adam, state: adamState)
            parameters = next; adamState = state; stats.loss = loss
        case .ppo:
            let adam = Adam<Float>(learningRate: Float(config.ppo.learningRate))
            let (next, state, loss) = ppoStep(policy, parameters: parameters, batch: batch, config: config.ppo,
                                              optimizer: adam, state: adamState, rng: &rng)
            parameters = next; adamState = state; stats.loss = loss
        case .trpo:
            let step = trpoStep(policy, parameters: parameters, batch: batch, config: config.trpo)
            parameters = step.parameters; stats.loss = -step.surrogateAfter
            stats.lineSearchSteps = step.lineSearchSteps; stats.accepted = step.accepted
        }
        // A non-finite parameter (an exploding first-order step) would poison every later batch:
        // keep the previous parameters and report the update as rejected.
        if !parameters.isFinite {
            parameters = before
            stats.accepted = false
        }
        stats.meanKL = Double(meanKL(policy, parameters: parameters, batch: batch).scalar)
        stats.entropy = Double(DiagonalGaussian.entropy(logStd: parameters.tensors[parameters.tensors.count - 1]).scalar)
        return stats
    }
}
