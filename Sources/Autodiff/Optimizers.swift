// First-order optimizers with their state as values: `step` returns the new parameters and the new
// state; nothing is updated in place. Steps are taken on detached values (no graph).

/// Stochastic gradient descent with optional heavy-ball momentum (PyTorch's convention:
/// v ← μ·v + g, θ ← θ − lr·v).
public struct SGD<Scalar: TensorScalar>: Sendable {
    public var learningRate: Scalar
    public var momentum: Scalar

    /// The velocity; nil before the first step.
    public struct State: Sendable {
        public var velocity: Parameters<Scalar>?
        public init() { velocity = nil }
    }

    @inlinable public init(learningRate: Scalar, momentum: Scalar = 0) {
        self.learningRate = learningRate; self.momentum = momentum
    }

    /// One descent step along `gradient` (same layout as `parameters`).
    @inlinable
    public func step(_ parameters: Parameters<Scalar>, gradient: Parameters<Scalar>, state: State) -> (Parameters<Scalar>, State) {
        let g = gradient.detached()
        var direction = g
        var next = state
        if momentum != 0 {
            direction = state.velocity.map { momentum * $0 + g } ?? g
            next.velocity = direction
        }
        return (parameters.detached() - learningRate * direction, next)
    }
}

/// Adam (Kingma & Ba 2015), PyTorch's formulation:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
public struct Adam<Scalar: TensorScalar>: Sendable {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    /// Added to √v̂: keeps the step finite where a coordinate's gradient has been ~0. 1e−8 is the
    /// paper's and PyTorch's default.
    public var epsilon: Scalar

    /// First and second moment estimates and the step count t.
    public struct State: Sendable {
        public var m: Parameters<Scalar>
        public var v: Parameters<Scalar>
        public var step: Int
        @inlinable public init(m: Parameters<Scalar>, v: Parameters<Scalar>, step: Int) { self.m = m; self.v = v; self.step = step }
    }

    @inlinable public init(learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
    }

    /// Zero moments for parameters of this layout.
    @inlinable public func initialState(for parameters: Parameters<Scalar>) -> State {
        State(m: parameters.zerosLike(), v: parameters.zerosLike(), step: 0)
    }

    @inlinable
    public func step(_ parameters: Parameters<Scalar>, gradient: Parameters<Scalar>, state: State) -> (Parameters<Scalar>, State) {
        let g = gradient.detached()
        let t = state.step + 1
        let m = beta1 * state.m + (1 - beta1) * g
        let v = beta2 * state.v + g.zip(g) { $0 * $1 } * (1 - beta2)
        // Bias corrections in Double: β₂ᵗ is close to 1 for many steps.
        let c1 = 1 - integerPower(Double(beta1), t), c2 = 1 - integerPower(Double(beta2), t)
        let lr = learningRate / Scalar(c1), invSqrtC2 = Scalar(1 / c2.squareRoot())
        let eps = epsilon
        let update = m.zip(v) { mi, vi in mi / (vi.sqrt() * invSqrtC2 + eps) }
        return (parameters.detached() - lr * update, State(m: m, v: v, step: t))
    }
}

/// xⁿ for a non-negative integer n by repeated squaring (exact up to rounding; no libm needed).
@inlinable func integerPower(_ x: Double, _ n: Int) -> Double {
    var result = 1.0, base = x, e = n
    while e > 0 { if e & 1 == 1 { result *= base }; base *= base; e >>= 1 }
    return result
}
