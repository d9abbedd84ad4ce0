import Foundation
import Testing
import Autodiff
import Numerics
import RL
import Robotics
@testable import MetaLearning

@Suite("RL²")
struct RL2Tests {
    let env = PointNavigation()

    @Test("the sampler's step-by-step forward pass is the learner's unrolled one, bit for bit")
    func samplerMatchesUnroll() {
        let learner = RL2Learner(config: RL2Config(hiddenSize: 8), spec: env.spec, seed: 3)
        var rng = RandomSource(seed: 9)
        let tasks = (0..<3).map { _ in PointNavigationTasks().sample(.train, rng: &rng) }
        // Deterministic actions are the means; the unroll over the stored inputs must give them back.
        let trials = TrialSampler(env).sample(learner.policy, parameters: learner.parameters, tasks: tasks,
                                              trialsPerTask: 2, episodesPerTrial: 3, seed: 5, deterministic: true)
        let data = RL2Learner.timeMajor(trials.sequences)
        let (mean, _) = learner.policy.distribution(data.inputs, batch: trials.trialCount, steps: data.steps, parameters: learner.parameters)
        let m = mean.scalars, a = data.actions.scalars
        for row in data.real { #expect(m[2 * row] == a[2 * row] && m[2 * row + 1] == a[2 * row + 1]) }
        // Trials hold all their episodes; inputs carry the previous step's action, reward and done flag.
        let s = trials.sequences
        #expect(s.lengths.allSatisfy { $0 == 300 })  // an untrained policy never reaches a goal
        let I = s.observationSize
        let firstOfSecond = Array(s.observations[(100 * I)..<(101 * I)])
        #expect(firstOfSecond[0] == 0 && firstOfSecond[1] == 0)  // back at the origin
        #expect(firstOfSecond[4] == Float(s.rewards[99]) && firstOfSecond[5] == 1)  // last reward, done
        #expect(Array(s.observations[0..<I]) == [0, 0, 0, 0, 0, 0])  // nothing before the trial
        #expect(abs(trials.episodeReturns[0] - s.rewards[0..<100].reduce(0, +)) < 1e-9)
    }

    @Test("same seed, same training at 1 and 2 threads")
    func threadInvariance() {
        func train(_ threads: Int) -> [Float] {
            var trainer = RL2Trainer(config: RL2Config(hiddenSize: 8, metaBatchSize: 4, epochs: 2), environment: env,
                                     tasks: PointNavigationTasks(), seed: 11, threads: threads)
            for _ in 0..<2 { _ = trainer.step() }
            return trainer.learner.parameters.tensors.flatMap(\.scalars)
        }
        #expect(train(1) == train(2))
    }

    @Test("the GRU learns to use its trial: on held-out goals the second episode clearly beats the first")
    func learnsWithinTrial() {
        // 60 iterations of 20 tasks × 2 trials × 2 episodes (≈ 30 s in a release build on 2 cores).
        let config = RL2Config(hiddenSize: 32, initialStd: 0.5, episodesPerTrial: 2, metaBatchSize: 20, trialsPerTask: 2, epochs: 5)
        var trainer = RL2Trainer(config: config, environment: env, tasks: PointNavigationTasks(), seed: 1, threads: 2)
        let untrained = trainer.learner
        for _ in 0..<60 { _ = trainer.step() }
        var rng = RandomSource(seed: 77).stream(1)
        // 40 goals × 10 trials: measured gain 3.4 ± 0.65 (standard error); 20 goals × 5 trials left the
        // error near 0.9, too close to the 3-error bar.
        let goals = (0..<40).map { _ in PointNavigationTasks().sample(.heldout, rng: &rng) }
        let settings = MetaTestSettings(adaptSteps: 1, evalEpisodes: 10)
        let scores = rl2MetaTest(trainer.learner, environment: env, tasks: goals, settings: settings, seed: 5, threads: 2)
        let before = rl2MetaTest(untrained, environment: env, tasks: goals, settings: settings, seed: 5, threads: 2)
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        // Paired over goals: episode 2 minus episode 1 of the same trials.
        let gain = zip(scores.returns[1], scores.returns[0]).map { $0 - $1 }
        let se = (gain.map { ($0 - mean(gain)) * ($0 - mean(gain)) }.reduce(0, +) / Double(gain.count - 1) / Double(gain.count)).squareRoot()
        #expect(mean(gain) > 1 && mean(gain) > 3 * se, "gain \(mean(gain)) ± \(se); returns by episode \(scores.returns.map(mean))")
        // Learning happened at all: the first episode is far better than an untrained policy's.
        #expect(mean(scores.returns[0]) > mean(before.returns[0]) + 20, "\(mean(scores.returns[0])) vs untrained \(mean(before.returns[0]))")
        // An untrained GRU gains nothing from its trial.
        let untrainedGain = mean(zip(before.returns[1], before.returns[0]).map { $0 - $1 })
        #expect(abs(untrainedGain) < mean(gain), "untrained gain \(untrainedGain)")
        #expect(mean(scores.successRates[1]) >= mean(scores.successRates[0]) - 0.05)
    }
}
