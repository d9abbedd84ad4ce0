import Autodiff
import RL

// The policy-gradient objectives as pure functions of the parameters θ: given the same batch they
// can be evaluated at θ, at a line-search candidate, or at an adapted θ' (MAML), and
// differentiated to any order. Batches hold only the real (unpadded) steps, one row each.

/// The steps a policy-gradient update learns from, one row per step, with the sampling policy's
/// distribution frozen (the "old" policy of the importance ratios and the KL).
public struct PolicyGradientBatch<S: TensorScalar>: Sendable {
    /// [N, observationSize].
    public let observations: Tensor<S>
    /// [N, actionSize]: the actions as sampled.
    public let actions: Tensor<S>
    /// [N]: the (possibly normalized) advantages.
    public let advantages: Tensor<S>
    /// [N]: log π_old(a|s).
    public let oldLogLikelihood: Tensor<S>
    /// [N, actionSize] and [actionSize]: π_old's mean and log σ.
    public let oldMean: Tensor<S>
    public let oldLogStd: Tensor<S>

    /// A batch whose old policy is `policy` at `parameters` (evaluated now, detached).
    @inlinable
    public init(observations: Tensor<S>, actions: Tensor<S>, advantages: Tensor<S>,
                policy: GaussianMLPPolicy<S>, parameters: Parameters<S>) {
        precondition(observations.rank == 2 && actions.rank == 2 && advantages.rank == 1
                     && observations.shape[0] == actions.shape[0] && actions.shape[0] == advantages.count,
                     "PolicyGradientBatch: shapes \(observations.shape), \(actions.shape), \(advantages.shape)")
        let θ = parameters.detached()
        let (mean, logStd) = policy.distribution(observations, parameters: θ)
        self.init(observations: observations, actions: actions, advantages: advantages,
                  oldLogLikelihood: DiagonalGaussian.logLikelihood(actions, mean: mean, logStd: logStd).detached(),
                  oldMean: mean.detached(), oldLogStd: logStd.detached())
    }

    @inlinable
    public init(observations: Tensor<S>, actions: Tensor<S>, advantages: Tensor<S>,
                oldLogLikelihood: Tensor<S>, oldMean: Tensor<S>, oldLogStd: Tensor<S>) {
        self.observations = observations; self.actions = actions; self.advantages = advantages
        self.oldLogLikelihood = oldLogLikelihood; self.oldMean = oldMean; self.oldLogStd = oldLogStd
    }

    /// Number of steps N.
    @inlinable public var count: Int { advantages.count }

    /// The rows `indices`, in that order (a minibatch).
    @inlinable
    public func rows(_ indices: [Int]) -> PolicyGradientBatch {
        PolicyGradientBatch(observations: observations.gatheringRows(indices), actions: actions.gatheringRows(indices),
                            advantages: advantages.reshaped([count, 1]).gatheringRows(indices).reshaped([indices.count]),
                            oldLogLikelihood: oldLogLikelihood.reshaped([count, 1]).gatheringRows(indices).reshaped([indices.count]),
                            oldMean: oldMean.gatheringRows(indices), oldLogStd: oldLogStd)
    }
}

/// The REINFORCE loss −(1/N) Σ log π_θ(a|s) A (its gradient is minus the policy gradient).
@inlinable
public func vpgLoss<S>(_ policy: GaussianMLPPolicy<S>, parameters θ: Parameters<S>, batch: PolicyGradientBatch<S>) -> Tensor<S> {
    -(policy.logLikelihood(batch.actions, given: batch.observations, parameters: θ) * batch.advantages).mean()
}

/// π_θ(a|s) / π_old(a|s) per step, [N].
@inlinable
public func importanceRatio<S>(_ policy: GaussianMLPPolicy<S>, parameters θ: Parameters<S>, batch: PolicyGradientBatch<S>) -> Tensor<S> {
    (policy.logLikelihood(batch.actions, given: batch.observations, parameters: θ) - batch.oldLogLikelihood).exp()
}

/// TRPO's surrogate advantage (1/N) Σ ratio · A, to be maximized.
@inlinable
public func trpoSurrogate<S>(_ policy: GaussianMLPPolicy<S>, parameters θ: Parameters<S>, batch: PolicyGradientBatch<S>) -> Tensor<S> {
    (importanceRatio(policy, parameters: θ, batch: batch) * batch.advantages).mean()
}

/// PPO's clipped loss −(1/N) Σ min(ratio · A, clip(ratio, 1 − ε, 1 + ε) · A).
@inlinable
public func ppoLoss<S>(_ policy: GaussianMLPPolicy<S>, parameters θ: Parameters<S>, batch: PolicyGradientBatch<S>,
                       clipRange ε: S) -> Tensor<S> {
    let ratio = importanceRatio(policy, parameters: θ, batch: batch)
    let unclipped = ratio * batch.advantages
    let clipped = ratio.clamped(min: 1 - ε, max: 1 + ε) * batch.advantages
    return -minimum(unclipped, clipped).mean()
}

/// Mean over the batch's states of KL(π_old(·|s) ‖ π_θ(·|s)), shape [].
@inlinable
public func meanKL<S>(_ policy: GaussianMLPPolicy<S>, parameters θ: Parameters<S>, batch: PolicyGradientBatch<S>) -> Tensor<S> {
    let (mean, logStd) = policy.distribution(batch.observations, parameters: θ)
    return DiagonalGaussian.klDivergence(meanP: batch.oldMean, logStdP: batch.oldLogStd, meanQ: mean, logStdQ: logStd).mean()
}
