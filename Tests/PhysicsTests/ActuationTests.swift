import Testing
import Numerics
import Physics
import TestSupport

// Actuator forces against their definitions (MJCF-CONVENTIONS.md §5), written out by hand.

@Suite("Actuators")
struct ActuationTests {
    /// One slide and one hinge, each driven; no gravity so only actuators and applied forces act.
    static func model(_ actuators: [Actuator]) -> Model {
        var o = Options()
        o.gravity = .zero
        let bodies = [Body(name: "world", parent: -1),
                      Body(name: "cart", parent: 0, mass: 2, inertia: Vec3(0.1, 0.1, 0.1)),
                      Body(name: "arm", parent: 1, ipos: Vec3(0.2, 0, 0), mass: 0.5, inertia: Vec3(0.01, 0.01, 0.01))]
        let joints = [Joint(name: "rail", type: .slide, body: 1, axis: .unitX),
                      Joint(name: "pivot", type: .hinge, body: 2, axis: .unitZ)]
        return Model(options: o, bodies: bodies, joints: joints, actuators: actuators)
    }

    @Test("motor, position and velocity forces with gear: gain·ctrl + bias, joint gets gear·force")
    func forces() {
        let m = Self.model([.motor(joint: 0, gear: 3),
                            .position(joint: 1, gear: 2, kp: 40, kv: 1.5),
                            .velocity(joint: 0, gear: 0.5, kv: 7)])
        var d = Data(m)
        d.qpos = [0.3, -0.4]; d.qvel = [1.1, 0.6]
        d.ctrl = [0.7, 0.25, -0.9]
        forward(m, &d)
        let motor = 0.7
        let position = 40 * 0.25 - 40 * (2 * -0.4) - 1.5 * (2 * 0.6)
        let velocity = 7 * -0.9 - 7 * (0.5 * 1.1)
        #expect(maxAbsDifference(d.actuatorForce, [motor, position, velocity]) < 1e-14)
        #expect(maxAbsDifference(d.qfrcActuator, [3 * motor + 0.5 * velocity, 2 * position]) < 1e-13)
        // The actuator force reaches the dynamics: M·qacc = qfrcActuator (no other forces).
        let n = m.nv
        for i in 0..<n {
            let r = (0..<n).reduce(0.0) { $0 + d.qM[i * n + $1] * d.qacc[$1] }
            #expect(abs(r - d.qfrcActuator[i] + d.qfrcBias[i]) < 1e-12)
        }
    }

    @Test("ctrlrange clamps a copy of ctrl; forcerange clamps the force before gear")
    func clamping() {
        var motor = Actuator.motor(joint: 0, gear: 2)
        motor.ctrllimited = true; motor.ctrlrange = (-1, 0.5)
        var servo = Actuator.position(joint: 1, kp: 100)
        servo.forcelimited = true; servo.forcerange = (-3, 4)
        let m = Self.model([motor, servo])
        var d = Data(m)
        d.ctrl = [0.9, 1]
        forward(m, &d)
        #expect(d.ctrl == [0.9, 1], "ctrl itself is never modified")
        #expect(d.ctrlUsed == [0.5, 1])
        #expect(d.actuatorForce == [0.5, 4])  // 100·1 clamped to 4
        #expect(d.qfrcActuator == [1.0, 4])
        d.ctrl = [-5, -1]
        forward(m, &d)
        #expect(d.ctrlUsed == [-1, -1])
        #expect(d.actuatorForce == [-1, -3])
    }

    @Test("a NaN or infinite control zeroes all controls and raises a warning",
          arguments: [Double.nan, .infinity, -.infinity])
    func badControl(bad: Double) {
        let m = Self.model([.motor(joint: 0), .velocity(joint: 1, kv: 2)])
        var d = Data(m)
        d.qvel = [0, 0.5]
        d.ctrl = [3, bad]
        step(m, &d)
        #expect(d.ctrlUsed == [0, 0])
        #expect(d.actuatorForce == [0, -1])  // bias −kv·q̇ remains
        #expect(d.warning?.kind == .badCtrl && d.warning?.index == 1)
        #expect(d.qpos.allSatisfy { $0.isFinite } && d.qvel.allSatisfy { $0.isFinite })
    }

    @Test("applied forces: qfrcApplied adds directly; xfrcApplied acts through the COM Jacobian")
    func appliedForces() {
        let m = Self.model([])
        var d = Data(m)
        d.qpos = [0.1, 0.8]
        let f = Vec3(1, -2, 0.5), tau = Vec3(0, 0.3, 0.7)
        d.xfrcApplied[2] = Wrench(force: f, torque: tau)
        d.qfrcApplied = [0.25, -0.5]
        forward(m, &d)
        // Slide along x moves the COM along x; the hinge about z turns the arm about its anchor.
        let lever = d.xipos[2] - d.xanchor[1]
        let expected = [f.x + 0.25, Vec3.unitZ.cross(lever).dot(f) + tau.z - 0.5]
        #expect(maxAbsDifference(d.qfrcSmooth, expected) < 1e-14, "\(d.qfrcSmooth) vs \(expected)")
    }
}
