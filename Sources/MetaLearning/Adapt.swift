import Autodiff
import PolicyGradient
import RL

// Adaptation as a pure function: θ in, θ' out, nothing mutated (STYLE.md §6). The same function
// serves deployment (adapt a meta-trained policy to one task from K rollouts) and meta-training
// (keep the graph so that the outer surrogate differentiates through θ').

/// The baseline the inner step's weights Ψ are measured against.
public enum InnerBaseline: String, Sendable, Codable {
    /// Ψ = reward-to-go (METAGRAD.md's closed forms assume this).
    case none
    /// Ψ = reward-to-go − V, V the linear feature baseline fitted to these episodes (the MAML
    /// paper's inner step).
    case linear
}

/// The real steps of `episodes` as [1, N] tensors: observations [N, obs], actions [N, act] and
/// the per-step weights [1, N], in episode then time order.
@inlinable
public func stepRows<S: TensorScalar>(_ episodes: EpisodeBatch, weights: [Double], as: S.Type = S.self)
    -> (observations: Tensor<S>, actions: Tensor<S>, weights: Tensor<S>) {
    precondition(weights.count == episodes.episodeCount * episodes.horizon, "stepRows: need E × T weights")
    let rows = episodes.stepCount
    let obsSize = episodes.observationSize, actSize = episodes.actionSize
    let (o, a, v) = episodes.realSteps(gathering: weights)
    let obs = o.map { S($0) }, act = a.map { S($0) }, w = v.map { S($0) }
    return (Tensor(shape: .matrix(rows, obsSize), scalars: obs), Tensor(shape: .matrix(rows, actSize), scalars: act),
            Tensor(shape: .matrix(1, rows), scalars: w))
}

/// Ψ for every step of `episodes` (E × T): reward-to-go with discount γ, minus the baseline.
public func innerWeights(_ episodes: EpisodeBatch, discount: Double, baseline: InnerBaseline) -> [Double] {
    let returns = episodes.discountedReturns(discount: discount)
    switch baseline {
    case .none: return returns
    case .linear:
        let values = LinearFeatureBaseline().values(for: episodes, returns: returns)
        // GAE with λ = 1: reward-to-go minus V, the terminal value taken as 0.
        return episodes.advantages(values: values, discount: discount, lambda: 1)
    }
}

/// One task's adaptation data: its real steps as [N, obs], [N, act] and weights Ψ [1, N], and
/// the number of episodes K they came from.
public struct AdaptationRows<S: TensorScalar>: Sendable {
    public let observations: Tensor<S>
    public let actions: Tensor<S>
    public let weights: Tensor<S>
    public let episodes: Int

    /// Ψ = reward-to-go (discount γ) minus `baseline`, computed once from the rewards.
    @inlinable
    public init(_ batch: EpisodeBatch, discount: Double, baseline: InnerBaseline) {
        let rows = stepRows(batch, weights: innerWeights(batch, discount: discount, baseline: baseline), as: S.self)
        observations = rows.observations; actions = rows.actions; weights = rows.weights; episodes = batch.episodeCount
    }
}

/// θ' after `steps` vanilla policy-gradient steps of size α on one task's `episodes`:
///
///   θ_{i+1} = θ_i + α ∇_θ (1/K) Σ_k Σ_t f(log π_θ(a_t^k|s_t^k)) Ψ_t^k  at θ_i,
///
/// K = episodes.episodeCount, Ψ = reward-to-go (discount γ) minus `baseline`, computed once from
/// the rewards (it does not depend on θ), f the identity or LVC's □ (`objective`). Several steps
/// reuse the same episodes (there is no sampler here).
///
/// - createGraph: true keeps every step differentiable with respect to `θ` (which must then be
///   tracked): second-order MAML. False makes each step a constant, θ' = θ + ⊥Δ; if `θ` is
///   tracked, ∂θ'/∂θ = I (first-order MAML), otherwise θ' is untracked (deployment).
/// - Returns: parameters in `θ`'s layout.
@inlinable
public func adapt<S: TensorScalar>(_ θ: Parameters<S>, policy: GaussianMLPPolicy<S>, episodes: EpisodeBatch,
                                   stepSize α: S, steps: Int = 1, createGraph: Bool,
                                   discount: Double = 0.99, baseline: InnerBaseline = .linear,
                                   objective: InnerObjective = .plain) -> Parameters<S> {
    precondition(episodes.observationSize == policy.observationDimension && episodes.actionSize == policy.actionDimension,
                 "adapt: episodes do not fit the policy")
    return adapt(θ, policy: policy, rows: AdaptationRows(episodes, discount: discount, baseline: baseline),
                 stepSize: α, steps: steps, createGraph: createGraph, objective: objective)
}

/// `adapt` on prepared rows (the meta-learner prepares them once per task and re-adapts at every
/// line-search candidate).
@inlinable
public func adapt<S: TensorScalar>(_ θ: Parameters<S>, policy: GaussianMLPPolicy<S>, rows: AdaptationRows<S>,
                                   stepSize α: S, steps: Int = 1, createGraph: Bool,
                                   objective: InnerObjective = .plain) -> Parameters<S> {
    precondition(steps >= 0, "adapt: steps must be ≥ 0")
    let tracked = θ.tensors.allSatisfy(\.isTracked)
    precondition(!createGraph || tracked, "adapt: createGraph needs tracked parameters (requiringGradient())")
    var current = tracked ? θ : θ.requiringGradient()
    for _ in 0..<steps {
        let logLikelihood = policy.logLikelihood(rows.actions, given: rows.observations, parameters: current)
        let inner = innerObjective(logLikelihood: logLikelihood.reshaped([1, rows.weights.count]), weights: rows.weights,
                                   episodes: rows.episodes, kind: objective).sum()
        current = innerStep(current, objective: inner, stepSize: α, createGraph: createGraph)
    }
    return tracked ? current : current.detached()
}
