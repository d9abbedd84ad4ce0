import Foundation
import Testing
import Numerics
import RL
import Robotics

@Suite("Arm environment: observations, determinism, controller, scene")
struct EnvironmentTests {
    private func observation(_ env: ArmEnvironment, _ task: ArmTask) -> [Float] {
        var rng = RandomSource(seed: 3)
        let s = env.reset(task: task, rng: &rng)
        var out = [Float](repeating: .nan, count: env.spec.observationSize)
        out.withUnsafeMutableBufferPointer { env.observe(s, into: $0) }
        return out
    }

    @Test("two tasks differing only in hidden parameters give bit-identical observations at reset")
    func hiddenDoNotLeakAtReset() throws {
        // Reach: two different goals.
        let (reach, reachBench) = try roboticsFixture(.reach, count: 2)
        let g = reachBench.trainTasks
        #expect(g[0].goal != g[1].goal)
        #expect(observation(reach, g[0]) == observation(reach, g[1]))
        // Grasp-lift: cube-medium and anvil have the same shape and size but different mass,
        // friction and fragility (the resting height would reveal a size difference, as a camera
        // would).
        let spec = try testSuite.loadSpec("grasp-lift")
        let catalog = try testSuite.loadCatalog(spec.objects!)
        let env = try testSuite.environment(spec)
        let a = catalog.train.first { $0.name == "cube-medium" }!, b = catalog.heldout.first { $0.name == "anvil" }!
        #expect(a.mass != b.mass && a.friction != b.friction && a.fragility != b.fragility)
        let ta = ArmTask(family: .graspLift, object: a, objectX: 0.5, objectY: 0.05, split: .train)
        let tb = ArmTask(family: .graspLift, object: b, objectX: 0.5, objectY: 0.05, split: .heldout)
        #expect(observation(env, ta) == observation(env, tb))
        // Control: a spec that observes mass makes them differ, and names it.
        var shown = spec
        shown.hidden.removeAll { $0 == .mass }
        let shownEnv = try testSuite.environment(shown)
        #expect(observation(shownEnv, ta) != observation(shownEnv, tb))
        #expect(shownEnv.spec.observationNames.contains("mass") && !env.spec.observationNames.contains("mass"))
    }

    @Test("the policy-facing spec names no hidden parameter")
    func specNamesNoHidden() throws {
        for family in Family.allCases {
            let spec = try testSuite.loadSpec(family.rawValue)
            let env = try testSuite.environment(spec)
            for p in spec.hidden {
                #expect(!env.spec.observationNames.contains { $0 == p.rawValue || $0.hasPrefix(p.rawValue + ".") },
                        "\(family.rawValue): hidden \(p.rawValue) appears in the observation")
            }
        }
    }

    @Test("same seed, 1 and 2 threads: bit-identical observations and rewards over 40 steps of grasp-lift")
    func threadInvariance() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 6)
        func run(threads: Int) -> ([Float], [Double]) {
            var vec = VectorEnvironment(env, batchSize: 6, threads: threads)
            vec.reset(tasks: bench.trainTasks, seed: 11)
            var rng = RandomSource(seed: 5)
            var rewards: [Double] = []
            for _ in 0..<40 {
                for i in vec.actions.indices { vec.actions[i] = rng.uniform(-1, 1) }
                vec.step()
                rewards += vec.rewards
            }
            return (vec.observations, rewards)
        }
        let one = run(threads: 1), two = run(threads: 2)
        #expect(one.0 == two.0)
        #expect(one.1 == two.1)
        #expect(one.1.contains { $0 != 0 })
    }

    @Test("a constant velocity command moves the hand at maxSpeed along it, keeping the hand pointing down")
    func cartesianTracking() throws {
        let (env, bench) = try roboticsFixture(.reach, count: 1)
        var rng = RandomSource(seed: 0)
        var s = env.reset(task: bench.trainTasks[0], rng: &rng)
        let start = env.handPosition(s)
        let action: [Double] = [1, 0, -0.5, 0]
        let steps = 20
        for _ in 0..<steps { _ = action.withUnsafeBufferPointer { env.step(&s, action: $0) } }
        let moved = env.handPosition(s) - start
        let t = Double(steps) * env.spec.controlPeriod, v = env.familySpec.controller.maxSpeed
        // The first ~0.05 s is spent accelerating (tracking time constant 1/velocityGain plus the
        // DLS damping), so allow 15% short of the ideal displacement.
        #expect(moved.x > 0.85 * v * t && moved.x < 1.02 * v * t, "moved \(moved), ideal x \(v * t)")
        #expect(moved.z < -0.85 * 0.5 * v * t && moved.z > -1.02 * 0.5 * v * t, "moved \(moved)")
        #expect(abs(moved.y) < 0.01, "drifted \(moved.y) m sideways")
        // Hand z axis (grip site column 2) still points down within ~3°.
        #expect(s.data.siteXmat[s.model.site(named: "grip")!].column2.z < -0.998)
    }

    @Test("object inertias match MuJoCo 3.3.0's for box, sphere, cylinder and capsule")
    func inertiaMatchesMuJoCo() {
        // Reference: body_inertia of the same geoms compiled by MuJoCo 3.3.0 (capsule: MuJoCo
        // reports principal axes, axial last).
        func check(_ o: ObjectSpec, _ expected: [Double]) {
            let i = principalInertia(o)
            let got = [i.x, i.y, i.z].sorted(), want = expected.sorted()
            for k in 0..<3 { #expect(abs(got[k] - want[k]) <= 1e-12 + 1e-9 * want[k], "\(o.shape): \(got) vs \(want)") }
        }
        check(ObjectSpec(name: "b", shape: .box, size: [0.03, 0.02, 0.01], mass: 0.5, friction: 1, fragility: 1),
              [8.333333333333333e-05, 0.00016666666666666666, 0.00021666666666666666])
        check(ObjectSpec(name: "s", shape: .sphere, size: [0.025], mass: 0.3, friction: 1, fragility: 1),
              [7.500000000000001e-05, 7.500000000000001e-05, 7.500000000000001e-05])
        check(ObjectSpec(name: "c", shape: .cylinder, size: [0.02, 0.03], mass: 0.8, friction: 1, fragility: 1),
              [0.00031999999999999997, 0.00031999999999999997, 0.00016])
        check(ObjectSpec(name: "k", shape: .capsule, size: [0.02, 0.03], mass: 0.35, friction: 1, fragility: 1),
              [0.0002595384615384615, 0.0002595384615384615, 6.569230769230769e-05])
    }

    @Test("squeezing above the fragility breaks the object and ends the episode with reward 0")
    func fragilityBreaks() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 4)
        var task = bench.trainTasks[0]
        // Believe the object is 10x as heavy: the controller squeezes ~3x too hard.
        var belief = task
        belief.object!.mass *= 10
        belief.object!.fragility *= 10
        let crushed = env.runScripted(task: task, belief: belief)
        #expect(crushed.broken && crushed.terminated && !crushed.success)
        task.object!.fragility = 1000
        #expect(env.runScripted(task: task, belief: belief).broken == false)
    }

    @Test("log-scale gripper: g in (0, 1] squeezes with minGripForce·(gripForce/minGripForce)^g, g <= 0 opens linearly; the pads' squeeze follows the command")
    func logScaleGripper() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 2)
        let c = env.familySpec.controller
        #expect(c.minGripForce == 1 && c.gripForce == 70)
        let task = bench.trainTasks[0]
        // (command, finger actuator control): squeezing is negative control (qpos 0 = closed).
        for (g, control) in [(1.0, -70.0), (0.5, -70.0.squareRoot()), (0.25, -pow(70, 0.25)), (1e-9, -pow(70, 1e-9)), (0, 0), (-0.5, 35), (-3, 70)] {
            var rng = RandomSource(seed: 0)
            var s = env.reset(task: task, rng: &rng)
            _ = [0, 0, 0, g].withUnsafeBufferPointer { env.step(&s, action: $0) }
            let ctrl = s.data.ctrl[s.model.actuator(named: "finger_left")!]
            #expect(abs(ctrl - control) <= 1e-9 * max(1, abs(control)), "g = \(g): \(ctrl), expected \(control)")
            #expect(s.data.ctrl[s.model.actuator(named: "finger_right")!] == ctrl)
        }
        for force in [1.5, 2.5, 10, 44, 70] {
            #expect(abs(c.squeezeForce(command: c.command(squeezing: force)) - force) <= 1e-12 * force)
        }
        #expect(c.command(squeezing: 1) == 0 && c.command(squeezing: 0.2) == 0)   // at and below the log scale's floor
        // Physically: holding the object, the filtered squeeze of both pads equals the commanded force.
        var scripted = ScriptedController(belief: task)
        var rng = RandomSource(seed: 0)
        var s = env.reset(task: task, rng: &rng)
        var squeezes: [Double] = []
        for _ in 0..<env.spec.horizon {
            let action = scripted.action(env, s)
            _ = action.withUnsafeBufferPointer { env.step(&s, action: $0) }
            if s.heldSteps > 0 { squeezes.append(s.squeeze) }
        }
        let target = ScriptedController.gripForce(task.object!)
        #expect(squeezes.count > 20)
        let settled = squeezes.suffix(squeezes.count / 2)
        #expect(settled.allSatisfy { abs($0 - target) < 0.05 * target }, "squeeze \(settled.min()!)...\(settled.max()!), commanded \(target) N")
    }

    @Test("grasp-lift starts from arm7's low keyframe: the grip point 0.18 m above the table at (0.485, 0, 0.93), pointing down")
    func lowKeyframe() throws {
        let (env, bench) = try roboticsFixture(.graspLift, count: 1)
        #expect(env.familySpec.keyframe == "low")
        var rng = RandomSource(seed: 0)
        let s = env.reset(task: bench.trainTasks[0], rng: &rng)
        let hand = env.handPosition(s)
        #expect((hand - Vec3(0.485, 0, 0.93)).norm < 1e-6, "\(hand)")
        let down = s.data.siteXmat[s.model.site(named: "grip")!].column2
        #expect((down - Vec3(0, 0, -1)).norm < 1e-6, "\(down)")
    }

    @Test("pick-place succeeds only once the carried object is let go at rest on the target; an object left lying on its target does not count")
    func pickPlaceNeedsCarryAndRelease() throws {
        let (env, bench) = try roboticsFixture(.pickPlace, count: 3)
        // The target under the object's start: lying there untouched is not a pick-and-place.
        var idle = bench.trainTasks[0]
        idle.goal = Vec3(idle.objectX, idle.objectY, tableTop)
        var rng = RandomSource(seed: 0)
        var s = env.reset(task: idle, rng: &rng)
        for _ in 0..<env.spec.horizon {
            let outcome = [0, 0, 0, -1].withUnsafeBufferPointer { env.step(&s, action: $0) }
            #expect(!outcome.success)
        }
        #expect(!s.carried)
        // The scripted controller carries, sets down and opens: success comes only after the carry,
        // with the pads off the object, and stays while the object rests there.
        for task in bench.trainTasks {
            var scripted = ScriptedController(belief: task)
            var s = env.reset(task: task, rng: &rng)
            var successes = 0, lastFailure = -1
            for t in 0..<env.spec.horizon {
                let action = scripted.action(env, s)
                let outcome = action.withUnsafeBufferPointer { env.step(&s, action: $0) }
                if outcome.success {
                    successes += 1
                    #expect(s.carried && !s.grasped && env.objectSpeed(s) < 0.05)
                    let o = env.objectPosition(s)
                    #expect(((o.x - task.goal.x) * (o.x - task.goal.x) + (o.y - task.goal.y) * (o.y - task.goal.y)).squareRoot() < 0.05)
                } else { lastFailure = t }
            }
            #expect(successes > 0 && lastFailure < env.spec.horizon - successes, "\(task.object!.name): \(successes) successful steps")
        }
    }

    @Test("joint-torque mode: actions are fractions of each joint's torque limit; NaN actions become 0")
    func jointTorqueMode() throws {
        var spec = try testSuite.loadSpec("reach")
        spec.controller.mode = .jointTorque
        let env = try testSuite.environment(spec)
        #expect(env.spec.actionSize == 8 && env.spec.action.names[0] == "joint1.torque")
        let task = try Benchmark.ml1(.reach, suite: testSuite, seed: 1, trainCount: 1, testCount: 0).trainTasks[0]
        var rng = RandomSource(seed: 0)
        var s = env.reset(task: task, rng: &rng)
        let action: [Double] = [0.5, -2, 0, 0, 0.25, 0, .nan, -1]
        let outcome = action.withUnsafeBufferPointer { env.step(&s, action: $0) }
        let m = s.model
        // arm7's limits: 87 N·m on joints 1-4, 12 N·m on 5-7 (Franka's specification sheet).
        #expect(s.data.ctrl[m.actuator(named: "joint1")!] == 43.5)
        #expect(s.data.ctrl[m.actuator(named: "joint2")!] == -87)       // clipped to -1
        #expect(s.data.ctrl[m.actuator(named: "joint5")!] == 3)
        #expect(s.data.ctrl[m.actuator(named: "joint7")!] == 0)         // NaN -> midpoint 0
        #expect(s.data.ctrl[m.actuator(named: "finger_left")!] == 70)   // -1 opens with full force
        #expect(outcome.reward.isFinite && !outcome.terminated)
    }
}
