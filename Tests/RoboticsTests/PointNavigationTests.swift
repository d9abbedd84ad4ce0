import Foundation
import Testing
import Numerics
import RL
import Robotics

private func step(_ env: PointNavigation, _ s: inout PointNavigation.State, _ a: [Double]) -> StepOutcome {
    a.withUnsafeBufferPointer { env.step(&s, action: $0) }
}

@Suite("point-navigation")
struct PointNavigationTests {
    let env = PointNavigation()

    @Test("spec: observation (x, y), action ±0.1 per axis, horizon 100")
    func spec() {
        #expect(env.spec.observationSize == 2 && env.spec.actionSize == 2 && env.spec.horizon == 100)
        #expect(env.spec.action.low == [-0.1, -0.1] && env.spec.action.high == [0.1, 0.1])
    }

    @Test("starts at the origin; actions are clipped per axis; reward is −distance after the move")
    func dynamics() {
        var rng = RandomSource(seed: 1)
        var s = env.reset(task: PointNavigationTask(goal: SIMD2(0.3, 0.4)), rng: &rng)
        #expect(s.position == .zero)
        let o = step(env, &s, [1, -0.05])
        #expect(s.position == SIMD2(0.1, -0.05))
        #expect(abs(o.reward + ((0.2 * 0.2) + (0.45 * 0.45)).squareRoot()) < 1e-15)
        #expect(!o.terminated && !o.success)
        var obs = [Float](repeating: 0, count: 2)
        obs.withUnsafeMutableBufferPointer { env.observe(s, into: $0) }
        #expect(obs == [0.1, -0.05])
    }

    @Test("terminates only within 0.01 on both axes; success within 0.05")
    func termination() {
        var rng = RandomSource(seed: 1)
        var s = env.reset(task: PointNavigationTask(goal: SIMD2(0.1, 0.04)), rng: &rng)
        var o = step(env, &s, [0.1, 0])           // offset (0, −0.04): success, not terminated
        #expect(o.success && !o.terminated)
        o = step(env, &s, [0, 0.031])             // offset (0, −0.009): terminated
        #expect(o.terminated && o.success)
        s = env.reset(task: PointNavigationTask(goal: SIMD2(0.1, 0.1)), rng: &rng)
        o = step(env, &s, [0.089, 0.1])           // offset (−0.011, 0): not terminated
        #expect(!o.terminated && o.success)
        s = env.reset(task: PointNavigationTask(goal: SIMD2(0.2, 0)), rng: &rng)
        o = step(env, &s, [0.1, 0.06])            // distance √(0.01 + 0.0036) > 0.05
        #expect(!o.success)
    }

    @Test("a straight-line policy reaches a goal in ⌈max|g|/0.1⌉ steps, by the reference's rule")
    func straightLine() {
        let goal = SIMD2(-0.23, 0.46)
        var rng = RandomSource(seed: 1)
        var s = env.reset(task: PointNavigationTask(goal: goal), rng: &rng)
        var steps = 0, outcome = StepOutcome(reward: 0)
        while !outcome.terminated && steps < 100 {
            let d = s.goal - s.position
            outcome = step(env, &s, [d.x, d.y])
            steps += 1
        }
        #expect(steps == 5)
    }

    @Test("goals are uniform in [−0.5, 0.5]²; train and held-out streams differ; same seed, same goals")
    func taskSampler() {
        let tasks = PointNavigationTasks()
        var a = RandomSource(seed: 9), b = RandomSource(seed: 9)
        var train: [SIMD2<Double>] = [], heldout: [SIMD2<Double>] = []
        for _ in 0..<4000 {
            var copy = a
            train.append(tasks.sample(.train, rng: &a).goal)
            heldout.append(tasks.sample(.heldout, rng: &copy).goal)
            #expect(tasks.sample(.train, rng: &b).goal == train.last!)
        }
        for g in train + heldout { #expect(abs(g.x) <= 0.5 && abs(g.y) <= 0.5) }
        #expect(Set(train.map { [$0.x, $0.y] }).isDisjoint(with: Set(heldout.map { [$0.x, $0.y] })))
        // Uniform on [−0.5, 0.5]: mean 0, variance 1/12; 4000 draws → standard errors 0.0046 and 0.0014.
        let xs = train.map(\.x)
        let mean = xs.reduce(0, +) / 4000, variance = xs.reduce(0) { $0 + $1 * $1 } / 4000 - mean * mean
        #expect(abs(mean) < 0.02 && abs(variance - 1.0 / 12) < 0.006)
    }
}
