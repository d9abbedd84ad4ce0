// Diagonal Gaussian statistics as compositions of Tensor ops (so they differentiate to any order).
// Conventions: the last axis is the action dimension d; `logStd` broadcasts (shape [d] for a
// state-independent σ, or the shape of `mean`). Results sum over the last axis.

public enum DiagonalGaussian {
    /// log N(a; μ, diag σ²) = −½ Σ ((a − μ)/σ)² − Σ log σ − (d/2) log 2π.
    /// Shapes: a, mean [..., d]; logStd [d] or [..., d] → [...].
    @inlinable
    public static func logLikelihood<S>(_ actions: Tensor<S>, mean: Tensor<S>, logStd: Tensor<S>) -> Tensor<S> {
        let z = (actions - mean) * (-logStd).exp()
        let halfLog2Pi = S.scalarLog(2 * S.pi) / 2
        let perDim = z.square().scaled(by: -0.5) - logStd
        return perDim.sum(alongAxis: -1) - halfLog2Pi * S(actions.shape[actions.rank - 1])
    }

    /// Differential entropy Σ (log σ + ½ log 2πe). Shape: logStd [..., d] → [...] ([] for [d]).
    @inlinable
    public static func entropy<S>(logStd: Tensor<S>) -> Tensor<S> {
        let halfLog2PiE = (S.scalarLog(2 * S.pi) + 1) / 2
        return logStd.sum(alongAxis: -1) + halfLog2PiE * S(logStd.shape[logStd.rank - 1])
    }

    /// KL(p ‖ q) = Σ [log σq − log σp + (σp² + (μp − μq)²) / (2σq²) − ½]. Shapes broadcast; → [...].
    @inlinable
    public static func klDivergence<S>(meanP: Tensor<S>, logStdP: Tensor<S>, meanQ: Tensor<S>, logStdQ: Tensor<S>) -> Tensor<S> {
        let varianceRatio = (logStdP - logStdQ).scaled(by: 2).exp()            // σp²/σq²
        let meanTerm = (meanP - meanQ).square() * logStdQ.scaled(by: -2).exp()  // (μp−μq)²/σq²
        let perDim = (logStdQ - logStdP) + (varianceRatio + meanTerm).scaled(by: 0.5) - 0.5
        return perDim.sum(alongAxis: -1)
    }
}
