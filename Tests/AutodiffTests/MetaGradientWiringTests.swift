import Testing
import Foundation
import Autodiff

/// The deterministic wiring check of /work/shared/METAGRAD.md: one-step Gaussian policy, K = 2
/// pre-update actions, M = 1 post-update action, every estimator's meta-gradient against the
/// values given there (derived by hand from the closed forms, float64 agreement ≈ 1e−12).
@Suite("MAML estimators: METAGRAD.md deterministic wiring check")
struct MetaGradientWiringTests {
    let alpha = 0.1, goal = 0.2
    let logStd = T([1], [0])                               // σ = 1, not learned
    let actions = T([2, 1], [1.0, -0.3])                   // pre-update a_k
    var rewards: T { (actions.reshaped([2]) - goal).square().scaled(by: -1) }   // r(a) = −(a − g)²

    /// □(x) = exp(x − ⊥x): value 1, derivative that of x (DiCE).
    func magicBox(_ x: T) -> T { (x - x.stopGradient()).exp() }

    func logProbabilities(_ a: T, _ mu: T) -> T { DiagonalGaussian.logLikelihood(a, mean: mu, logStd: logStd) }

    /// μ' = μ + α ∇μ inner(μ), the graph kept.
    func adapt(_ mu: T, inner: (T) -> T) -> T {
        mu + gradient(of: inner(mu), wrt: mu, createGraph: true).scaled(by: alpha)
    }

    @Test("intermediates, and the exact, naive, LVC and first-order meta-gradients")
    func wiring() {
        let mu = T([1], [0.5]).requiringGradient()
        let plainInner: (T) -> T = { (self.logProbabilities(self.actions, $0) * self.rewards).mean() }
        let muPrime = adapt(mu, inner: plainInner)
        #expect(abs(muPrime.scalar - 0.494) < 1e-15)
        // Post-update action sampled at μ' with no gradient path through the sample.
        let actionPrime = T([1, 1], [muPrime.detached().scalar + 0.4])
        let rewardPrime = (actionPrime.reshaped([1]) - goal).square().scaled(by: -1)
        #expect(abs(rewardPrime.scalar - -0.481636) < 1e-12)

        let logPrime = logProbabilities(actionPrime, muPrime)
        // Exact (full-graph DiCE): □(log π_θ'(τ') + Σ_k log π_θ(τ_k)) R(τ').
        let exact = (magicBox(logPrime + logProbabilities(actions, mu).sum()) * rewardPrime).mean()
        // Naive: log-likelihood × return in the outer loop, differentiated through the inner step.
        let naive = (logPrime * rewardPrime).mean()
        #expect(abs(gradient(of: exact, wrt: mu).scalar - -0.0567367208) < 1e-10)
        #expect(abs(gradient(of: naive, wrt: mu).scalar - -0.2012275208) < 1e-10)
        // First order: the outer gradient at μ' (a gradient with respect to an intermediate).
        #expect(abs(gradient(of: naive, wrt: muPrime).scalar - -0.1926544) < 1e-10)

        // LVC = inner-loss DiCE in a one-step problem: inner objective mean_k □(log π(a_k)) r_k.
        let lvcInner: (T) -> T = { (self.magicBox(self.logProbabilities(self.actions, $0)) * self.rewards).mean() }
        let muLVC = adapt(mu, inner: lvcInner)
        #expect(abs(muLVC.scalar - 0.494) < 1e-15)          // same step as the plain surrogate
        let lvcOuter = (logProbabilities(actionPrime, muLVC) * rewardPrime).mean()
        #expect(abs(gradient(of: lvcOuter, wrt: mu).scalar - -0.1981450504) < 1e-10)
    }
}
