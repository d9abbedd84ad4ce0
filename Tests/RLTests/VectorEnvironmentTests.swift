import Testing
import Numerics
import RL

/// A noisy 1-D integrator: x ← x + clip(a) + 0.01·noise; reward −|x − goal|; the goal is the task.
private struct Drift: Environment {
    struct State: Sendable { var x: Double; var rng: RandomSource; var t: Int }
    let spec = EnvironmentSpec(name: "drift", observationNames: ["x", "t"], action: BoxSpace(size: 1, bound: 1),
                               horizon: 20, controlPeriod: 0)

    func reset(task: Double, rng: inout RandomSource) -> State {
        State(x: rng.uniform(-1, 1), rng: rng.split(), t: 0)
    }

    func step(_ s: inout State, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        s.x += spec.action.clip(action[0], 0) + 0.01 * s.rng.normal()
        s.t += 1
        return StepOutcome(reward: -abs(s.x), terminated: abs(s.x) > 5, success: abs(s.x) < 0.05)
    }

    func observe(_ s: State, into o: UnsafeMutableBufferPointer<Float>) { o[0] = Float(s.x); o[1] = Float(s.t) }
}

private func rollout(threads: Int) -> ([Float], [Double]) {
    var v = VectorEnvironment(Drift(), batchSize: 13, threads: threads)
    v.reset(tasks: (0..<13).map(Double.init), seed: 99)
    var rewardTrace: [Double] = []
    for k in 0..<20 {
        for i in 0..<13 { v.actions[i] = -0.3 * Double(v.observations[2 * i]) + (k % 2 == 0 ? 0.1 : -0.1) }
        v.step()
        rewardTrace += v.rewards
    }
    return (v.observations, rewardTrace)
}

@Suite("VectorEnvironment")
struct VectorEnvironmentTests {
    @Test("results are bit-identical at 1, 2, 3 and 8 threads")
    func threadInvariance() {
        let reference = rollout(threads: 1)
        for t in [2, 3, 8] {
            let other = rollout(threads: t)
            #expect(other.0 == reference.0 && other.1 == reference.1, "threads \(t)")
        }
    }

    @Test("slot i equals a lone environment reset with stream i of the seed")
    func slotsMatchSingleEnvironments() {
        var v = VectorEnvironment(Drift(), batchSize: 4, threads: 2)
        v.reset(tasks: [0, 1, 2, 3], seed: 7)
        for i in 0..<4 { v.actions[i] = 0.5 }
        v.step()
        let env = Drift()
        for i in 0..<4 {
            var rng = RandomSource(seed: 7).stream(i)
            var s = env.reset(task: Double(i), rng: &rng)
            let outcome = [0.5].withUnsafeBufferPointer { env.step(&s, action: $0) }
            #expect(Float(s.x) == v.observations[2 * i])
            #expect(outcome.reward == v.rewards[i])
            #expect(v.episodeSteps[i] == 1)
        }
    }

    @Test("chunks cover every index exactly once, in order")
    func chunks() {
        for count in 0..<30 {
            for chunks in 1...8 {
                let all = (0..<chunks).flatMap { Array(chunkRange($0, of: chunks, count: count)) }
                #expect(all == Array(0..<count))
            }
        }
    }

    @Test("actions are clipped into the box and NaN becomes the midpoint")
    func clipping() {
        let box = BoxSpace(low: [-1, 0], high: [1, 2])
        #expect(box.clip(3, 0) == 1 && box.clip(-3, 0) == -1 && box.clip(0.5, 1) == 0.5)
        #expect(box.clip(.nan, 1) == 1)
    }
}
