import Testing
import Autodiff
import Numerics
import PolicyGradient
import RL

/// One step: observation 0, reward −(a − g)² with g the task; actions unclipped in practice (±10).
private struct Bandit: Environment {
    let spec = EnvironmentSpec(name: "bandit", observationNames: ["zero"], action: BoxSpace(size: 1, bound: 10),
                               horizon: 1, controlPeriod: 0)
    func reset(task: Double, rng: inout RandomSource) -> Double { task }
    func step(_ goal: inout Double, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        let a = spec.action.clip(action[0], 0)
        return StepOutcome(reward: -(a - goal) * (a - goal))
    }
    func observe(_ goal: Double, into o: UnsafeMutableBufferPointer<Float>) { o[0] = 0 }
}

@Suite("Policy-gradient estimate, end to end")
struct PolicyGradientEstimateTests {
    @Test("sampler → returns → batch → ∇ vpgLoss estimates −∇J for a Gaussian bandit, J(μ, σ) = −(μ − g)² − σ²")
    func banditGradient() {
        // A linear policy on a zero observation: μ is the output bias, σ = 0.5; g = −0.5, so
        // d = μ − g = 0.5. ∂J/∂μ = −2d = −1 and ∂J/∂log σ = −2σ² = −0.5.
        var config = TrainingConfig.defaults(for: .vpg)
        config.policy = PolicyConfig(hiddenSizes: [], initialStd: 0.5)
        config.baseline = .none
        config.normalizeAdvantages = false
        var learner = PolicyGradientLearner(config: config, spec: Bandit().spec, seed: 3)
        let n = 20_000
        let episodes = Sampler(Bandit(), threads: 2).sample(learner.sampler, tasks: [-0.5], episodesPerTask: n, seed: 4)
        let batch = learner.trainingBatch(episodes, advantages: learner.advantages(episodes))
        let θ = learner.parameters.requiringGradient()
        let g = gradients(of: vpgLoss(learner.policy, parameters: θ, batch: batch), wrt: θ)
        // Per-episode variances of the two score-function terms (Gaussian moments, σ = d = 0.5,
        // z ~ N(0, 1)): μ: 15σ² + 18d² + d⁴/σ² − 4d² = 7.5; log σ: Var[(z² − 1)(σz + d)²] = 8.5.
        // Standard errors √(7.5/n) ≈ 0.019 and √(8.5/n) ≈ 0.021; tolerances ≈ 5 of them.
        #expect(abs(Double(g["layer0.bias"].scalar) - 1.0) < 0.1, "∂/∂μ \(g["layer0.bias"].scalar)")
        #expect(abs(Double(g["log_std"].scalar) - 0.5) < 0.1, "∂/∂log σ \(g["log_std"].scalar)")
        _ = learner.update(episodes)
    }
}
