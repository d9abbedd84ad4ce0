import Testing
import Foundation
import Autodiff
import Numerics
import PolicyGradient
import Robotics
import RL
@testable import MetaLearning

// The meta-test protocol and its baselines, on point-navigation where the right answer is known:
// a goal-seeking policy must come out of fine-tuning on goal-revealing episodes.

@Suite("MetaLearning: the meta-test protocol and the baselines")
struct MetaTestTests {
    let environment = PointNavigation()

    func heldout(_ n: Int) -> [PointNavigationTask] {
        var rng = RandomSource(seed: 42)
        return (0..<n).map { _ in PointNavigationTasks().sample(.heldout, rng: &rng) }
    }

    @Test("scores have one row per step and one column per task, identical at 1 and 2 threads and per seed")
    func shapeAndDeterminism() {
        let learner = initialMetaLearner(config: MetaConfig.pointNavigation(.mamlTRPO), spec: environment.spec, seed: 1)
        let settings = MetaTestSettings(adaptEpisodes: 3, adaptSteps: 2, evalEpisodes: 2)
        let one = metaTest(MetaLearnedAdaptation(learner), environment: environment, tasks: heldout(5), settings: settings, seed: 7, threads: 1)
        let two = metaTest(MetaLearnedAdaptation(learner), environment: environment, tasks: heldout(5), settings: settings, seed: 7, threads: 2)
        #expect(one == two)
        #expect(one.method == "maml-trpo")
        #expect(one.returns.count == 3 && one.returns.allSatisfy { $0.count == 5 })
        #expect(one.successRates.count == 3 && one.successRates.joined().allSatisfy { (0...1).contains($0) })
        let other = metaTest(MetaLearnedAdaptation(learner), environment: environment, tasks: heldout(5), settings: settings, seed: 8)
        #expect(other.returns != one.returns)
    }

    @Test("a policy that does not adapt scores the same before and after, up to episode noise")
    func noAdaptation() {
        let learner = initialMetaLearner(config: MetaConfig.pointNavigation(.mamlTRPO), spec: environment.spec, seed: 1)
        let method = NoAdaptation(name: "multitask", policy: learner.policy, parameters: learner.parameters)
        let scores = metaTest(method, environment: environment, tasks: heldout(30), settings: MetaTestSettings(adaptEpisodes: 2, adaptSteps: 1, evalEpisodes: 5), seed: 3)
        let (gain, se) = meanAndStandardError(zip(scores.returns[1], scores.returns[0]).map { $0 - $1 })
        #expect(abs(gain) < 4 * se + 1e-9, "no-adaptation gain \(gain) ± \(se)")
    }

    @Test("fine-tuning on K episodes of a task raises that task's return (scratch and from a policy)")
    func fineTuningHelps() {
        let config = MetaConfig.pointNavigation(.mamlTRPO)
        let tasks = heldout(20)
        let settings = MetaTestSettings(adaptEpisodes: 10, adaptSteps: 2, evalEpisodes: 5)
        let scratch = metaTest(FineTuning(scratch: config.policy, spec: environment.spec, seed: 9), environment: environment,
                               tasks: tasks, settings: settings, seed: 4)
        let (gain, se) = meanAndStandardError(zip(scratch.returns[2], scratch.returns[0]).map { $0 - $1 })
        #expect(scratch.method == "scratch")
        #expect(gain > 4 * se, "scratch gain \(gain) ± \(se)")
        // Scratch draws a fresh initialization per task: the tasks start from different policies.
        let method = FineTuning(scratch: config.policy, spec: environment.spec, seed: 9)
        #expect(method.initialParameters(task: 0).flattened().scalars != method.initialParameters(task: 1).flattened().scalars)
        #expect(method.initialParameters(task: 1).flattened().scalars == method.initialParameters(task: 1).flattened().scalars)
    }

    @Test("the multitask baseline learns the task distribution: it beats its own initialization on held-out goals")
    func multitaskBaseline() {
        var config = TrainingConfig.defaults(for: .ppo)
        config.policy = PolicyConfig(hiddenSizes: [32, 32], initialStd: 0.3)
        config.episodesPerIteration = 2
        let root = RandomSource(seed: 5)
        let run = trainPolicy(environment: environment, tasks: { k in
            var rng = root.stream(k)
            return (0..<10).map { _ in PointNavigationTasks().sample(.train, rng: &rng) }
        }, config: config, iterations: 30, seed: 5, threads: 2)
        var learnerSeed = RandomSource(seed: 5).stream(0)   // trainPolicy's initialization
        let start = PolicyGradientLearner(config: config, spec: environment.spec, seed: learnerSeed.next())
        let settings = MetaTestSettings(adaptEpisodes: 1, adaptSteps: 0, evalEpisodes: 5)
        let trained = metaTest(NoAdaptation(name: "multitask", policy: run.learner.policy, parameters: run.learner.parameters),
                               environment: environment, tasks: heldout(30), settings: settings, seed: 1)
        let initial = metaTest(NoAdaptation(name: "init", policy: start.policy, parameters: start.parameters),
                               environment: environment, tasks: heldout(30), settings: settings, seed: 1)
        #expect(trained.returns.count == 1)
        let (gain, se) = meanAndStandardError(zip(trained.returns[0], initial.returns[0]).map { $0 - $1 })
        #expect(gain > 4 * se, "multitask vs its initialization: \(gain) ± \(se)")
    }
}

@Suite("MetaLearning: the scratch control with the meta-learner's own inner step")
struct ScratchWithInnerStepTests {
    @Test("a fresh initialization per task, adapted exactly as the meta-learned policy would be")
    func scratchUsesTheInnerStep() {
        let environment = PointNavigation()
        let learner = initialMetaLearner(config: MetaConfig.pointNavigation(.mamlTRPO), spec: environment.spec, seed: 1)
        let scratch = ScratchWithInnerStep(learner, spec: environment.spec, seed: 4)
        #expect(scratch.name == "scratch")
        let a = scratch.initialParameters(task: 0).flattened().scalars, b = scratch.initialParameters(task: 1).flattened().scalars
        #expect(a != b && a == scratch.initialParameters(task: 0).flattened().scalars)
        #expect(a != learner.parameters.flattened().scalars)
        let episodes = Sampler(environment).sample(GaussianPolicySampler(policy: learner.policy, parameters: scratch.initialParameters(task: 0)),
                                                   tasks: [PointNavigationTask(goal: SIMD2(0.3, -0.2))], episodesPerTask: 3, seed: 2)
        let stepped = scratch.adaptStep(scratch.initialParameters(task: 0), episodes: episodes).flattened().scalars
        #expect(stepped == learner.adapted(to: episodes, parameters: scratch.initialParameters(task: 0)).flattened().scalars)
        #expect(stepped != a)
    }
}
