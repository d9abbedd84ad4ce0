import Testing
import Numerics
import Physics
import TestSupport

// Step-level behaviour: determinism, value semantics, reset, blow-up handling.

@Suite("Step and Data")
struct StepTests {
    @Test("the same state stepped twice gives bit-identical trajectories; a copied Data evolves independently",
          arguments: [Integrator.euler, .rk4])
    func determinism(integrator: Integrator) {
        let m = FixtureModels.named("ballchain", integrator)
        var a = Data(m)
        a.reset(m, keyframe: 0)
        for _ in 0..<100 { step(m, &a) }
        var b = a  // value copy mid-run
        for _ in 0..<500 { step(m, &a) }
        var c = Data(m)
        c.reset(m, keyframe: 0)
        for _ in 0..<600 { step(m, &c) }
        #expect(a.qpos == c.qpos && a.qvel == c.qvel && a.time == c.time)
        let frozen = b.qpos
        #expect(frozen != a.qpos, "the copy did not move with the original")
        for _ in 0..<500 { step(m, &b) }
        #expect(b.qpos == a.qpos && b.qvel == a.qvel)
    }

    @Test("reset(keyframe:) loads time, qpos, qvel, ctrl; plain reset restores qpos0 and zeros")
    func reset() {
        let m = FixtureModels.arm3()
        var d = Data(m)
        d.reset(m, keyframe: 0)
        #expect(d.qpos == [0.4, -0.6, 0.9] && d.qvel == [1, -0.5, 2] && d.ctrl == [1.7, 0.3, 0.5])
        d.qfrcApplied[1] = 3
        d.xfrcApplied[2] = Wrench(force: Vec3(1, 0, 0))
        for _ in 0..<10 { step(m, &d) }
        d.reset(m)
        #expect(d.qpos == m.qpos0 && d.qpos == [0, 0, 0.1])  // the wrist's ref is its qpos0
        #expect(d.qvel == [0, 0, 0] && d.ctrl == [0, 0, 0] && d.qfrcApplied == [0, 0, 0] && d.time == 0)
        #expect(d.xfrcApplied.allSatisfy { $0 == .zero })
    }

    @Test("a NaN velocity is reported with its dof, body and time, and the state is reset, never trapped")
    func nanVelocity() {
        let m = FixtureModels.arm3()
        var d = Data(m)
        d.reset(m, keyframe: 0)
        for _ in 0..<5 { step(m, &d) }
        let t = d.time
        d.qvel[2] = .nan
        step(m, &d)
        let w = d.warning
        #expect(w?.kind == .badQvel && w?.index == 2 && w?.body == 3 && w?.time == t)
        #expect(d.qpos.allSatisfy { $0.isFinite } && d.qvel.allSatisfy { $0.isFinite })
        #expect(abs(d.time - m.options.timestep) < 1e-15, "restarted from t = 0")
    }

    @Test("a huge or NaN qpos is a badQpos warning naming the coordinate and body")
    func badPosition() {
        let m = FixtureModels.freebody()
        var d = Data(m)
        d.reset(m, keyframe: 0)
        d.qpos[9] = 2e10
        step(m, &d)
        #expect(d.warning?.kind == .badQpos && d.warning?.index == 9 && d.warning?.body == 2)
        #expect(d.qpos.allSatisfy { $0.isFinite })
    }

    @Test("a diverging simulation (explicit integration of a very stiff spring) is caught, not propagated")
    func divergence() {
        var o = Options()
        o.timestep = 0.01
        o.gravity = .zero
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "b", parent: 0, ipos: Vec3(0.1, 0, 0), mass: 0.1, inertia: Vec3(0.001, 0.001, 0.001))]
        // ω = √(k/I) ≈ 3000 rad/s, so ω·h = 30: symplectic Euler diverges geometrically.
        let m = Model(options: o, bodies: bodies, joints: [Joint(type: .hinge, body: 1, axis: .unitZ, stiffness: 1e4)])
        var d = Data(m)
        d.qpos[0] = 0.1
        for _ in 0..<200 { step(m, &d) }
        #expect(d.warning != nil && [.badQpos, .badQvel, .badQacc].contains(d.warning!.kind))
        #expect(d.qpos.allSatisfy { $0.isFinite } && d.qvel.allSatisfy { $0.isFinite })
        #expect(d.warning!.description.contains("body 1"))
    }

    @Test("Euler integrates joint damping implicitly: a damping rate far beyond 2/h stays stable and decays")
    func implicitDamping() {
        var o = Options()
        o.timestep = 0.01
        o.gravity = .zero
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "b", parent: 0, mass: 1, inertia: Vec3(0.01, 0.01, 0.01))]
        // b/I = 1000 1/s: explicit Euler would multiply q̇ by (1 − 10) each step.
        let m = Model(options: o, bodies: bodies, joints: [Joint(type: .hinge, body: 1, axis: .unitZ, damping: 10)])
        var d = Data(m)
        d.qvel[0] = 1
        step(m, &d)
        // Implicit: q̇₁ = q̇₀ / (1 + h·b/I).
        #expect(abs(d.qvel[0] - 1 / (1 + 0.01 * 10 / 0.01)) < 1e-15)
        for _ in 0..<100 { step(m, &d) }
        #expect(abs(d.qvel[0]) < 1e-100 && d.warning == nil)
    }

    @Test("non-unit quaternions and axes in a Swift-built model are normalized, as MuJoCo's compiler does")
    func normalization() {
        let unit = FixtureModels.arm3()
        var bodies = unit.bodies, joints = unit.joints, sites = unit.sites
        for b in bodies.indices.dropFirst() {
            let q = bodies[b].quat, iq = bodies[b].iquat
            bodies[b].quat = Quat(2 * q.w, 2 * q.x, 2 * q.y, 2 * q.z)
            bodies[b].iquat = Quat(0.5 * iq.w, 0.5 * iq.x, 0.5 * iq.y, 0.5 * iq.z)
        }
        for j in joints.indices { joints[j].axis = 3 * joints[j].axis }
        sites[0].quat = Quat(5 * sites[0].quat.w, 5 * sites[0].quat.x, 5 * sites[0].quat.y, 5 * sites[0].quat.z)
        let scaled = Model(options: unit.options, bodies: bodies, joints: joints, geoms: unit.geoms, sites: sites,
                           actuators: unit.actuators, keyframes: unit.keyframes)
        var a = Data(unit), b = Data(scaled)
        a.reset(unit, keyframe: 0)
        b.reset(scaled, keyframe: 0)
        for _ in 0..<500 { step(unit, &a); step(scaled, &b) }
        forward(unit, &a)
        forward(scaled, &b)
        #expect(maxAbsDifference(a.qpos, b.qpos) < 1e-12)
        #expect(isClose(a.siteXpos[0], b.siteXpos[0], atol: 1e-12))
        #expect(maxAbsDifference([a.siteXmat[0].m00, a.siteXmat[0].m12], [b.siteXmat[0].m00, b.siteXmat[0].m12]) < 1e-12)
    }

    @Test("stepping a Data made for another model stops with a precondition failure")
    func mismatchedData() async {
        await #expect(processExitsWith: .failure) {
            let a = FixtureModels.arm3(), b = FixtureModels.freebody()
            var d = Data(a)
            step(b, &d)
        }
    }
}
