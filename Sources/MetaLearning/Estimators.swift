import Autodiff

// The two objectives of MAML for RL as functions of log-likelihood tensors, so that the same code
// serves a Gaussian MLP policy on episodes and METAGRAD.md's exactly solvable bandit. Tensors are
// laid out [B, N]: B independent tasks (B = 1 for one task's episodes), N rows per task (every
// real step of its episodes). Each function returns one value per task, [B]; sum them to
// differentiate all tasks at once (tasks never share a graph path).
// Formulas and their expected values: /work/shared/METAGRAD.md (mirrored in the module's tests).

/// Which meta-gradient the outer surrogate's derivative estimates (METAGRAD.md "Estimators").
public enum MetaGradientEstimator: String, Sendable, CaseIterable, Codable {
    /// Full-graph DiCE: the path through θ' plus S·(R̄' − b), S the score of all K pre-update
    /// episodes. Unbiased for dJ/dθ for every α, K, M.
    case exact
    /// ProMP's low-variance curvature estimator: the inner objective's importance ratio makes the
    /// Hessian estimate unbiased for H₁ + H₂; known O(α) bias, no pre-update sampling term.
    case lvc
    /// First-order MAML: the outer gradient at θ', ∂θ'/∂θ taken as I.
    case firstOrder = "first-order"
    /// The original MAML-RL surrogate: log-likelihood × advantage in both loops, differentiated
    /// through. Drops the pre-update sampling term (biased; kept to show the bias in tests).
    case naive

    /// The inner objective this estimator differentiates through.
    @inlinable public var innerObjective: InnerObjective { self == .lvc ? .lvc : .plain }
    /// Whether θ' keeps its second-order graph to θ.
    @inlinable public var differentiatesThroughAdaptation: Bool { self != .firstOrder }
    /// Whether the outer surrogate carries the pre-update score term S·(R̄' − b).
    @inlinable public var creditsPreUpdateSampling: Bool { self == .exact }
}

/// The inner (adaptation) objective whose gradient is the policy-gradient step.
public enum InnerObjective: String, Sendable, Codable {
    /// (1/K) Σ_k Σ_t log π_θ(a|s) ⊥Ψ: gradient ĝ, Hessian estimate Ĥ_SL.
    case plain
    /// (1/K) Σ_k Σ_t [π_θ(a|s)/⊥π_θ(a|s)] ⊥Ψ (ProMP's LVC): same value of ĝ at θ, Hessian
    /// estimate that adds Σ ∇log π ∇log πᵀ Ψ.
    case lvc
}

/// The inner objective per task, [B]: (1/K) Σ_rows f(log π) ⊥Ψ with f = identity (plain) or
/// □ (LVC). `logLikelihood` and `weights` are [B, N]; `episodes` is K, the number of episodes the
/// N rows come from (the mean is over episodes, not steps: METAGRAD.md's ĝ).
@inlinable
public func innerObjective<S>(logLikelihood: Tensor<S>, weights: Tensor<S>, episodes: Int, kind: InnerObjective) -> Tensor<S> {
    precondition(logLikelihood.shape == weights.shape && logLikelihood.rank == 2 && episodes > 0,
                 "innerObjective: shapes \(logLikelihood.shape), \(weights.shape), K = \(episodes)")
    let term: Tensor<S>
    switch kind {
    case .plain: term = logLikelihood
    case .lvc: term = magicBox(logLikelihood)
    }
    return (term * weights.detached()).sum(alongAxis: 1).scaled(by: 1 / S(episodes))
}

/// □(x) = exp(x − ⊥x): value 1, derivative that of x, to every order (DiCE, Foerster et al. 2018).
@inlinable
public func magicBox<S>(_ x: Tensor<S>) -> Tensor<S> { (x - x.detached()).exp() }

/// The outer surrogate per task, [B], to be maximized:
///
///   L = (1/M) Σ_rows [π_θ'(a'|s')/π_old'(a'|s')] A'  +  [exact only] Σ_k (π_θ(τ_k)/π_old(τ_k) − 1) · (R̄' − b)
///
/// - `postLogLikelihood` [B, N']: log π_θ'(a'|s') of every post-update step under the adapted
///   parameters (carrying the graph to θ); `postOldLogLikelihood` the same under the adapted
///   parameters that sampled them (constants), so the ratio is 1 at the sampling point and its
///   gradient there is (1/M) Σ ∇log π_θ' A' = Ĝ'. Line-search candidates evaluate the ratio.
/// - `postAdvantages` [B, N']: A' (returns, or advantages against a baseline).
/// - `postEpisodes`: M.
/// - `preLogLikelihood` [B, K]: log π_θ(τ_k) = Σ_t log π_θ(a_t|s_t) of each pre-update episode at
///   the current θ; `preOldLogLikelihood` [B, K] the same at the sampling θ (constants).
///   At the sampling point the term is 0 and its gradient is S·(R̄' − b), S = Σ_k ∇log π_θ(τ_k)
///   (METAGRAD.md's sampling credit; a sum over episodes, not a mean). It is the DiCE term
///   □(Σ_k log π(τ_k))·(R̄' − b) with the product of K episode ratios replaced by their sum
///   minus K: the same first derivative at the sampling point, and a value that stays usable at
///   line-search candidates (a product of K·T step ratios does not).
/// - `preWeight` [B]: R̄' − b, the task's mean post-update return minus a baseline that must not
///   depend on this task's pre-update episodes (METAGRAD.md: a constant, or other tasks' mean).
/// - `clipRange` ε (PPO outer steps): the post-update term becomes PPO's
///   min(ratio · A', clip(ratio, 1 − ε, 1 + ε) · A'), whose gradient at ratio 1 is unchanged.
@inlinable
public func outerSurrogate<S>(postLogLikelihood: Tensor<S>, postOldLogLikelihood: Tensor<S>, postAdvantages: Tensor<S>,
                              postEpisodes: Int, preLogLikelihood: Tensor<S>, preOldLogLikelihood: Tensor<S>,
                              preWeight: Tensor<S>, estimator: MetaGradientEstimator, clipRange: S? = nil) -> Tensor<S> {
    precondition(postLogLikelihood.shape == postAdvantages.shape && postLogLikelihood.rank == 2 && postEpisodes > 0,
                 "outerSurrogate: shapes \(postLogLikelihood.shape), \(postAdvantages.shape), M = \(postEpisodes)")
    let ratio = (postLogLikelihood - postOldLogLikelihood.detached()).exp()
    let advantages = postAdvantages.detached()
    var weighted = ratio * advantages
    if let ε = clipRange { weighted = minimum(weighted, ratio.clamped(min: 1 - ε, max: 1 + ε) * advantages) }
    let post = weighted.sum(alongAxis: 1).scaled(by: 1 / S(postEpisodes))
    guard estimator.creditsPreUpdateSampling else { return post }
    precondition(preLogLikelihood.rank == 2 && preLogLikelihood.shape[0] == postLogLikelihood.shape[0],
                 "outerSurrogate: pre-update log-likelihoods \(preLogLikelihood.shape), need [B, K]")
    let preRatio = (preLogLikelihood - preOldLogLikelihood.detached()).exp() - 1
    return post + preRatio.sum(alongAxis: 1) * preWeight.detached()
}

/// One gradient step θ + α ∇objective, per estimator: with the graph kept (second order), or
/// with the step a constant (first order: θ' = θ + ⊥Δ, so ∂θ'/∂θ = I and the outer gradient at θ
/// is the gradient at θ'). `objective` must depend on the tracked `θ`.
@inlinable
public func innerStep<S>(_ θ: Parameters<S>, objective: Tensor<S>, stepSize α: S, createGraph: Bool) -> Parameters<S> {
    let g = gradients(of: objective, wrt: θ, createGraph: createGraph)
    return θ.zip(g) { p, gp in createGraph ? p + gp.scaled(by: α) : p + gp.detached().scaled(by: α) }
}
