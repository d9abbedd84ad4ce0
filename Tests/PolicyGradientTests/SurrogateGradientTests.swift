import Testing
import Autodiff
import Numerics
import PolicyGradient
import TestSupport

typealias D = Tensor<Double>

/// A small Double policy [3 → 5 → 2] with generic (non-initial) parameters, a batch of 7 steps
/// whose old policy is a perturbation of θ (so importance ratios differ from 1 and some fall
/// outside PPO's clip range), and θ itself.
struct Fixture {
    let policy: GaussianMLPPolicy<Double>
    let θ: Parameters<Double>
    let batch: PolicyGradientBatch<Double>

    init(seed: UInt64 = 5, oldOffset: Double = 0.3) {
        var rng = RandomSource(seed: seed)
        policy = GaussianMLPPolicy<Double>(sizes: [3, 5, 2], initialStd: 0.7, using: &rng)
        θ = policy.parameters.map { $0 + D.randomNormal($0.shape, std: 0.4, using: &rng) }
        let old = θ.map { $0 + D.randomNormal($0.shape, std: oldOffset, using: &rng) }
        let n = 7
        batch = PolicyGradientBatch(observations: D.randomNormal(.matrix(n, 3), using: &rng),
                                    actions: D.randomNormal(.matrix(n, 2), using: &rng),
                                    advantages: D.randomNormal(.vector(n), using: &rng),
                                    policy: policy, parameters: old)
    }

    /// Reverse-mode gradient of f at θ, flattened, and central differences of f along every
    /// flattened coordinate.
    func compare(_ f: (Parameters<Double>) -> D) -> (analytic: [Double], numeric: [Double]) {
        let θt = θ.requiringGradient()
        let analytic = gradients(of: f(θt), wrt: θt).flattened().scalars
        let numeric = finiteDifferenceGradient(θ.flattened().scalars, h: 1e-6) { x in
            f(θ.unflattened(D(x))).scalar
        }
        return (analytic, numeric)
    }
}

@Suite("Surrogate losses: gradients against finite differences")
struct SurrogateGradientTests {
    let fixture = Fixture()

    @Test("VPG loss")
    func vpg() {
        let (a, n) = fixture.compare { vpgLoss(fixture.policy, parameters: $0, batch: fixture.batch) }
        #expect(maxAbsDifference(a, n) < 1e-7, "\(maxAbsDifference(a, n))")
        #expect(a.contains { abs($0) > 1e-3 })
    }

    @Test("TRPO surrogate")
    func trpo() {
        let (a, n) = fixture.compare { trpoSurrogate(fixture.policy, parameters: $0, batch: fixture.batch) }
        #expect(maxAbsDifference(a, n) < 1e-7, "\(maxAbsDifference(a, n))")
    }

    @Test("PPO clipped loss, with some ratios inside and some outside [1 − ε, 1 + ε]")
    func ppo() {
        let ratios = importanceRatio(fixture.policy, parameters: fixture.θ, batch: fixture.batch).scalars
        #expect(ratios.contains { abs($0 - 1) < 0.2 } && ratios.contains { abs($0 - 1) > 0.2 }, "\(ratios)")
        let (a, n) = fixture.compare { ppoLoss(fixture.policy, parameters: $0, batch: fixture.batch, clipRange: 0.2) }
        #expect(maxAbsDifference(a, n) < 1e-7, "\(maxAbsDifference(a, n))")
    }

    @Test("PPO loss equals the TRPO surrogate's negative where no ratio is clipped (ε large)")
    func ppoUnclipped() {
        let ppo = ppoLoss(fixture.policy, parameters: fixture.θ, batch: fixture.batch, clipRange: 1e6).scalar
        let trpo = trpoSurrogate(fixture.policy, parameters: fixture.θ, batch: fixture.batch).scalar
        #expect(abs(ppo + trpo) < 1e-12)
    }

    @Test("mean KL: gradient, zero with zero gradient at the old policy")
    func kl() {
        let (a, n) = fixture.compare { meanKL(fixture.policy, parameters: $0, batch: fixture.batch) }
        #expect(maxAbsDifference(a, n) < 1e-7, "\(maxAbsDifference(a, n))")
        let same = Fixture(oldOffset: 0)
        #expect(abs(meanKL(same.policy, parameters: same.θ, batch: same.batch).scalar) < 1e-14)
        let (a0, _) = same.compare { meanKL(same.policy, parameters: $0, batch: same.batch) }
        #expect(a0.allSatisfy { abs($0) < 1e-12 })
    }

    @Test("Fisher-vector products: the KL's Hessian at θ_old by finite differences of its gradient; symmetric, PSD")
    func fisherVectorProduct() {
        let f = Fixture(oldOffset: 0)
        let fvp = PolicyGradient.fisherVectorProduct(f.policy, parameters: f.θ, batch: f.batch)
        var rng = RandomSource(seed: 77)
        let p = f.θ.scalarCount
        let v = D.randomNormal(.vector(p), using: &rng), u = D.randomNormal(.vector(p), using: &rng)
        let fv = fvp(v).scalars
        func klGradient(_ x: [Double]) -> [Double] {
            let θt = f.θ.unflattened(D(x)).requiringGradient()
            return gradients(of: meanKL(f.policy, parameters: θt, batch: f.batch), wrt: θt).flattened().scalars
        }
        let x0 = f.θ.flattened().scalars, h = 1e-5
        let plus = klGradient(zip(x0, v.scalars).map { $0 + h * $1 })
        let minus = klGradient(zip(x0, v.scalars).map { $0 - h * $1 })
        let numeric = zip(plus, minus).map { ($0 - $1) / (2 * h) }
        #expect(maxAbsDifference(fv, numeric) < 1e-6, "\(maxAbsDifference(fv, numeric))")
        let uFv = zip(u.scalars, fv).reduce(0) { $0 + $1.0 * $1.1 }
        let vFu = zip(v.scalars, fvp(u).scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(uFv - vFu) < 1e-10 * (1 + abs(uFv)))
        #expect(zip(v.scalars, fv).reduce(0) { $0 + $1.0 * $1.1 } > 0)
    }
}
