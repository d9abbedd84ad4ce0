import Foundation
import Testing
import Autodiff
import Numerics
import PolicyGradient
import RL

@Suite("Gaussian policy sampler")
struct PolicySamplerTests {
    @Test("sampled actions have the policy's mean and σ per coordinate; the deterministic sampler returns the mean")
    func moments() {
        var rng = RandomSource(seed: 21)
        var policy = GaussianMLPPolicy<Float>(config: PolicyConfig(hiddenSizes: [8], initialStd: 1),
                                              observationSize: 2, actionSize: 2, using: &rng)
        // σ = (0.5, 2): distinct per coordinate, so a swapped index would show.
        let logStd = Tensor<Float>([Float(log(0.5)), Float(log(2.0))])
        policy.parameters = Parameters(names: policy.parameters.names,
                                       tensors: Array(policy.parameters.tensors.dropLast()) + [logStd])
        let rows = 20_000
        let obs = [Float](repeating: 0.3, count: rows * 2)   // one state, many draws
        var actions = [Float](repeating: 0, count: rows * 2)
        let sampler = GaussianPolicySampler(policy: policy, parameters: policy.parameters)
        obs.withUnsafeBufferPointer { o in actions.withUnsafeMutableBufferPointer { a in
            sampler.act(observations: o, rows: rows, actions: a, rng: &rng)
        } }
        let mean = policy.distribution(Tensor(shape: .matrix(1, 2), scalars: [0.3, 0.3]), parameters: policy.parameters).mean.scalars
        for j in 0..<2 {
            let xs = stride(from: j, to: rows * 2, by: 2).map { Double(actions[$0]) }
            let m = xs.reduce(0, +) / Double(rows)
            let sd = (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(rows - 1)).squareRoot()
            let sigma = j == 0 ? 0.5 : 2.0
            // Standard errors: σ/√n for the mean (≤ 0.014), σ/√(2n) for σ (≤ 0.01); 5 of each.
            #expect(abs(m - Double(mean[j])) < 5 * sigma / Double(rows).squareRoot(), "coordinate \(j): mean \(m)")
            #expect(abs(sd - sigma) < 5 * sigma / (2 * Double(rows)).squareRoot(), "coordinate \(j): σ \(sd)")
        }
        let greedy = GaussianPolicySampler(policy: policy, parameters: policy.parameters, deterministic: true)
        var one = [Float](repeating: 0, count: 2)
        [Float(0.3), 0.3].withUnsafeBufferPointer { o in one.withUnsafeMutableBufferPointer { a in
            greedy.act(observations: o, rows: 1, actions: a, rng: &rng)
        } }
        #expect(one == mean)
    }
}

@Suite("Learner safeguards")
struct LearnerSafeguardTests {
    @Test("an exploding step (Adam rate 1e38) is rejected instead of leaving non-finite weights")
    func nonFiniteStepRejected() {
        var config = TrainingConfig.defaults(for: .vpg)
        config.vpg.learningRate = 1e38
        config.policy.hiddenSizes = [8]
        var learner = PolicyGradientLearner(config: config, spec: PointNavigationLikeSpec.spec, seed: 1)
        var rejected = false
        for k in 0..<4 {
            let episodes = Sampler(PointNavigationLikeSpec()).sample(learner.sampler, tasks: [0], episodesPerTask: 4, seed: UInt64(k))
            let stats = learner.update(episodes)
            if !stats.accepted { rejected = true }
            let finite = learner.parameters.flattened().scalars.allSatisfy { $0.isFinite }
            #expect(finite, "iteration \(k)")
        }
        #expect(rejected)
    }
}

/// A minimal 2-D environment for the safeguard test (reward −|x|², 10 steps).
private struct PointNavigationLikeSpec: Environment {
    static let spec = EnvironmentSpec(name: "plane", observationNames: ["x", "y"], action: BoxSpace(size: 2, bound: 1),
                                      horizon: 10, controlPeriod: 0)
    var spec: EnvironmentSpec { Self.spec }
    func reset(task: Int, rng: inout RandomSource) -> SIMD2<Double> { SIMD2(rng.uniform(-1, 1), rng.uniform(-1, 1)) }
    func step(_ s: inout SIMD2<Double>, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        s.x += spec.action.clip(action[0], 0); s.y += spec.action.clip(action[1], 1)
        return StepOutcome(reward: -(s * s).sum())
    }
    func observe(_ s: SIMD2<Double>, into o: UnsafeMutableBufferPointer<Float>) { o[0] = Float(s.x); o[1] = Float(s.y) }
}

@Suite("TrainingConfig")
struct TrainingConfigTests {
    @Test("every algorithm's defaults validate and survive a JSON round trip")
    func defaults() throws {
        for algorithm in Algorithm.allCases {
            let config = TrainingConfig.defaults(for: algorithm)
            try config.validate()
            let decoded = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config))
            #expect(decoded == config)
        }
    }

    @Test("out-of-range fields are named")
    func invalid() {
        var c = TrainingConfig.defaults(for: .trpo)
        c.trpo.backtrackRatio = 1
        #expect(throws: TrainingConfig.InvalidField(field: "trpo.backtrackRatio", problem: "expected 0 < r < 1, found 1.0")) { try c.validate() }
        c = TrainingConfig.defaults(for: .trpo)
        c.discount = -0.1
        #expect { try c.validate() } throws: { ($0 as? TrainingConfig.InvalidField)?.field == "discount" }
        c = TrainingConfig.defaults(for: .trpo)
        c.policy.initialStd = .nan
        #expect { try c.validate() } throws: { ($0 as? TrainingConfig.InvalidField)?.field == "policy.initialStd" }
    }
}
