import Testing
import Autodiff
import TestSupport

/// SplitMix64: a fixed, dependency-free stream for test inputs.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) * 0x1p-53 }
}

typealias T = Tensor<Double>

/// A Double tensor with entries uniform in [lo, hi].
func randomTensor(_ dims: [Int], _ rng: inout TestRNG, _ lo: Double = -1, _ hi: Double = 1) -> T {
    let shape = Shape(dims)
    return T(shape: shape, scalars: (0..<shape.count).map { _ in rng.uniform(lo, hi) })
}

/// Checks `f`'s first and second derivatives against central finite differences.
///
/// The scalar probed is L(x) = Σ w⊙f(x) + ½ Σ (u⊙f(x))² with fixed random w, u, so that linear ops
/// also have a nonzero second derivative through the square.
/// First order: ∇L (reverse mode) vs central differences of L (step hFirst).
/// Second order: H·v from gradient-of-(gradient·v) (createGraph) vs central differences of the
/// analytic gradient along v (step hSecond). Errors are relative, |a − b| / (1 + |b|).
/// Why these steps and the 1e−6 tolerance: in Double, central differences err by O(h²·f‴)
/// (≈ 1e−12 at h = 1e−6 for these O(1) functions) plus rounding ≈ ε·|f|/h ≈ 1e−10; a wrong rule
/// errs by O(1), so 1e−6 separates the two by orders of magnitude either way.
@discardableResult
func checkDerivatives(_ name: String, _ inputs: [T], seed: UInt64 = 7, hFirst: Double = 1e-6, hSecond: Double = 1e-5,
                      tolerance: Double = 1e-6, _ f: ([T]) -> T) -> (Double, Double) {
    var rng = TestRNG(seed: seed)
    let y0 = f(inputs)
    let w = randomTensor(y0.shape.dims, &rng), u = randomTensor(y0.shape.dims, &rng)
    func loss(_ xs: [T]) -> T {
        let y = f(xs)
        return (y * w).sum() + (y * u).square().sum().scaled(by: 0.5)
    }
    func analyticGradient(_ xs: [T]) -> [T] {
        let tracked = xs.map { $0.requiringGradient() }
        return gradients(of: loss(tracked), wrt: tracked)
    }

    // First order.
    let g = analyticGradient(inputs)
    var worst1 = 0.0
    for (i, x) in inputs.enumerated() {
        #expect(g[i].shape == x.shape, "\(name): gradient shape \(g[i].shape) for input \(x.shape)")
        let fd = finiteDifferenceGradient(x.scalars, h: hFirst) { s in
            var xs = inputs; xs[i] = T(shape: x.shape, scalars: s)
            return loss(xs).scalar
        }
        for (a, b) in zip(g[i].scalars, fd) { worst1 = max(worst1, abs(a - b) / (1 + abs(b))) }
    }
    #expect(worst1 < tolerance, "\(name): first-order error \(worst1)")

    // Second order: H·v.
    let v = inputs.map { randomTensor($0.shape.dims, &rng) }
    let tracked = inputs.map { $0.requiringGradient() }
    let hv = hessianVectorProducts(of: loss(tracked), wrt: tracked, vectors: v)
    func shifted(_ s: Double) -> [T] {
        zip(inputs, v).map { x, d in T(shape: x.shape, scalars: zip(x.scalars, d.scalars).map { $0 + s * $1 }) }
    }
    let gp = analyticGradient(shifted(hSecond)), gm = analyticGradient(shifted(-hSecond))
    var worst2 = 0.0
    for i in inputs.indices {
        #expect(hv[i].shape == inputs[i].shape, "\(name): H·v shape \(hv[i].shape)")
        for (j, a) in hv[i].scalars.enumerated() {
            let b = (gp[i].scalars[j] - gm[i].scalars[j]) / (2 * hSecond)
            worst2 = max(worst2, abs(a - b) / (1 + abs(b)))
        }
    }
    #expect(worst2 < tolerance, "\(name): second-order error \(worst2)")
    return (worst1, worst2)
}
