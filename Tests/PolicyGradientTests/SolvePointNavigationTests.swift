import Foundation
import Testing
import Autodiff
import Numerics
import PolicyGradient
import Robotics
import RL
import Collectives

/// The fixed goal of the solve tests: off-diagonal (not reachable by saturated ±0.1 steps alone),
/// 0.49 from the start, at least 5 steps away.
let fixedGoal = PointNavigationTask(goal: SIMD2(0.27, -0.41))

/// The documented budget: each algorithm, with `solveConfig` (20 episodes per iteration), must
/// reach ≥ 95% success within this many iterations (1,000 episodes, ≤ 100,000 steps). Measured
/// (seed 1): all three evaluate at 100% success after it.
let solveBudget = 50

/// The defaults with σ₀ = 0.3 (three times the ±0.1 action bound) instead of 1: with σ₀ = 1 nearly
/// every sampled action is clipped, the log-likelihood of the unclipped sample says little about
/// σ, and VPG then hovers at 85–98% success across seeds (measured) instead of converging.
func solveConfig(_ algorithm: Algorithm) -> TrainingConfig {
    var config = TrainingConfig.defaults(for: algorithm)
    config.policy.initialStd = 0.3
    return config
}

@Suite("Learning point-navigation with a fixed goal")
struct SolvePointNavigationTests {
    @Test("each algorithm's policy succeeds in ≥ 95% of 100 fresh episodes after the budget; its return rises",
          arguments: Algorithm.allCases)
    func solves(_ algorithm: Algorithm) {
        let config = solveConfig(algorithm)
        let run = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: solveBudget,
                              seed: 1, threads: 2)
        // Judged on 100 new episodes of the final (stochastic) policy, not on one 20-episode batch.
        let evaluation = Sampler(PointNavigation(), threads: 2).sample(run.learner.sampler, tasks: [fixedGoal],
                                                                       episodesPerTask: 100, seed: 1234)
        #expect(evaluation.successRate >= 0.95, "\(algorithm): success \(evaluation.successRate)")
        // Returns: the random initial policy wanders (about −100 per episode); a solved one reaches
        // the goal's 0.05-neighbourhood in ~5 steps and pays the small residual distance after.
        #expect(run.curve.first!.averageReturn < -50 && evaluation.averageReturn > -20,
                "\(algorithm): returns \(run.curve.first!.averageReturn) → \(evaluation.averageReturn)")
    }

    @Test("the same seed gives identical learning curves and weights at 1 and 2 threads", arguments: Algorithm.allCases)
    func threadInvariance(_ algorithm: Algorithm) {
        var config = TrainingConfig.defaults(for: algorithm)
        config.baseline = algorithm == .ppo ? .mlp : .linear   // the MLP baseline's fit too
        let one = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 6, seed: 8, threads: 1)
        let two = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 6, seed: 8, threads: 2)
        #expect(one.curve == two.curve)
        #expect(one.learner.parameters.flattened().scalars == two.learner.parameters.flattened().scalars)
        let other = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 6, seed: 9, threads: 2)
        #expect(other.curve != one.curve)
    }

    @Test("episodes spread over 3 ranks (in-process, 20 episodes: 6, 7, 7): every rank ends bit-identical to one process",
          arguments: Algorithm.allCases)
    func ranks(_ algorithm: Algorithm) {
        let config = TrainingConfig.defaults(for: algorithm)
        let one = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 3, seed: 8)
        let runs = LocalGroup(size: 3).run { world in
            trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 3, seed: 8, world: world)
        }
        for run in runs {
            #expect(run.curve == one.curve)
            #expect(run.learner.parameters.flattened().scalars == one.learner.parameters.flattened().scalars)
        }
    }
}

@Suite("TRPO's trust region")
struct TRPOTrustRegionTests {
    /// The KL between two diagonal Gaussians per state, written out in Double from the policies'
    /// means and σ, averaged: KL = Σ_j [log σq/σp + (σp² + (μp − μq)²)/(2σq²) − ½].
    func independentKL(_ policy: GaussianMLPPolicy<Float>, _ old: Parameters<Float>, _ new: Parameters<Float>,
                       _ observations: Tensor<Float>) -> Double {
        let p = policy.distribution(observations, parameters: old), q = policy.distribution(observations, parameters: new)
        let mp = p.mean.scalars, mq = q.mean.scalars, sp = p.logStd.scalars.map { exp(Double($0)) }
        let sq = q.logStd.scalars.map { exp(Double($0)) }
        let rows = observations.shape[0], d = sp.count
        var total = 0.0
        for r in 0..<rows {
            for j in 0..<d {
                let dm = Double(mp[r * d + j]) - Double(mq[r * d + j])
                total += log(sq[j] / sp[j]) + (sp[j] * sp[j] + dm * dm) / (2 * sq[j] * sq[j]) - 0.5
            }
        }
        return total / Double(rows)
    }

    @Test("after an update the mean KL is within δ (Fisher on all states or every 5th), the step is not trivially small, and the surrogate improves",
          arguments: [(0.01, 1), (0.001, 1), (0.01, 5)])
    func klWithinBound(_ delta: Double, _ fisherSubsample: Int) {
        var config = TrainingConfig.defaults(for: .trpo)
        config.trpo.maxKL = delta
        config.trpo.fisherSubsample = fisherSubsample
        // A few iterations in, so the policy is no longer the initial one.
        let warm = trainPolicy(environment: PointNavigation(), task: fixedGoal, config: config, iterations: 3, seed: 4)
        var learner = warm.learner
        let episodes = Sampler(PointNavigation()).sample(learner.sampler, tasks: [fixedGoal], episodesPerTask: 20, seed: 11)
        let batch = learner.trainingBatch(episodes, advantages: learner.advantages(episodes))
        let step = trpoStep(learner.policy, parameters: learner.parameters, batch: batch, config: config.trpo)
        #expect(step.accepted)
        let kl = independentKL(learner.policy, learner.parameters, step.parameters, batch.observations)
        #expect(kl <= delta * 1.001, "KL \(kl) > δ \(delta)")   // 0.1%: Float rounding of the two evaluations
        // The step is scaled to the quadratic model's δ and at most 15 backtracks of 0.8 away.
        #expect(kl > delta * 0.01, "KL \(kl): no real step")
        #expect(step.surrogateAfter > step.surrogateBefore)
        _ = learner.update(episodes)
    }
}

@Suite("MLP value baseline")
struct MLPValueBaselineTests {
    @Test("regression on returns: the error falls well below the returns' variance")
    func fits() {
        var rng = RandomSource(seed: 3)
        var batch = EpisodeBatch(episodeCount: 8, horizon: 20, observationSize: 2, actionSize: 2)
        batch.lengths = [20, 20, 15, 20, 12, 20, 20, 18]
        var returns = [Double](repeating: 0, count: 160)
        for e in 0..<8 {
            for t in 0..<batch.lengths[e] {
                let x = rng.uniform(-0.5, 0.5), y = rng.uniform(-0.5, 0.5)
                batch.observations[(e * 20 + t) * 2] = Float(x); batch.observations[(e * 20 + t) * 2 + 1] = Float(y)
                returns[e * 20 + t] = -20 * (x * x + y * y).squareRoot() - 0.3 * Double(t)
            }
        }
        var config = TrainingConfig.defaults(for: .ppo).valueFunction
        config.stepsPerIteration = 300
        var baseline = MLPValueBaseline(config: config, observationSize: 2, rng: &rng)
        baseline.fit(batch, returns: returns)
        let v = baseline.predict(batch)
        var sse = 0.0, sst = 0.0, n = 0.0, mean = 0.0
        for e in 0..<8 { for t in 0..<batch.lengths[e] { mean += returns[e * 20 + t]; n += 1 } }
        mean /= n
        for e in 0..<8 {
            for t in 0..<batch.lengths[e] {
                sse += (v[e * 20 + t] - returns[e * 20 + t]) * (v[e * 20 + t] - returns[e * 20 + t])
                sst += (returns[e * 20 + t] - mean) * (returns[e * 20 + t] - mean)
            }
        }
        #expect(sse < 0.1 * sst, "R² = \(1 - sse / sst)")
    }
}
