import Foundation
import Testing
import Numerics
import Physics
import TestSupport

// Oracles from classical mechanics: closed-form periods, trajectories, mass matrices and
// conservation laws.

/// A body hanging from a hinge about y at the world origin, COM at distance `d` below it.
func physicalPendulum(mass: Double, d: Double, iyy: Double, integrator: Integrator, h: Double) -> Model {
    var o = Options()
    o.timestep = h
    o.integrator = integrator
    let bodies = [Body(name: "world", parent: -1),
                  Body(name: "bob", parent: 0, ipos: Vec3(0, 0, -d), mass: mass, inertia: Vec3(0.02, iyy, 0.01))]
    return Model(options: o, bodies: bodies, joints: [Joint(type: .hinge, body: 1, axis: .unitY)])
}

/// A free body with COM at its frame origin (inertia rotated by `iquat`).
func freeBody(mass: Double, inertia: Vec3, iquat: Quat = .identity, ipos: Vec3 = .zero, gravity: Vec3,
              integrator: Integrator, h: Double) -> Model {
    var o = Options()
    o.timestep = h
    o.gravity = gravity
    o.integrator = integrator
    let bodies = [Body(name: "world", parent: -1),
                  Body(name: "b", parent: 0, pos: Vec3(0.1, 0.2, 1), quat: Quat(0.9, 0.1, -0.2, 0.3).normalized(),
                       ipos: ipos, iquat: iquat, mass: mass, inertia: inertia)]
    return Model(options: o, bodies: bodies, joints: [Joint(type: .free, body: 1)])
}

/// Planar two-link arm in the x–y plane, hinges about z; link i has its COM at lc_i along x.
func planarArm(m1: Double, m2: Double, l1: Double, lc1: Double, lc2: Double, i1: Double, i2: Double,
               armature: Double = 0) -> Model {
    let bodies = [Body(name: "world", parent: -1),
                  Body(name: "l1", parent: 0, ipos: Vec3(lc1, 0, 0), mass: m1, inertia: Vec3(0.01, 0.01, i1)),
                  Body(name: "l2", parent: 1, pos: Vec3(l1, 0, 0), ipos: Vec3(lc2, 0, 0), mass: m2,
                       inertia: Vec3(0.01, 0.01, i2))]
    let joints = [Joint(type: .hinge, body: 1, axis: .unitZ, armature: armature),
                  Joint(type: .hinge, body: 2, axis: .unitZ, armature: armature)]
    return Model(bodies: bodies, joints: joints)
}

/// Angular momentum of body b about the world origin, world frame: I_w·ω + m·c × v_c.
func angularMomentum(_ m: Model, _ d: Physics.Data, body b: Int, omegaWorld: Vec3, comVelocity: Vec3) -> Vec3 {
    let r = d.ximat[b], i = m.bodies[b].inertia
    let local = r.transposeTimes(omegaWorld)
    let iw = r * Vec3(i.x * local.x, i.y * local.y, i.z * local.z)
    return iw + m.bodies[b].mass * d.xipos[b].cross(comVelocity)
}

@Suite("Analytic mechanics")
struct AnalyticTests {
    @Test("small-angle physical pendulum period within 0.1% of 2π√(I_pivot/(m g d))",
          arguments: [Integrator.rk4, .euler])
    func pendulumPeriod(integrator: Integrator) {
        let mass = 1.5, dist = 0.4, iyy = 0.03, h = 0.0005
        let m = physicalPendulum(mass: mass, d: dist, iyy: iyy, integrator: integrator, h: h)
        let expected = 2 * Double.pi * ((iyy + mass * dist * dist) / (mass * 9.81 * dist)).squareRoot()
        var d = Data(m)
        d.qpos[0] = 0.01  // small angle: the finite-amplitude correction θ²/16 is 6e-6
        // Upward zero crossings of the angle, linearly interpolated.
        var crossings: [Double] = []
        var previous = d.qpos[0]
        while crossings.count < 6 && d.time < 20 {
            step(m, &d)
            let now = d.qpos[0]
            if previous < 0 && now >= 0 {
                crossings.append(d.time - h * now / (now - previous))
            }
            previous = now
        }
        #expect(crossings.count == 6)
        let period = (crossings[5] - crossings[0]) / 5
        #expect(abs(period - expected) / expected < 1e-3, "period \(period) vs \(expected)")
    }

    @Test("free fall: semi-implicit Euler's discrete solution and RK4's exact parabola to 1e-9 over 1 s",
          arguments: [Integrator.euler, .rk4])
    func freeFall(integrator: Integrator) {
        let h = 0.001, g = Vec3(0.3, -0.2, -9.81)
        // COM at the frame origin, spinning about a principal axis: translation is ballistic.
        let m = freeBody(mass: 2, inertia: Vec3(0.03, 0.02, 0.01), gravity: g, integrator: integrator, h: h)
        var d = Data(m)
        let x0 = Vec3(d.qpos[0], d.qpos[1], d.qpos[2]), v0 = Vec3(1.5, -0.5, 3)
        d.qvel[0] = v0.x; d.qvel[1] = v0.y; d.qvel[2] = v0.z
        d.qvel[5] = 2  // body-z spin
        let n = 1000
        for _ in 0..<n { step(m, &d) }
        let t = Double(n) * h
        let nn = Double(n)
        let (x, v): (Vec3, Vec3) = integrator == .euler
            // v_k = v0 + k·h·g, x_n = x0 + h·Σ_{k=1..n} v_k.
            ? (x0 + (nn * h) * v0 + (h * h * nn * (nn + 1) / 2) * g, v0 + (nn * h) * g)
            : (x0 + t * v0 + (0.5 * t * t) * g, v0 + t * g)
        #expect(isClose(Vec3(d.qpos[0], d.qpos[1], d.qpos[2]), x, atol: 1e-9), "x \(d.qpos[0...2]) vs \(x)")
        #expect(isClose(Vec3(d.qvel[0], d.qvel[1], d.qvel[2]), v, atol: 1e-9))
        #expect(abs(d.time - t) < 1e-12)
    }

    @Test("undamped double pendulum under RK4 at h = 1 ms: relative energy drift < 1e-8 over 10 s")
    func energyDrift() {
        var o = Options()
        o.timestep = 0.001
        o.integrator = .rk4
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "a", parent: 0, ipos: Vec3(0, 0, -0.25), mass: 1, inertia: Vec3(0.006, 0.006, 0.001)),
                      Body(name: "b", parent: 1, pos: Vec3(0, 0, -0.5), ipos: Vec3(0, 0, -0.2), mass: 0.7,
                           inertia: Vec3(0.004, 0.004, 0.001))]
        let m = Model(options: o, bodies: bodies,
                      joints: [Joint(type: .hinge, body: 1, axis: .unitY), Joint(type: .hinge, body: 2, axis: .unitY)])
        var d = Data(m)
        d.qpos[0] = 1.2; d.qpos[1] = -0.7; d.qvel[0] = 1
        forward(m, &d)
        let e0 = kineticEnergy(m, d) + potentialEnergy(m, d)
        var worst = 0.0, maxKinetic = 0.0
        for _ in 0..<10_000 {
            step(m, &d)
            forward(m, &d)
            let k = kineticEnergy(m, d)
            maxKinetic = max(maxKinetic, k)
            worst = max(worst, abs(k + potentialEnergy(m, d) - e0))
        }
        #expect(abs(e0) > 1 && maxKinetic > 1, "the test needs real motion: E0 \(e0), max KE \(maxKinetic)")
        #expect(worst / abs(e0) < 1e-8, "drift \(worst) of \(e0)")
    }

    @Test("planar 2-link arm: M equals the textbook matrix, symmetric positive definite",
          arguments: [0.0, 0.7, -2.1, 3.0])
    func planarMassMatrix(q2: Double) {
        let (m1, m2, l1, lc1, lc2, i1, i2, arm) = (1.2, 0.8, 0.5, 0.2, 0.3, 0.05, 0.02, 0.01)
        let m = planarArm(m1: m1, m2: m2, l1: l1, lc1: lc1, lc2: lc2, i1: i1, i2: i2, armature: arm)
        var d = Data(m)
        d.qpos = [0.4, q2]
        forward(m, &d)
        let c = cos(q2)
        let m11 = i1 + i2 + m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c) + arm
        let m12 = i2 + m2 * (lc2 * lc2 + l1 * lc2 * c)
        let m22 = i2 + m2 * lc2 * lc2 + arm
        #expect(maxAbsDifference(d.qM, [m11, m12, m12, m22]) < 1e-14, "\(d.qM)")
        #expect(d.qM[1] == d.qM[2])
        #expect(d.qM[0] > 0 && d.qM[0] * d.qM[3] - d.qM[1] * d.qM[2] > 0)
    }

    @Test("M is symmetric positive definite and M·qacc reproduces the force on every fixture",
          arguments: ["arm3", "ballchain", "freebody", "slider", "mixed"])
    func massMatrixProperties(name: String) {
        let m = FixtureModels.named(name, .euler)
        var d = Data(m)
        d.reset(m, keyframe: 0)
        forward(m, &d)
        let n = m.nv
        for i in 0..<n { for j in 0..<n { #expect(d.qM[i * n + j] == d.qM[j * n + i]) } }
        // Dense Cholesky succeeds (all pivots positive) iff M is positive definite.
        var l = d.qM
        for j in 0..<n {
            var s = l[j * n + j]
            for k in 0..<j { s -= l[j * n + k] * l[j * n + k] }
            #expect(s > 0, "pivot \(j) = \(s)")
            let ljj = s.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<max(n, j + 1) {
                var t = l[i * n + j]
                for k in 0..<j { t -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = t / ljj
            }
        }
        // The sparse LᵀDL solve: M·qacc = qfrcSmooth.
        for i in 0..<n {
            var r = 0.0
            for j in 0..<n { r += d.qM[i * n + j] * d.qacc[j] }
            #expect(abs(r - d.qfrcSmooth[i]) < 1e-11 * max(1, abs(d.qfrcSmooth[i])))
        }
    }

    @Test("bias forces equal the Euler–Lagrange terms from finite differences of the Lagrangian",
          arguments: ["arm3", "slider"])
    func biasFromLagrangian(name: String) {
        // Without springs, bias = d/dt(∂L/∂q̇)|_{q̈=0} − ∂L/∂q with L = ½q̇ᵀM(q)q̇ + Σ m g·x_com.
        let m = FixtureModels.named(name, .euler)
        var d = Data(m)
        d.reset(m, keyframe: 0)
        let q0 = d.qpos, v = d.qvel
        forward(m, &d)
        let bias = d.qfrcBias
        func lagrangian(_ q: [Double], _ qd: [Double]) -> Double {
            var e = Data(m)
            e.qpos = q; e.qvel = qd
            forward(m, &e)
            var gravity = 0.0
            for b in 1..<m.bodies.count { gravity += m.bodies[b].mass * m.options.gravity.dot(e.xipos[b]) }
            return kineticEnergy(m, e) + gravity
        }
        func momentum(_ q: [Double]) -> [Double] {
            finiteDifferenceGradient(v, h: 1e-4) { lagrangian(q, $0) }  // exact: L is quadratic in q̇
        }
        let eps = 1e-5
        let plus = momentum(zip(q0, v).map { $0 + eps * $1 })
        let minus = momentum(zip(q0, v).map { $0 - eps * $1 })
        let dLdq = finiteDifferenceGradient(q0, h: 1e-6) { lagrangian($0, v) }
        for i in 0..<m.nv {
            let expected = (plus[i] - minus[i]) / (2 * eps) - dLdq[i]
            #expect(abs(bias[i] - expected) < 1e-6 * max(1, abs(expected)), "dof \(i): \(bias[i]) vs \(expected)")
        }
    }

    /// World angular momentum about the origin of every body of a model with one free or ball
    /// joint on body 1, as a function of the state.
    static func momentum(_ m: Model, qpos: [Double], qvel: [Double]) -> Vec3 {
        var d = Data(m)
        d.qpos = qpos; d.qvel = qvel
        forward(m, &d)
        let r = d.xmat[1]
        if m.joints[0].type == .free {
            let omega = r * Vec3(qvel[3], qvel[4], qvel[5])
            let vc = Vec3(qvel[0], qvel[1], qvel[2]) + omega.cross(d.xipos[1] - d.xpos[1])
            return angularMomentum(m, d, body: 1, omegaWorld: omega, comVelocity: vc)
        }
        let omega = r * Vec3(qvel[0], qvel[1], qvel[2])
        return angularMomentum(m, d, body: 1, omegaWorld: omega, comVelocity: .zero)
    }

    /// The asymmetric tumbling free body (COM off the frame origin, principal axes rotated) and a
    /// body on a ball joint anchored at its COM, both without gravity.
    static func torqueFree(_ kind: String, h: Double) -> (Model, [Double]) {
        var o = Options()
        o.gravity = .zero
        o.integrator = .rk4
        o.timestep = h
        if kind == "free" {
            let m = freeBody(mass: 2.5, inertia: Vec3(0.06, 0.045, 0.025), iquat: Quat(0.8, 0.1, 0.5, -0.2).normalized(),
                             ipos: Vec3(0.05, -0.02, 0.03), gravity: .zero, integrator: .rk4, h: h)
            return (m, [0.3, -0.2, 0.5, 3, -4, 6])
        }
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "top", parent: 0, pos: Vec3(0, 0, 1), quat: Quat(0.9, 0.3, 0, 0.1).normalized(),
                           ipos: Vec3(0.1, 0, 0), iquat: Quat(0.7, 0.2, 0.3, 0.1).normalized(), mass: 1.7,
                           inertia: Vec3(0.05, 0.03, 0.02))]
        // Anchor at the COM so the joint transmits no torque.
        return (Model(options: o, bodies: bodies, joints: [Joint(type: .ball, body: 1, pos: Vec3(0.1, 0, 0))]),
                [2, -5, 4])
    }

    @Test("torque-free asymmetric free body / ball-joint body: dL/dt = 0 along the computed flow",
          arguments: ["free", "ball"])
    func momentumRate(kind: String) {
        // Differentiates L(q, q̇) along (q̇, q̈) with q̈ from forward: checks the dynamics
        // (gyroscopic terms, COM offsets) independently of any integrator.
        let (m, v0) = Self.torqueFree(kind, h: 0.001)
        var d = Data(m)
        d.qvel = v0
        for _ in 0..<3 {
            for _ in 0..<200 { step(m, &d) }  // visit a few different attitudes
            forward(m, &d)
            let eps = 1e-6
            var qp = d.qpos, qm = d.qpos
            integratePosition(m, qpos: &qp, velocity: d.qvel, h: eps)
            integratePosition(m, qpos: &qm, velocity: d.qvel, h: -eps)
            let vp = zip(d.qvel, d.qacc).map { $0 + eps * $1 }
            let vm = zip(d.qvel, d.qacc).map { $0 - eps * $1 }
            let rate = (1 / (2 * eps)) * (Self.momentum(m, qpos: qp, qvel: vp) - Self.momentum(m, qpos: qm, qvel: vm))
            let l = Self.momentum(m, qpos: d.qpos, qvel: d.qvel)
            let omega = kind == "free" ? Vec3(d.qvel[3], d.qvel[4], d.qvel[5]).norm : Vec3(d.qvel[0], d.qvel[1], d.qvel[2]).norm
            // Scale: |L|·|ω| is the size of each gyroscopic term that has to cancel.
            #expect(rate.norm < 1e-7 * l.norm * omega, "dL/dt = \(rate) with |L| \(l.norm)")
        }
    }

    @Test("torque-free asymmetric free body / ball-joint body keeps its world angular momentum (RK4, 2 s)",
          arguments: ["free", "ball"])
    func momentumConserved(kind: String) {
        // MuJoCo's RK4 rotates once by the averaged body-frame velocity, which is second order
        // on SO(3): at h = 0.1 ms the drift is ~1e-8 relative; wrong dynamics would give O(1).
        let (m, v0) = Self.torqueFree(kind, h: 0.0001)
        var d = Data(m)
        d.qvel = v0
        let l0 = Self.momentum(m, qpos: d.qpos, qvel: d.qvel)
        let w0 = d.qvel
        for _ in 0..<20_000 { step(m, &d) }
        let l1 = Self.momentum(m, qpos: d.qpos, qvel: d.qvel)
        #expect(maxAbsDifference(d.qvel, w0) > 0.5, "the body must really tumble")
        #expect((l1 - l0).norm / l0.norm < 1e-6, "|ΔL| = \((l1 - l0).norm) of \(l0.norm)")
    }

    @Test("springs: total energy (kinetic + gravity + ball/free/hinge/slide springs) is conserved under RK4")
    func springEnergy() {
        var o = Options()
        o.integrator = .rk4
        o.timestep = 0.0005
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "free", parent: 0, pos: Vec3(0, 0, 1), ipos: Vec3(0.02, 0.01, 0), mass: 1,
                           inertia: Vec3(0.02, 0.015, 0.01)),
                      Body(name: "ball", parent: 0, pos: Vec3(1, 0, 1), ipos: Vec3(0, 0, -0.2), mass: 0.8,
                           inertia: Vec3(0.01, 0.012, 0.005)),
                      Body(name: "slide", parent: 3 - 1, pos: Vec3(0, 0, -0.3), ipos: Vec3(0.05, 0, 0), mass: 0.5,
                           inertia: Vec3(0.002, 0.003, 0.004))]
        let joints = [Joint(type: .free, body: 1, stiffness: 5),
                      Joint(type: .ball, body: 2, stiffness: 2),
                      Joint(type: .slide, body: 3, axis: Vec3(1, 0, 0), springref: 0.1, stiffness: 10),
                      Joint(type: .hinge, body: 3, axis: Vec3(0, 1, 0), springref: -0.2, stiffness: 0.7)]
        let m = Model(options: o, bodies: bodies, joints: joints)
        var d = Data(m)
        d.qvel = [0.5, -0.3, 0.2, 1, -2, 1.5, 1.5, -1, 0.5, 0.4, -0.8]
        forward(m, &d)
        let e0 = kineticEnergy(m, d) + potentialEnergy(m, d)
        var worst = 0.0
        for _ in 0..<4000 {
            step(m, &d)
            forward(m, &d)
            worst = max(worst, abs(kineticEnergy(m, d) + potentialEnergy(m, d) - e0))
        }
        #expect(worst / abs(e0) < 1e-8, "drift \(worst) of \(e0)")
    }
}
