import Testing
import Foundation
import Autodiff
import RL
import PolicyGradient
@testable import MetaLearning

/// `adapt` on METAGRAD.md's deterministic wiring example, written as one-step episodes of a
/// Gaussian policy whose mean is a bias (the observation is 0): μ = 0.5, σ = 1, α = 0.1,
/// g = 0.2, actions (1.0, −0.3), r = −(a − g)². Expected values are worked out by hand from
/// the Gaussian score (a − μ)/σ² and log σ score (a − μ)²/σ² − 1, not by the code under test.
/// Episodes store actions in Float (−0.3 becomes −0.3 + 1.2e−8), which moves μ' by ~1e−10:
/// hence 1e−9 where METAGRAD.md's double-precision numbers are compared.
@Suite("MetaLearning: adapt, the inner step as a pure function")
struct AdaptTests {
    let mu = 0.5, alpha = 0.1, goal = 0.2
    let actions: [Double] = [1.0, -0.3]
    var rewards: [Double] { actions.map { -($0 - goal) * ($0 - goal) } }

    /// A [1 → 1] Gaussian policy: mean = weight · 0 + bias = μ, log σ = 0.
    func bandit() -> (GaussianMLPPolicy<Double>, Parameters<Double>) {
        var rng = SystemRandomNumberGenerator()
        let policy = GaussianMLPPolicy<Double>(sizes: [1, 1], initialStd: 1, using: &rng)
        let θ = Parameters<Double>(names: policy.parameters.names,
                                   tensors: [T([1, 1], [0.3]), T([1], [mu]), T([1], [0])])
        return (policy, θ)
    }

    /// K one-step episodes of one task, observation 0.
    func episodes() -> EpisodeBatch {
        var batch = EpisodeBatch(episodeCount: actions.count, horizon: 1, observationSize: 1, actionSize: 1)
        for (k, a) in actions.enumerated() {
            batch.actions[k] = Float(a); batch.rewards[k] = rewards[k]; batch.lengths[k] = 1
        }
        return batch
    }

    @Test("no baseline: μ' = 0.494 and log σ' = 0.0285 (hand-derived), the weight untouched, θ unchanged")
    func plainStep() {
        let (policy, θ) = bandit()
        let adapted = adapt(θ, policy: policy, episodes: episodes(), stepSize: alpha, createGraph: false, baseline: .none)
        #expect(abs(adapted["layer0.bias"].scalars[0] - 0.494) < 1e-9)
        // ∂/∂log σ: mean_k r_k ((a_k − μ)² − 1) = (−0.64·(−0.75) + (−0.25)·(−0.36))/2 = 0.285.
        #expect(abs(adapted["log_std"].scalars[0] - 0.0285) < 1e-9)
        #expect(adapted["layer0.weight"].scalars[0] == 0.3)   // observation 0: no gradient
        #expect(θ["layer0.bias"].scalars[0] == mu)            // a value: the input is not mutated
        #expect(!adapted["layer0.bias"].isTracked)
    }

    @Test("createGraph: ∂μ'/∂μ = 1 + α c̄ (METAGRAD.md, c̄ = 0.445) and agrees with central differences")
    func secondOrder() {
        let (policy, θ) = bandit()
        let tracked = θ.requiringGradient()
        let adapted = adapt(tracked, policy: policy, episodes: episodes(), stepSize: alpha, createGraph: true, baseline: .none)
        let d = gradient(of: adapted["layer0.bias"].sum(), wrt: tracked["layer0.bias"]).scalars[0]
        #expect(abs(d - 1.0445) < 1e-9)
        // Central differences of the untracked function (an independent path; error O(h²)).
        let h = 1e-5
        func biasAfter(_ b: Double) -> Double {
            let p = Parameters<Double>(names: θ.names, tensors: [θ.tensors[0], T([1], [b]), θ.tensors[2]])
            return adapt(p, policy: policy, episodes: episodes(), stepSize: alpha, createGraph: false, baseline: .none)["layer0.bias"].scalars[0]
        }
        #expect(abs((biasAfter(mu + h) - biasAfter(mu - h)) / (2 * h) - d) < 1e-8)
        // First order: the step is a constant, so ∂μ'/∂μ = 1 exactly.
        let firstOrder = adapt(tracked, policy: policy, episodes: episodes(), stepSize: alpha, createGraph: false, baseline: .none)
        #expect(abs(firstOrder["layer0.bias"].scalars[0] - 0.494) < 1e-9)
        #expect(gradient(of: firstOrder["layer0.bias"].sum(), wrt: tracked["layer0.bias"]).scalars[0] == 1)
    }

    @Test("linear baseline: with a constant observation it is the mean return (ridge 1e-5), so Ψ = r − r̄")
    func linearBaseline() {
        let (policy, θ) = bandit()
        let adapted = adapt(θ, policy: policy, episodes: episodes(), stepSize: alpha, createGraph: false, baseline: .linear)
        let mean = rewards.reduce(0, +) / 2
        let step = zip(actions, rewards).map { a, r in (r - mean) * (a - mu) }.reduce(0, +) / 2
        // Ridge λ = 1e-5 shifts the fitted constant by r̄·λ/K ≈ 2e-6, moving μ' by < 1e-6.
        #expect(abs(adapted["layer0.bias"].scalars[0] - (mu + alpha * step)) < 1e-6)
    }

    @Test("two steps reuse the episodes: the second step is taken at (μ', σ') by the Gaussian scores")
    func twoSteps() {
        let (policy, θ) = bandit()
        let adapted = adapt(θ, policy: policy, episodes: episodes(), stepSize: alpha, steps: 2, createGraph: false, baseline: .none)
        let mu1 = 0.494, logStd1 = 0.0285   // the first step, checked in plainStep
        let variance1 = exp(2 * logStd1)
        let gMu = zip(actions, rewards).map { a, r in r * (a - mu1) / variance1 }.reduce(0, +) / 2
        let gLogStd = zip(actions, rewards).map { a, r in r * ((a - mu1) * (a - mu1) / variance1 - 1) }.reduce(0, +) / 2
        #expect(abs(adapted["layer0.bias"].scalars[0] - (mu1 + alpha * gMu)) < 1e-9)
        #expect(abs(adapted["log_std"].scalars[0] - (logStd1 + alpha * gLogStd)) < 1e-9)
    }
}

typealias T = Tensor<Double>
