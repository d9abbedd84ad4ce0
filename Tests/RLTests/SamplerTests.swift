import Testing
import Numerics
import RL
import Collectives

/// x ← x + clip(a, ±1) + noise·N(0, 1) from the reset stream; reward −|x − goal| after the move;
/// terminates within 0.05 of the goal. The goal is the task.
private struct Line: Environment {
    struct State: Sendable { var x: Double; var goal: Double; var noise: Double; var rng: RandomSource }
    var noise = 0.0
    var spec: EnvironmentSpec { EnvironmentSpec(name: "line", observationNames: ["x"], action: BoxSpace(size: 1, bound: 1),
                                                horizon: 6, controlPeriod: 0) }
    func reset(task: Double, rng: inout RandomSource) -> State { State(x: 0, goal: task, noise: noise, rng: rng.split()) }
    func step(_ s: inout State, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        s.x += spec.action.clip(action[0], 0) + (s.noise > 0 ? s.noise * s.rng.normal() : 0)
        let d = abs(s.x - s.goal)
        return StepOutcome(reward: -d, terminated: d < 0.05, success: d < 0.5)
    }
    func observe(_ s: State, into o: UnsafeMutableBufferPointer<Float>) { o[0] = Float(s.x) }
}

/// Always 0.5.
private struct Constant: BatchPolicy {
    func act(observations: UnsafeBufferPointer<Float>, rows: Int, actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource) {
        for i in 0..<rows { actions[i] = 0.5 }
    }
    func skip(rows: Int, rng: inout RandomSource) {}
}

/// −0.2·x + N(0, 1).
private struct Noisy: BatchPolicy {
    func act(observations: UnsafeBufferPointer<Float>, rows: Int, actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource) {
        for i in 0..<rows { actions[i] = -0.2 * observations[i] + Float(rng.normal()) }
    }
    func skip(rows: Int, rng: inout RandomSource) { rng.skipNormals(rows) }
}

@Suite("Sampler")
struct SamplerTests {
    @Test("episodes by hand: a constant 0.5 step toward goals 1 and 2.5, N = 2 per task")
    func byHand() {
        let batch = Sampler(Line()).sample(Constant(), tasks: [1, 2.5], episodesPerTask: 2, seed: 3)
        #expect(batch.episodeCount == 4 && batch.taskIndices == [0, 0, 1, 1])
        // Goal 1: x = 0.5, 1.0 → terminates after 2 steps; goal 2.5: x = 0.5 … 2.5 after 5 steps.
        #expect(batch.lengths == [2, 2, 5, 5])
        #expect(batch.terminated == [true, true, true, true])
        #expect(Array(batch.rewards[0..<6]) == [-0.5, 0, 0, 0, 0, 0])
        #expect(Array(batch.rewards[12..<18]) == [-2, -1.5, -1, -0.5, 0, 0])
        // Observations are those the actions were chosen from: 0, 0.5, … ; padding 0.
        #expect(Array(batch.observations[12..<18]) == [0, 0.5, 1, 1.5, 2, 0])
        #expect(Array(batch.actions[12..<18]) == [0.5, 0.5, 0.5, 0.5, 0.5, 0])
        #expect(batch.successes == [true, true, true, true])
        let expectedReturn: Double = (-1 - 10) / 4   // two episodes of −0.5, two of −5
        #expect(batch.averageReturn == expectedReturn)
    }

    @Test("the horizon cuts episodes that never terminate")
    func horizon() {
        let batch = Sampler(Line()).sample(Constant(), tasks: [-3], episodesPerTask: 1, seed: 0)
        #expect(batch.lengths == [6] && batch.terminated == [false] && batch.successes == [false])
        #expect(batch.stepCount == 6)
    }

    @Test("bit-identical batches at 1, 2 and 3 threads; a different seed differs")
    func threadInvariance() {
        let env = Line(noise: 0.3)
        let reference = Sampler(env, threads: 1).sample(Noisy(), tasks: [1, -1, 2], episodesPerTask: 5, seed: 42)
        for t in [2, 3] {
            #expect(Sampler(env, threads: t).sample(Noisy(), tasks: [1, -1, 2], episodesPerTask: 5, seed: 42) == reference)
        }
        #expect(Sampler(env, threads: 2).sample(Noisy(), tasks: [1, -1, 2], episodesPerTask: 5, seed: 43) != reference)
    }

    @Test("blocks of slots (a distributed run's shares) concatenate to the whole batch, bit for bit")
    func slotShares() {
        let env = Line(noise: 0.3)
        let tasks = [1.0, -1, 2, 0.5]
        let whole = Sampler(env).sample(Noisy(), tasks: tasks, episodesPerTask: 3, seed: 9)
        for ranks in [2, 3, 5] {
            let parts = (0..<ranks).map { r in
                Sampler(env).sample(Noisy(), tasks: tasks, episodesPerTask: 3, seed: 9,
                                    slots: SingleProcess.block(r, of: ranks, count: 12))
            }
            #expect(EpisodeBatch(concatenating: parts) == whole, "\(ranks) shares")
        }
        // A share is not the first episodes of a smaller call: its streams are those of its slots.
        let tail = Sampler(env).sample(Noisy(), tasks: tasks, episodesPerTask: 3, seed: 9, slots: 6..<12)
        #expect(tail.taskIndices == [2, 2, 2, 3, 3, 3])
        #expect(tail != Sampler(env).sample(Noisy(), tasks: [2, 0.5], episodesPerTask: 3, seed: 9))
    }
}
