import Foundation
import Autodiff
import Numerics
import RL

// The Gaussian MLP policy of Autodiff (tanh hidden layers, linear mean output, state-independent
// log σ) seen from both sides: built from a PolicyConfig for an environment's spec, and driven by
// the sampler through `BatchPolicy` with explicit parameters, so that an adapted θ' (MAML) samples
// exactly like θ.

extension GaussianMLPPolicy {
    /// A policy for `observationSize` inputs and `actionSize` outputs shaped by `config`.
    @inlinable
    public init<G: RandomNumberGenerator>(config: PolicyConfig, observationSize: Int, actionSize: Int, using rng: inout G) {
        self.init(sizes: [observationSize] + config.hiddenSizes + [actionSize], activation: .tanh,
                  initialStd: Scalar(config.initialStd), using: &rng)
    }
}

/// A Float Gaussian MLP policy with fixed parameters, as a batched sampler of actions:
/// a = μ_θ(s) + σ_θ ⊙ ε, ε ~ N(0, I) drawn from the sampler's stream in row order.
public struct GaussianPolicySampler: BatchPolicy, Sendable {
    public let policy: GaussianMLPPolicy<Float>
    public let parameters: Parameters<Float>
    /// Act with the mean (no noise): for evaluation.
    public let deterministic: Bool

    public init(policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>, deterministic: Bool = false) {
        self.policy = policy; self.parameters = parameters.detached(); self.deterministic = deterministic
    }

    public func act(observations: UnsafeBufferPointer<Float>, rows: Int,
                    actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource) {
        let obsSize = policy.observationDimension, actSize = policy.actionDimension
        let input = Tensor<Float>(shape: .matrix(rows, obsSize),
                                  scalars: Array(UnsafeBufferPointer(rebasing: observations[0..<(rows * obsSize)])))
        let (mean, logStd) = policy.distribution(input, parameters: parameters)
        let std = logStd.scalars.map { Foundation.exp($0) }
        mean.withUnsafeBufferPointer { m in
            for r in 0..<rows {
                for j in 0..<actSize {
                    let noise: Float = deterministic ? 0 : Float(rng.normal())
                    actions[r * actSize + j] = m[r * actSize + j] + std[j] * noise
                }
            }
        }
    }

    public func skip(rows: Int, rng: inout RandomSource) {
        if !deterministic { rng.skipNormals(rows * policy.actionDimension) }
    }
}
