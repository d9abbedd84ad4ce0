import Testing
import Foundation
import Autodiff

@Suite("Distributions, parameters, optimizers, conjugate gradient")
struct StatisticsAndOptimizerTests {
    @Test("Gaussian log-likelihood: closed form per dimension, and it integrates to 1")
    func logLikelihood() {
        let mean = T([2, 2], [0.3, -1, 0, 2]), logStd = T([2], [log(0.5), log(2)])
        let a = T([2, 2], [1, 0, -0.5, 2.5])
        let lp = DiagonalGaussian.logLikelihood(a, mean: mean, logStd: logStd).scalars
        func log1D(_ x: Double, _ m: Double, _ s: Double) -> Double { -0.5 * pow((x - m) / s, 2) - log(s) - 0.5 * log(2 * Double.pi) }
        #expect(abs(lp[0] - (log1D(1, 0.3, 0.5) + log1D(0, -1, 2))) < 1e-12)
        #expect(abs(lp[1] - (log1D(-0.5, 0, 0.5) + log1D(2.5, 2, 2))) < 1e-12)
        // ∫∫ exp(log p) over a ±10σ grid, midpoint rule: 1.
        let n = 400, h1 = 10.0 / Double(n), h2 = 40.0 / Double(n)
        var pts: [Double] = []
        for i in 0..<n { for j in 0..<n { pts += [-5 + (Double(i) + 0.5) * h1, -20 + (Double(j) + 0.5) * h2] } }
        let grid = T([n * n, 2], pts)
        let mass = DiagonalGaussian.logLikelihood(grid, mean: T([2], [0, 0]), logStd: logStd).exp().sum().scalar * h1 * h2
        #expect(abs(mass - 1) < 1e-6)
    }

    @Test("entropy and KL against closed forms and numerical integration")
    func entropyAndKL() {
        let logStd = T([3], [log(0.5), 0, log(3)])
        let h = DiagonalGaussian.entropy(logStd: logStd).scalar
        let expected = [0.5, 1, 3].reduce(0.0) { $0 + 0.5 * log(2 * Double.pi * M_E * $1 * $1) }
        #expect(abs(h - expected) < 1e-12)

        let mp = T([1, 2], [0.2, -1]), sp = T([2], [log(0.7), log(1.5)])
        let mq = T([1, 2], [-0.4, 0.5]), sq = T([2], [log(1.2), log(0.8)])
        let kl = DiagonalGaussian.klDivergence(meanP: mp, logStdP: sp, meanQ: mq, logStdQ: sq).scalar
        // Per dimension ∫ p log(p/q) by the midpoint rule over μp ± 12σp.
        func kl1D(_ m1: Double, _ s1: Double, _ m2: Double, _ s2: Double) -> Double {
            let n = 200_000, lo = m1 - 12 * s1, step = 24 * s1 / Double(n)
            var acc = 0.0
            for i in 0..<n {
                let x = lo + (Double(i) + 0.5) * step
                let lp = -0.5 * pow((x - m1) / s1, 2) - log(s1), lq = -0.5 * pow((x - m2) / s2, 2) - log(s2)
                acc += exp(lp - 0.5 * log(2 * Double.pi)) * (lp - lq) * step
            }
            return acc
        }
        let numeric = kl1D(0.2, 0.7, -0.4, 1.2) + kl1D(-1, 1.5, 0.5, 0.8)
        #expect(abs(kl - numeric) < 1e-8)
        let self_ = DiagonalGaussian.klDivergence(meanP: mp, logStdP: sp, meanQ: mp, logStdQ: sp).scalar
        #expect(abs(self_) < 1e-15)
    }

    @Test("parameters flatten and unflatten round-trip; arithmetic makes new values")
    func parameters() {
        let p = Parameters<Double>(["w": T([2, 2], [1, 2, 3, 4]), "b": T([3], [5, 6, 7])])
        let flat = p.flattened()
        #expect(flat.scalars == [1, 2, 3, 4, 5, 6, 7])
        let back = p.unflattened(flat)
        #expect(back.names == ["w", "b"] && back["w"].shape == [2, 2] && back["b"].scalars == [5, 6, 7])
        let q = p - 0.5 * p
        #expect(q["w"].scalars == [0.5, 1, 1.5, 2])
        #expect(p["w"].scalars == [1, 2, 3, 4])   // unchanged
        // A gradient through flatten → unflatten lands back in the right places.
        let tracked = p.requiringGradient()
        let v = tracked.unflattened(tracked.flattened().scaled(by: 3))
        let g = gradients(of: (v["w"] * v["w"]).sum() + v["b"].sum(), wrt: tracked)
        #expect(g["w"].scalars == [18, 36, 54, 72] && g["b"].scalars == [3, 3, 3])
    }

    @Test("SGD with momentum and Adam against hand-computed steps")
    func optimizers() {
        let p = Parameters<Double>(["x": T([2], [1, 2])])
        let sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9)
        let (p1, s1) = sgd.step(p, gradient: Parameters(["x": T([2], [0.5, -1])]), state: .init())
        #expect(zip(p1["x"].scalars, [0.95, 2.1]).allSatisfy { abs($0 - $1) < 1e-15 })
        let (p2, _) = sgd.step(p1, gradient: Parameters(["x": T([2], [1, 1])]), state: s1)
        // v = 0.9·(0.5, −1) + (1, 1) = (1.45, 0.1); x = (0.95 − 0.145, 2.1 − 0.01).
        #expect(zip(p2["x"].scalars, [0.805, 2.09]).allSatisfy { abs($0 - $1) < 1e-15 })

        let adam = Adam<Double>(learningRate: 0.1)
        let q = Parameters<Double>(["x": T([1], [1])])
        let (q1, a1) = adam.step(q, gradient: Parameters(["x": T([1], [0.5])]), state: adam.initialState(for: q))
        // t = 1: m̂ = g, v̂ = g², step = lr·g/(|g| + ε).
        #expect(abs(q1["x"].scalar - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-15)
        let (q2, a2) = adam.step(q1, gradient: Parameters(["x": T([1], [-1])]), state: a1)
        // t = 2: m = −0.055, v = 0.00124975; m̂ = m/0.19, v̂ = v/0.001999 (computed by hand).
        #expect(abs(q2["x"].scalar - 0.9366103542405654) < 1e-12)
        #expect(a2.step == 2)
    }

    @Test("conjugate gradient solves an SPD system (with and without damping) to tolerance")
    func conjugateGradientSolve() {
        var rng = TestRNG(seed: 21)
        let n = 20
        let m = randomTensor([n, n], &rng)
        let a = matmul(m, m, transposeB: true) + identity(n)
        let b = randomTensor([n, 1], &rng)
        for damping in [0.0, 0.5] {
            let r = conjugateGradient(b, damping: damping, maxIterations: 200, residualTolerance: 1e-10) { matmul(a, $0) }
            let residual = matmul(a, r.solution) + r.solution * damping - b
            let norm = residual.square().sum().scalar.squareRoot()
            #expect(r.converged && norm < 1e-9, "damping \(damping): ‖Ax − b‖ = \(norm)")
            #expect(r.iterations <= 3 * n)
        }
        // With a budget of 2 iterations it stops early and says so.
        let short = conjugateGradient(b, maxIterations: 2) { matmul(a, $0) }
        #expect(short.iterations == 2 && !short.converged)
    }

    func identity(_ n: Int) -> T { T([n, n], (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 }) }
}

@Suite("Training end to end in Float")
struct TrainingTests {
    @Test("Adam fits sin(x) on [−π, π] with a tanh MLP in Float (MSE < 2e−3 from ≈ 0.5)")
    func fitSine() {
        var rng = TestRNG(seed: 41)
        var net = MLP<Float>(sizes: [1, 32, 32, 1], outputScale: 0.01, using: &rng)   // output ≈ 0 at start
        let xs = (0..<128).map { Float(-Double.pi + 2 * Double.pi * Double($0) / 127) }
        let x = Tensor<Float>([128, 1], xs), y = Tensor<Float>([128, 1], xs.map { Float(Foundation.sin(Double($0))) })
        let adam = Adam<Float>(learningRate: 0.01)
        var state = adam.initialState(for: net.parameters)
        func mse(_ θ: Parameters<Float>) -> Tensor<Float> { (net(x, parameters: θ) - y).square().mean() }
        let initial = mse(net.parameters).scalar
        for _ in 0..<1500 {
            let θ = net.parameters.requiringGradient()
            let g = gradients(of: mse(θ), wrt: θ)
            (net.parameters, state) = adam.step(net.parameters, gradient: g, state: state)
        }
        let final = mse(net.parameters).scalar
        #expect(abs(initial - 0.496) < 0.01)   // mean of sin² over the grid: the untrained output is ≈ 0
        #expect(final < 2e-3, "final MSE \(final)")
    }

    @Test("global-norm clipping: ‖θ‖ = 13 for (3, 4, 12), scaled to the limit only when above it")
    func clipping() {
        let p = Parameters<Double>(["a": T([2], [3, 4]), "b": T([1], [12])])
        #expect(p.squaredNorm == 169)
        let c = p.clippedByGlobalNorm(6.5)
        #expect(c["a"].scalars == [1.5, 2] && c["b"].scalars == [6])
        #expect(p.clippedByGlobalNorm(20)["b"].scalars == [12])
    }
}
