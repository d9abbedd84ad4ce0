import Autodiff

// TRPO's update (Schulman et al. 2015): the natural-gradient direction s ≈ F⁻¹g by conjugate
// gradient on Fisher-vector products, scaled to the trust region's edge, then shrunk by a
// backtracking line search until the surrogate improves and the KL bound holds.

/// What a TRPO step did.
public struct TRPOStep: Sendable {
    /// θ after the step (θ itself when the line search found nothing).
    public let parameters: Parameters<Float>
    /// Surrogate advantage before (at θ) and after.
    public let surrogateBefore: Double
    public let surrogateAfter: Double
    /// Mean KL(π_θ ‖ π_θnew) over the batch.
    public let meanKL: Double
    /// Line-search steps tried (1 = the full step was accepted).
    public let lineSearchSteps: Int
    public let accepted: Bool
    public let cgIterations: Int
}

/// The Fisher-vector product v ↦ F v at θ for the batch's states, F = ∇²_θ mean KL(π_old ‖ π_θ):
/// the gradient of the KL is built once with its graph, and each product differentiates
/// (∇KL · v) again.
@inlinable
public func fisherVectorProduct<S>(_ policy: GaussianMLPPolicy<S>, parameters: Parameters<S>,
                                   batch: PolicyGradientBatch<S>) -> (Tensor<S>) -> Tensor<S> {
    let θ = parameters.detached().requiringGradient()
    let kl = meanKL(policy, parameters: θ, batch: batch)
    let klGradient = gradients(of: kl, wrt: θ, createGraph: true).flattened()
    return { v in gradients(of: (klGradient * v).sum(), wrt: θ).flattened().detached() }
}

/// One TRPO update of `parameters` on `batch` (whose old policy must be π at `parameters`).
public func trpoStep(_ policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>,
                     batch: PolicyGradientBatch<Float>, config: TRPOConfig) -> TRPOStep {
    let θ0 = parameters.detached()
    let θt = θ0.requiringGradient()
    let surrogate0 = trpoSurrogate(policy, parameters: θt, batch: batch)
    let g = gradients(of: surrogate0, wrt: θt).flattened()
    let before = Double(surrogate0.scalar)
    let k = config.fisherSubsample
    let fisherBatch = k > 1 && batch.count > k ? batch.rows(Array(stride(from: 0, to: batch.count, by: k))) : batch
    let fvp = fisherVectorProduct(policy, parameters: θ0, batch: fisherBatch)
    let damping = Float(config.cgDamping)
    let cg = conjugateGradient(g, damping: damping, maxIterations: config.cgIterations) { fvp($0) }
    let s = cg.solution
    // sᵀ(F + λI)s, the quadratic model of the KL along s (times 2).
    let sFs = Double(((fvp(s) + s.scaled(by: damping)) * s).sum().scalar)
    let flat0 = θ0.flattened()
    guard sFs > 0, sFs.isFinite else {
        return TRPOStep(parameters: θ0, surrogateBefore: before, surrogateAfter: before, meanKL: 0,
                        lineSearchSteps: 0, accepted: false, cgIterations: cg.iterations)
    }
    // β puts the quadratic KL model ½ (βs)ᵀF(βs) exactly at δ.
    let beta = (2 * config.maxKL / sFs).squareRoot()
    var fraction = 1.0
    for k in 1...max(config.maxBacktracks, 1) {
        let candidate = θ0.unflattened(flat0 + s.scaled(by: Float(beta * fraction)))
        let after = Double(trpoSurrogate(policy, parameters: candidate, batch: batch).scalar)
        let kl = Double(meanKL(policy, parameters: candidate, batch: batch).scalar)
        if kl.isFinite, after.isFinite, kl <= config.maxKL, after > before {
            return TRPOStep(parameters: candidate, surrogateBefore: before, surrogateAfter: after, meanKL: kl,
                            lineSearchSteps: k, accepted: true, cgIterations: cg.iterations)
        }
        fraction *= config.backtrackRatio
    }
    return TRPOStep(parameters: θ0, surrogateBefore: before, surrogateAfter: before, meanKL: 0,
                    lineSearchSteps: config.maxBacktracks, accepted: false, cgIterations: cg.iterations)
}
