import Testing
import Foundation
import Autodiff
import Numerics
import PolicyGradient
import Robotics
import RL
import Collectives
@testable import MetaLearning

// The five meta-learning algorithms on the point-navigation canary: bit-identical per seed at 1
// and 2 threads, resumable from a checkpoint without changing a bit, and each one's outer step
// checked against what it must compute.

private func train(_ config: MetaConfig, iterations: Int, seed: UInt64 = 3, threads: Int = 1,
                   resume: MetaTrainingState? = nil) -> MetaTrainingRun {
    metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config, iterations: iterations,
              seed: seed, threads: threads, resume: resume)
}

@Suite("MetaLearning: maml-trpo, maml-ppo, promp, fomaml and reptile")
struct MetaAlgorithmTests {
    @Test("deterministic per seed at 1 and 2 threads, and the parameters move", arguments: MetaAlgorithm.allCases)
    func determinism(_ algorithm: MetaAlgorithm) {
        let config = canaryConfig(algorithm, tasks: 4, episodes: 3)
        let one = train(config, iterations: 2, threads: 1)
        let two = train(config, iterations: 2, threads: 2)
        #expect(one.curve == two.curve)
        #expect(one.learner.parameters.flattened().scalars == two.learner.parameters.flattened().scalars)
        let start = initialMetaLearner(config: config, spec: PointNavigation().spec, seed: 3)
        #expect(one.learner.parameters.flattened().scalars != start.parameters.flattened().scalars)
    }

    @Test("spread over 2 and 3 ranks (in-process), every rank ends bit-identical to one process", arguments: MetaAlgorithm.allCases)
    func ranks(_ algorithm: MetaAlgorithm) {
        let config = canaryConfig(algorithm, tasks: 5, episodes: 2)
        let one = train(config, iterations: 2)
        for size in [2, 3] {
            let runs = LocalGroup(size: size).run { world in
                metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config, iterations: 2,
                          seed: 3, world: world)
            }
            for (rank, run) in runs.enumerated() {
                #expect(run.curve == one.curve, "\(size) ranks, rank \(rank): curve")
                #expect(run.learner.parameters.flattened().scalars == one.learner.parameters.flattened().scalars,
                        "\(size) ranks, rank \(rank): parameters")
                #expect(run.learner.optimizerState.m.flattened().scalars == one.learner.optimizerState.m.flattened().scalars)
            }
        }
    }

    @Test("a run resumed from a JSON checkpoint ends bit-identical to an uninterrupted one", arguments: MetaAlgorithm.allCases)
    func resume(_ algorithm: MetaAlgorithm) throws {
        let config = canaryConfig(algorithm, tasks: 3, episodes: 2)
        let straight = train(config, iterations: 3)
        let first = train(config, iterations: 1)
        let data = try JSONEncoder().encode(MetaCheckpoint(MetaTrainingState(learner: first.learner, curve: first.curve)))
        let restored = try JSONDecoder().decode(MetaCheckpoint.self, from: data).restore()
        #expect(restored.learner.optimizerState.step == first.learner.optimizerState.step)
        let resumed = train(config, iterations: 3, resume: restored)
        #expect(resumed.curve == straight.curve)
        #expect(resumed.learner.parameters.flattened().scalars == straight.learner.parameters.flattened().scalars)
        #expect(resumed.learner.optimizerState.m.flattened().scalars == straight.learner.optimizerState.m.flattened().scalars)
    }

    @Test("a damaged checkpoint is refused, naming the field")
    func damagedCheckpoint() throws {
        let config = canaryConfig(.mamlPPO, tasks: 2, episodes: 2)
        let run = train(config, iterations: 1)
        var checkpoint = MetaCheckpoint(MetaTrainingState(learner: run.learner, curve: run.curve))
        checkpoint.optimizerFirstMoment.removeLast()
        #expect(throws: PolicyCheckpoint.Invalid.self) { try checkpoint.restore() }
        do { _ = try checkpoint.restore() } catch { #expect("\(error)".contains("optimizerFirstMoment")) }
        checkpoint = MetaCheckpoint(MetaTrainingState(learner: run.learner, curve: run.curve))
        checkpoint.config.stepSize = -1
        do { _ = try checkpoint.restore(); Issue.record("negative step size accepted") } catch { #expect("\(error)".contains("stepSize")) }
        checkpoint = MetaCheckpoint(MetaTrainingState(learner: run.learner, curve: run.curve))
        checkpoint.curve[0].iteration = 5
        do { _ = try checkpoint.restore(); Issue.record("bad curve accepted") } catch { #expect("\(error)".contains("curve")) }
    }

    @Test("validate names the first bad field")
    func validation() {
        var config = MetaConfig.pointNavigation(.promp)
        #expect(throws: Never.self) { try config.validate() }
        config.ppo.epochs = 0
        #expect(throws: TrainingConfig.InvalidField(field: "ppo.epochs", problem: "expected ≥ 1, found 0")) { try config.validate() }
        config = MetaConfig.pointNavigation(.reptile)
        config.estimator = .exact
        #expect(throws: TrainingConfig.InvalidField.self) { try config.validate() }
        config = MetaConfig.pointNavigation(.mamlTRPO)
        config.estimator = .naive
        #expect(throws: TrainingConfig.InvalidField.self) { try config.validate() }
    }

    /// One iteration's fixed data for the surrogate checks below.
    private func metaBatch(_ config: MetaConfig) -> (MetaLearner, [MetaTask]) {
        let learner = initialMetaLearner(config: config, spec: PointNavigation().spec, seed: 5)
        var rng = RandomSource(seed: 11)
        let tasks = (0..<3).map { _ in PointNavigationTasks().sample(.train, rng: &rng) }
        let sampler = Sampler(PointNavigation())
        let pre = sampler.sample(learner.sampler, tasks: tasks, episodesPerTask: 3, seed: 1)
        let adapted = (0..<3).map { learner.adapted(to: selectEpisodes(pre, pre.episodes(ofTask: $0))) }
        let post = sampler.sample(PerTaskPolicySampler(policy: learner.policy, parameters: adapted, episodesPerTask: 3),
                                  tasks: tasks, episodesPerTask: 3, seed: 2)
        return (learner, learner.metaTasks(pre: pre, post: post, adapted: adapted))
    }

    @Test("the PPO outer step's clipped surrogate has the exact meta-gradient at the sampling point")
    func clippedGradient() {
        let (learner, tasks) = metaBatch(MetaConfig.pointNavigation(.mamlPPO))
        let θ = learner.parameters.requiringGradient()
        let plain = gradients(of: learner.metaSurrogate(θ, tasks, createGraph: true).surrogate, wrt: θ).flattened().scalars
        let clipped = gradients(of: learner.metaSurrogate(θ, tasks, createGraph: true, clipRange: 0.2).surrogate, wrt: θ).flattened().scalars
        let scale = plain.map(abs).max()!
        #expect(scale > 0)
        #expect(zip(plain, clipped).allSatisfy { abs($0 - $1) <= 1e-5 * scale })
        // …and the clip bites away from it: far along the gradient, the clipped value is lower.
        let far = learner.parameters.zip(gradients(of: learner.metaSurrogate(θ, tasks, createGraph: true).surrogate, wrt: θ)) {
            $0 + $1.detached().scaled(by: 50 / Float(scale))
        }
        let unclippedFar = learner.metaSurrogate(far, tasks, createGraph: false).surrogate.scalar
        let clippedFar = learner.metaSurrogate(far, tasks, createGraph: false, clipRange: 0.2).surrogate.scalar
        #expect(clippedFar < unclippedFar)
    }

    @Test("the PPO outer step raises the clipped meta-surrogate; ProMP's KL penalty keeps the pre-update policy closer")
    func ppoStepImproves() {
        var config = MetaConfig.pointNavigation(.promp)
        config.ppo.klPenalty = 0
        let (learner, tasks) = metaBatch(config)
        var free = learner
        let step = free.ppoUpdate(tasks)
        #expect(step.surrogateAfter > step.surrogateBefore)
        config.ppo.klPenalty = 1e4
        var penalized = MetaLearner(config: config, policy: learner.policy, parameters: learner.parameters)
        _ = penalized.ppoUpdate(tasks)
        let klFree = tasks.map { Double(meanKL(learner.policy, parameters: free.parameters, batch: $0.pre).scalar) }.reduce(0, +)
        let klPenalized = tasks.map { Double(meanKL(learner.policy, parameters: penalized.parameters, batch: $0.pre).scalar) }.reduce(0, +)
        #expect(klPenalized < klFree, "pre-update KL with penalty \(klPenalized), without \(klFree)")
    }

    @Test("Reptile's outer step is θ + ε · mean(θ̃ − θ)")
    func reptileStep() {
        var config = MetaConfig.pointNavigation(.reptile)
        config.reptile.outerStepSize = 0.5
        var learner = initialMetaLearner(config: config, spec: PointNavigation().spec, seed: 1)
        let θ = learner.parameters.flattened().scalars
        let a = learner.parameters.map { $0.shifted(by: 1) }, b = learner.parameters.map { $0.shifted(by: -3) }
        learner.reptileUpdate(adapted: [a, b])
        // mean displacement (1 + (−3)) / 2 = −1, times ε = 0.5.
        #expect(zip(learner.parameters.flattened().scalars, θ).allSatisfy { abs($0 - ($1 - 0.5)) <= 1e-6 })
    }
}
