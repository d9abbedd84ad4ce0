// Matrix-free conjugate gradient for TRPO's natural-gradient step: solves (A + λI)x = b where A is
// only available as a product closure (a Hessian- or Fisher-vector product).

/// The outcome of `conjugateGradient`.
public struct ConjugateGradientResult<Scalar: TensorScalar>: Sendable {
    /// The approximate solution x, shape of b.
    public let solution: Tensor<Scalar>
    /// Products with A performed.
    public let iterations: Int
    /// ‖b − (A + λI)x‖₂ at exit (the recursively updated residual).
    public let residualNorm: Double
    /// True when residualNorm ≤ the tolerance.
    public let converged: Bool

    @inlinable public init(solution: Tensor<Scalar>, iterations: Int, residualNorm: Double, converged: Bool) {
        self.solution = solution; self.iterations = iterations; self.residualNorm = residualNorm; self.converged = converged
    }
}

/// Solves (A + damping·I)x = b for symmetric positive-definite A given as `product(v) = A·v`.
///
/// - Parameters:
///   - b: the right-hand side, any shape (treated as one vector).
///   - damping: λ ≥ 0, added to A's diagonal (TRPO's Fisher damping, typically 0.1 · … 1e−2).
///   - maxIterations: at most this many products; 10 is TRPO's customary budget (the natural
///     gradient direction needs no more precision than the trust region it is scaled into).
///   - residualTolerance: stop when ‖r‖₂ ≤ this. 1e−10 means "run to maxIterations" in Float.
///   - product: A·v for a v shaped like b; called on detached values.
/// Dot products accumulate in Double; x starts at 0.
@inlinable
public func conjugateGradient<S>(_ b: Tensor<S>, damping: S = 0, maxIterations: Int = 10,
                                 residualTolerance: Double = 1e-10,
                                 product: (Tensor<S>) -> Tensor<S>) -> ConjugateGradientResult<S> {
    precondition(damping >= 0 && maxIterations >= 0, "conjugateGradient: damping \(damping), maxIterations \(maxIterations)")
    @inline(__always) func dot(_ u: Tensor<S>, _ v: Tensor<S>) -> Double {
        u.withUnsafeBufferPointer { pu in v.withUnsafeBufferPointer { pv in
            var acc = 0.0
            for i in 0..<pu.count { acc += Double(pu[i]) * Double(pv[i]) }
            return acc
        } }
    }
    var x = Tensor<S>.zeros(b.shape)
    var r = b.detached(), p = r
    var rr = dot(r, r)
    var iterations = 0
    while iterations < maxIterations && rr.squareRoot() > residualTolerance {
        var ap = product(p).detached()
        precondition(ap.shape == b.shape, "conjugateGradient: product returned \(ap.shape) for \(b.shape)")
        if damping != 0 { ap = ap + p.scaled(by: damping) }
        let pap = dot(p, ap)
        guard pap > 0 else { break }   // A not positive-definite along p: stop with the current x.
        let alpha = S(rr / pap)
        x = x + p.scaled(by: alpha)
        r = r - ap.scaled(by: alpha)
        let rrNew = dot(r, r)
        p = r + p.scaled(by: S(rrNew / rr))
        rr = rrNew
        iterations += 1
    }
    let norm = rr.squareRoot()
    return ConjugateGradientResult(solution: x, iterations: iterations, residualNorm: norm, converged: norm <= residualTolerance)
}
