// Elementwise arithmetic with numpy broadcasting, unary functions, clamps, masks.
// Forward kernels only; the backward rules live in Gradients.swift.

// MARK: - Broadcasting kernel

extension Tensor {
    /// out = f(a, b) elementwise with broadcasting (untracked). Fast paths: equal shapes, a scalar
    /// operand, and contiguous inner rows (bias rows); otherwise a strided 4-D loop.
    @inlinable @inline(__always)
    static func zipBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Scalar, Scalar) -> Scalar) -> Tensor {
        let pa = UnsafePointer(a.storage.base), pb = UnsafePointer(b.storage.base)
        if a.shape == b.shape {
            let n = a.count
            return Tensor(shape: a.shape) { o in for i in 0..<n { o[i] = f(pa[i], pb[i]) } }
        }
        if b.count == 1, a.rank >= b.rank {
            let n = a.count, s = pb[0]
            return Tensor(shape: a.shape) { o in for i in 0..<n { o[i] = f(pa[i], s) } }
        }
        if a.count == 1, b.rank >= a.rank {
            let n = b.count, s = pa[0]
            return Tensor(shape: b.shape) { o in for i in 0..<n { o[i] = f(s, pb[i]) } }
        }
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("broadcast: incompatible shapes \(a.shape) and \(b.shape)")
        }
        let (o0, o1, o2, o3) = shape.padded4
        let (a0, a1, a2, a3) = a.shape.padded4, (b0, b1, b2, b3) = b.shape.padded4
        // Row-major strides, 0 along broadcast axes.
        let sa3 = a3 == 1 ? 0 : 1, sa2 = a2 == 1 ? 0 : a3, sa1 = a1 == 1 ? 0 : a2 &* a3, sa0 = a0 == 1 ? 0 : a1 &* a2 &* a3
        let sb3 = b3 == 1 ? 0 : 1, sb2 = b2 == 1 ? 0 : b3, sb1 = b1 == 1 ? 0 : b2 &* b3, sb0 = b0 == 1 ? 0 : b1 &* b2 &* b3
        return Tensor(shape: shape) { o in
            var out = o
            for i0 in 0..<o0 { for i1 in 0..<o1 { for i2 in 0..<o2 {
                let ra = pa + (i0 &* sa0 &+ i1 &* sa1 &+ i2 &* sa2)
                let rb = pb + (i0 &* sb0 &+ i1 &* sb1 &+ i2 &* sb2)
                if sa3 == 1 && sb3 == 1 {
                    for j in 0..<o3 { out[j] = f(ra[j], rb[j]) }
                } else if sa3 == 1 {
                    let s = rb[0]
                    for j in 0..<o3 { out[j] = f(ra[j], s) }
                } else if sb3 == 1 {
                    let s = ra[0]
                    for j in 0..<o3 { out[j] = f(s, rb[j]) }
                } else {
                    let s = f(ra[0], rb[0])
                    for j in 0..<o3 { out[j] = s }
                }
                out += o3
            } } }
        }
    }

    /// out = f(x) elementwise (untracked).
    @inlinable @inline(__always)
    func map(_ f: (Scalar) -> Scalar) -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        return Tensor(shape: shape) { o in for i in 0..<n { o[i] = f(p[i]) } }
    }
}

// MARK: - Arithmetic

extension Tensor {
    @inlinable public static func + (a: Tensor, b: Tensor) -> Tensor {
        record2(.add, a, b, zipBroadcast(a, b, +))
    }
    @inlinable public static func - (a: Tensor, b: Tensor) -> Tensor {
        record2(.sub, a, b, zipBroadcast(a, b, -))
    }
    @inlinable public static func * (a: Tensor, b: Tensor) -> Tensor {
        record2(.mul, a, b, zipBroadcast(a, b, *))
    }
    @inlinable public static func / (a: Tensor, b: Tensor) -> Tensor {
        record2(.div, a, b, zipBroadcast(a, b, /))
    }
    @inlinable public static prefix func - (x: Tensor) -> Tensor {
        record1(.neg, x, x.map { -$0 })
    }

    /// x · c for a constant c.
    @inlinable public func scaled(by c: Scalar) -> Tensor {
        Tensor.record1(.scale(c), self, map { $0 * c })
    }
    /// x + c for a constant c.
    @inlinable public func shifted(by c: Scalar) -> Tensor {
        Tensor.record1(.shift, self, map { $0 + c })
    }
    @inlinable public static func * (x: Tensor, c: Scalar) -> Tensor { x.scaled(by: c) }
    @inlinable public static func * (c: Scalar, x: Tensor) -> Tensor { x.scaled(by: c) }
    @inlinable public static func / (x: Tensor, c: Scalar) -> Tensor { x.scaled(by: 1 / c) }
    @inlinable public static func + (x: Tensor, c: Scalar) -> Tensor { x.shifted(by: c) }
    @inlinable public static func + (c: Scalar, x: Tensor) -> Tensor { x.shifted(by: c) }
    @inlinable public static func - (x: Tensor, c: Scalar) -> Tensor { x.shifted(by: -c) }
    @inlinable public static func - (c: Scalar, x: Tensor) -> Tensor { (-x).shifted(by: c) }
}

// MARK: - Unary functions

extension Tensor {
    @inlinable public func tanh() -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        return Tensor.record1(.tanh, self, Tensor(shape: shape) { Scalar.vTanh(p, $0, n) })
    }
    /// 1 / (1 + e^(−x)), computed as ½·tanh(x/2) + ½, which neither overflows nor loses the tails.
    @inlinable public func sigmoid() -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        let out = Tensor(shape: shape) { o in
            for i in 0..<n { o[i] = p[i] * 0.5 }
            Scalar.vTanh(o, o, n)
            for i in 0..<n { o[i] = o[i] * 0.5 + 0.5 }
        }
        return Tensor.record1(.sigmoid, self, out)
    }
    /// max(x, 0). Subgradient at 0 is 0 (as in PyTorch).
    @inlinable public func relu() -> Tensor {
        Tensor.record1(.relu, self, map { $0 > 0 ? $0 : 0 })
    }
    @inlinable public func exp() -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        return Tensor.record1(.exp, self, Tensor(shape: shape) { Scalar.vExp(p, $0, n) })
    }
    /// Natural logarithm (NaN for negative inputs, −∞ at 0).
    @inlinable public func log() -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        return Tensor.record1(.log, self, Tensor(shape: shape) { Scalar.vLog(p, $0, n) })
    }
    /// log(1 + eˣ), stable for large |x|.
    @inlinable public func softplus() -> Tensor {
        let p = UnsafePointer(storage.base), n = count
        return Tensor.record1(.softplus, self, Tensor(shape: shape) { Scalar.vSoftplus(p, $0, n) })
    }
    @inlinable public func square() -> Tensor { Tensor.record1(.square, self, map { $0 * $0 }) }
    /// √x. The derivative 1/(2√x) is infinite at 0.
    @inlinable public func sqrt() -> Tensor { Tensor.record1(.sqrt, self, map { $0.squareRoot() }) }

    /// min(max(x, lo), hi). Subgradient: 1 on the closed interval [lo, hi] (boundary included,
    /// as in PyTorch), 0 outside.
    @inlinable public func clamped(min lo: Scalar, max hi: Scalar) -> Tensor {
        precondition(lo <= hi, "clamped: lo \(lo) > hi \(hi)")
        return Tensor.record1(.clamp(lo, hi), self, map { Swift.min(Swift.max($0, lo), hi) })
    }
}

/// Elementwise minimum with broadcasting. At ties the gradient is split ½/½ between the operands
/// (the symmetric subgradient; PyTorch's `minimum` does the same).
@inlinable public func minimum<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
    Tensor.record2(.minimum, a, b, Tensor.zipBroadcast(a, b) { Swift.min($0, $1) })
}
/// Elementwise maximum with broadcasting; ties split the gradient ½/½.
@inlinable public func maximum<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
    Tensor.record2(.maximum, a, b, Tensor.zipBroadcast(a, b) { Swift.max($0, $1) })
}

// MARK: - Masks

extension Tensor {
    /// 1 where x > threshold, else 0. Untracked: masks are constants to the gradient.
    @inlinable public func greater(than threshold: Scalar) -> Tensor {
        detached().map { $0 > threshold ? 1 : 0 }
    }
    /// 1 where x < threshold, else 0 (untracked).
    @inlinable public func less(than threshold: Scalar) -> Tensor {
        detached().map { $0 < threshold ? 1 : 0 }
    }
    /// x where `mask` is nonzero, else 0; the mask broadcasts and is never differentiated
    /// (padding masks over time steps, validity masks over episodes).
    @inlinable public func masked(by mask: Tensor) -> Tensor {
        self * mask.detached().map { $0 != 0 ? 1 : 0 }
    }
    /// `a` where `condition` is nonzero, else `b` (both differentiable; the condition is not).
    @inlinable public static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let m = condition.detached().map { $0 != 0 ? 1 : 0 }
        return a * m + b * (1 - m)
    }
}
