import Testing
import Foundation
import Autodiff

/// Second-order uses with closed forms: MAML through one gradient step, Hessian-vector products.
@Suite("Higher-order derivatives")
struct HigherOrderTests {
    /// A symmetric positive-definite n×n matrix M·Mᵀ + I, as rows.
    func spd(_ n: Int, _ rng: inout TestRNG) -> [[Double]] {
        let m = (0..<n).map { _ in (0..<n).map { _ in rng.uniform(-1, 1) } }
        return (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(i == j ? 1.0 : 0.0) { $0 + m[i][$1] * m[j][$1] } } }
    }
    func matvec(_ a: [[Double]], _ x: [Double]) -> [Double] { a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } } }

    @Test("MAML on a quadratic: d L(θ − α∇L(θ))/dθ = (I − αA)ᵀ(Aθ' − b)")
    func mamlQuadratic() {
        var rng = TestRNG(seed: 11)
        let n = 5, alpha = 0.1
        let a = spd(n, &rng), b = (0..<n).map { _ in rng.uniform(-1, 1) }, theta0 = (0..<n).map { _ in rng.uniform(-1, 1) }
        let at = T([n, n], a.flatMap { $0 }), bt = T([n, 1], b)
        func loss(_ th: T) -> T {   // ½θᵀAθ − bᵀθ with θ a column [n, 1]
            (matmul(th, matmul(at, th), transposeA: true).scaled(by: 0.5) - matmul(bt, th, transposeA: true)).sum()
        }
        let theta = T([n, 1], theta0).requiringGradient()
        let g = gradient(of: loss(theta), wrt: theta, createGraph: true)
        let adapted = theta - g * alpha
        let meta = gradient(of: loss(adapted), wrt: theta)

        // Closed form, in plain arrays.
        let grad0 = zip(matvec(a, theta0), b).map { $0 - $1 }
        let thetaPrime = zip(theta0, grad0).map { $0 - alpha * $1 }
        let outer = zip(matvec(a, thetaPrime), b).map { $0 - $1 }
        let expected = (0..<n).map { j in (0..<n).reduce(0.0) { $0 + ((j == $1 ? 1 : 0) - alpha * a[$1][j]) * outer[$1] } }
        for (x, y) in zip(meta.scalars, expected) { #expect(abs(x - y) < 1e-12, "meta-gradient \(x) vs \(y)") }
        // Power: the first-order answer ∇L(θ') (no graph through the inner step) differs.
        #expect(zip(meta.scalars, outer).contains { abs($0 - $1) > 1e-3 })
    }

    @Test("Hessian-vector product of a quadratic is A·v")
    func hvpQuadratic() {
        var rng = TestRNG(seed: 12)
        let n = 6
        let a = spd(n, &rng), v = (0..<n).map { _ in rng.uniform(-1, 1) }
        let x = randomTensor([n, 1], &rng).requiringGradient()
        let at = T([n, n], a.flatMap { $0 })
        let loss = matmul(x, matmul(at, x), transposeA: true).scaled(by: 0.5).sum()
        let hv = hessianVectorProducts(of: loss, wrt: [x], vectors: [T([n, 1], v)])[0]
        for (p, q) in zip(hv.scalars, matvec(a, v)) { #expect(abs(p - q) < 1e-12) }
    }

    @Test("Hessian-vector products of a Gaussian-policy loss vs finite differences of gradients")
    func hvpPolicy() {
        var rng = TestRNG(seed: 13)
        let policy = GaussianMLPPolicy<Double>(sizes: [3, 5, 5, 2], using: &rng)
        let obs = randomTensor([4, 3], &rng), actions = randomTensor([4, 2], &rng)
        let advantages = randomTensor([4], &rng)
        let names = policy.parameters.names
        // Policy-gradient surrogate −mean(log π(a|s)·A) over all parameter tensors.
        checkDerivatives("REINFORCE surrogate", policy.parameters.tensors) { tensors in
            let theta = Parameters(names: names, tensors: tensors)
            return -(policy.logLikelihood(actions, given: obs, parameters: theta) * advantages).mean()
        }
    }

    @Test("HVP through an inner policy-gradient step (MAML shape) vs finite differences")
    func hvpThroughInnerStep() {
        var rng = TestRNG(seed: 14)
        let policy = GaussianMLPPolicy<Double>(sizes: [3, 4, 2], using: &rng)
        let obs = randomTensor([5, 3], &rng), actions = randomTensor([5, 2], &rng), adv = randomTensor([5], &rng)
        let names = policy.parameters.names
        checkDerivatives("outer loss after one inner step", policy.parameters.tensors, tolerance: 1e-5) { tensors in
            // Finite differences call this with plain values: make them leaves so the inner
            // gradient exists (tracked inputs stay as they are, keeping the outer graph).
            let theta = Parameters(names: names, tensors: tensors.map { $0.isTracked ? $0 : $0.requiringGradient() })
            let inner = -(policy.logLikelihood(actions, given: obs, parameters: theta) * adv).mean()
            let g = gradients(of: inner, wrt: theta, createGraph: true)
            let adapted = theta - 0.3 * g
            return policy.logLikelihood(actions, given: obs, parameters: adapted).mean()
        }
    }

    @Test("two threads differentiating independent graphs match the sequential results bit for bit")
    func threadSafety() {
        @Sendable func work(_ seed: UInt64) -> [Double] {
            var rng = TestRNG(seed: seed)
            let policy = GaussianMLPPolicy<Double>(sizes: [6, 16, 16, 3], using: &rng)
            let obs = randomTensor([32, 6], &rng), actions = randomTensor([32, 3], &rng)
            var out: [Double] = []
            for _ in 0..<20 {
                let theta = policy.parameters.requiringGradient()
                let loss = policy.logLikelihood(actions, given: obs, parameters: theta).mean()
                let hv = hessianVectorProducts(of: loss, wrt: theta.tensors, vectors: theta.tensors.map { $0.detached() })
                out += hv.flatMap { $0.scalars.prefix(3) }
            }
            return out
        }
        let sequential = [work(1), work(2)]
        let box = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in box.set(i, work(UInt64(i + 1))) }
        #expect(box.values[0] == sequential[0])
        #expect(box.values[1] == sequential[1])
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [[Double]] = [[], []]
    func set(_ i: Int, _ v: [Double]) { lock.lock(); values[i] = v; lock.unlock() }
}
