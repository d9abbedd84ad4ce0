import Testing
import Foundation
import Numerics
import PolicyGradient
import Robotics
import RL
@testable import MetaLearning

/// The canary's settings: a small policy and meta-batch so that meta-training takes seconds.
/// α = 3e−4 on `adapt`'s per-episode objective (a sum over ≤ 100 steps, so ≈ 0.03 on a per-step
/// mean): measured on this task, 1e−3 and 1e−2 overshoot (the post-update return falls below the
/// pre-update one at the first iterations), 3e−4 does not. σ₀ = 0.3, as in the single-task solve
/// tests (σ₀ = 1 clips nearly every action to the ±0.1 bound).
func canaryConfig(_ algorithm: MetaAlgorithm = .mamlTRPO, tasks: Int = 20, episodes: Int = 10) -> MetaConfig {
    var config = MetaConfig.pointNavigation(algorithm)
    #expect(config.stepSize == 3e-4 && config.policy == PolicyConfig(hiddenSizes: [32, 32], initialStd: 0.3))
    config.metaBatchSize = tasks; config.preEpisodes = episodes; config.postEpisodes = episodes
    return config
}

func meanAndStandardError(_ x: [Double]) -> (mean: Double, se: Double) {
    let n = Double(x.count), mean = x.reduce(0, +) / n
    let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, (variance / n).squareRoot())
}

@Suite("MetaLearning: MAML-TRPO on point-navigation with hidden goals")
struct CanaryTests {
    @Test("deterministic per seed: 1 and 2 sampler threads give bit-identical curves and parameters")
    func determinism() {
        let config = canaryConfig(tasks: 4, episodes: 4)
        let one = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config, iterations: 2, seed: 3, threads: 1)
        let two = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config, iterations: 2, seed: 3, threads: 2)
        #expect(one.curve == two.curve)
        #expect(one.learner.parameters.flattened().scalars == two.learner.parameters.flattened().scalars)
        #expect(one.curve.contains { $0.accepted })   // the parameters did move
        let other = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config, iterations: 2, seed: 4, threads: 2)
        #expect(other.learner.parameters.flattened().scalars != one.learner.parameters.flattened().scalars)
    }

    @Test("after meta-training, on 40 held-out goals one adaptation step raises the return (MAML Fig. 4 behaviour)")
    func adaptationHelps() {
        var rng = RandomSource(seed: 99)
        let heldout = (0..<40).map { _ in PointNavigationTasks().sample(.heldout, rng: &rng) }
        let config = canaryConfig()
        // Zero iterations: the same initial θ the run starts from.
        let untrained = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config,
                                  iterations: 0, seed: 1).learner
        let run = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config,
                            iterations: 20, seed: 1, threads: 2)
        let settings = MetaTestSettings(adaptEpisodes: 10, adaptSteps: 1, evalEpisodes: 10)
        let start = metaTest(MetaLearnedAdaptation(untrained), environment: PointNavigation(), tasks: heldout,
                             settings: settings, seed: 5, threads: 2)
        let e = metaTest(MetaLearnedAdaptation(run.learner), environment: PointNavigation(), tasks: heldout,
                         settings: settings, seed: 5, threads: 2)
        // Paired over tasks: post − pre, more than 4 standard errors above 0.
        let (gain, se) = meanAndStandardError(zip(e.returns[1], e.returns[0]).map { $0 - $1 })
        #expect(gain > 4 * se, "adaptation gain \(gain) ± \(se)")
        // And the adapted policy beats the untrained one's return on the same goals (it is not
        // a gain from having learned to start badly).
        let (post, postSE) = meanAndStandardError(e.returns[1])
        let (initial, initialSE) = meanAndStandardError(start.returns[0])
        #expect(post - initial > 2 * (postSE * postSE + initialSE * initialSE).squareRoot(),
                "post-update \(post) ± \(postSE) vs untrained \(initial) ± \(initialSE)")
    }
}
