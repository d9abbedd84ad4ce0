import Foundation
import Testing
import Numerics
import RL
@testable import Robotics

@Suite("Grasp shaping: caging, object width, lift only while grasped")
struct ShapingTests {
    private func state(_ env: ArmEnvironment, _ object: ObjectSpec) -> ArmState {
        var rng = RandomSource(seed: 0)
        let task = ArmTask(family: .graspLift, object: object, objectX: 0.5, objectY: 0, split: .train)
        return env.reset(task: task, rng: &rng)
    }

    @Test("object width along a direction: the support extent of each shape in its resting pose")
    func objectWidths() throws {
        let env = try testSuite.environment(try testSuite.loadSpec("grasp-lift"))
        let x = Vec3(1, 0, 0), y = Vec3(0, 1, 0), z = Vec3(0, 0, 1), xy = Vec3(1, 1, 0) / 2.0.squareRoot()
        func width(_ shape: Shape, _ size: [Double], _ u: Vec3) -> Double {
            let o = ObjectSpec(name: "o", shape: shape, size: size, mass: 0.3, friction: 1, fragility: 10)
            return env.objectWidth(state(env, o), along: u)
        }
        let cases: [(Shape, [Double], Vec3, Double)] = [
            (.box, [0.03, 0.02, 0.01], x, 0.06), (.box, [0.03, 0.02, 0.01], y, 0.04),
            (.box, [0.03, 0.02, 0.01], z, 0.02), (.box, [0.03, 0.02, 0.01], xy, 0.1 / 2.0.squareRoot()),
            (.sphere, [0.025], xy, 0.05),
            // Upright cylinder: its diameter across, its height along z.
            (.cylinder, [0.025, 0.02], y, 0.05), (.cylinder, [0.025, 0.02], z, 0.04),
            // Capsule lying along world x: the diameter across the gripper, the full length along x.
            (.capsule, [0.02, 0.03], y, 0.04), (.capsule, [0.02, 0.03], x, 0.1),
        ]
        for (shape, size, u, expected) in cases {
            let w = width(shape, size, u)
            #expect(abs(w - expected) < 1e-9, "\(shape) \(size) along \(u): \(w), expected \(expected)")
        }
    }

    @Test("caging is 0 with the hand away, 1 − tanh(gap / 1 cm) with the open pads around the object, and near 1 while the scripted controller holds it")
    func cagingAlongScriptedGrasp() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 4)
        for task in bench.trainTasks {
            let object = task.object!
            var rng = RandomSource(seed: 0)
            var s = env.reset(task: task, rng: &rng)
            #expect(env.caging(s) == 0)
            var scripted = ScriptedController(belief: task)
            var sawOpenCage = false, held: [Double] = []
            for _ in 0..<env.spec.horizon {
                let action = scripted.action(env, s)
                _ = action.withUnsafeBufferPointer { env.step(&s, action: $0) }
                let c = env.caging(s)
                #expect(c >= 0 && c <= 1)
                let opening = env.gripperOpening(s)
                let width = env.objectWidth(s, along: s.data.siteXmat[s.model.site(named: "grip")!].column1)
                if c > 0 && opening > 0.075 {
                    // Pads still fully open around the object (the end of the descent).
                    sawOpenCage = true
                    #expect(abs(c - (1 - tanh((opening - width) / 0.01))) < 1e-12)
                }
                if s.heldSteps > 0 { held.append(c) }
            }
            #expect(sawOpenCage, "\(object.name): the descent never put the open pads around the object")
            #expect(held.count > 20 && held.allSatisfy { $0 > 0.9 }, "\(object.name): caging while held \(held.min() ?? -1)")
        }
    }

    @Test("an object raised without a grasp earns no lift reward: with the hand away, the reward is the reach term alone")
    func liftNeedsGrasp() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 2)
        let w = env.familySpec.reward
        for raise in [0.0, 0.04, 0.1] {
            var rng = RandomSource(seed: 0)
            var s = env.reset(task: bench.trainTasks[0], rng: &rng)
            s.data.qpos[s.model.joints[s.model.joints.count - 1].qposAdr + 2] += raise
            let outcome = env.evaluate(&s)
            let d = (env.handPosition(s) - env.objectPosition(s)).norm
            #expect(!s.grasped)
            #expect(abs(outcome.reward - w.reach * (1 - tanh(d / w.scale))) < 1e-12, "raised \(raise) m: reward \(outcome.reward)")
        }
    }
}
