import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// Contacts and friction against analytic mechanics (issue "Contacts and collisions"). Every scene
// runs at MuJoCo's default 2 ms step with default contact softness unless it says otherwise.
// A contact's friction is the larger of its two geoms' (MuJoCo's rule), so planes carry the
// object's coefficient explicitly.

private func load(_ xml: String) throws -> Model { try MJCF.load(string: xml, name: "scene") }

private func run(_ m: Model, _ d: inout Physics.Data, seconds: Double, each: (Physics.Data) -> Void = { _ in }) {
    let n = Int((seconds / m.options.timestep).rounded())
    for _ in 0..<n {
        step(m, &d)
        each(d)
    }
}

/// Mean x acceleration of a free body over 1 s, after 0.2 s to settle onto the plane.
private func downhillAcceleration(_ m: Model, _ d: inout Physics.Data) -> Double {
    run(m, &d, seconds: 0.2)
    let v0 = d.qvel[0], t0 = d.time
    run(m, &d, seconds: 1.0)
    return (d.qvel[0] - v0) / (d.time - t0)
}

/// Gravity of magnitude g tilted by θ about y, so that "downhill" is +x on a level plane: the
/// same mechanics as an incline of angle θ, with exact contact geometry.
private func tiltedGravity(_ thetaDegrees: Double, g: Double = 9.81) -> String {
    let t = thetaDegrees * Double.pi / 180
    return "\(g * sin(t)) 0 \(-g * cos(t))"
}

@Suite("Contact physics against analytic results")
struct ContactPhysicsTests {
    @Test("a box resting on a plane: after 10 s drift < 1 mm, tilt < 0.1°, penetration < 1 mm")
    func restingBox() throws {
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="2 2 .1"/>
          <body pos="0 0 0.05"><freejoint/><geom type="box" size=".1 .08 .05"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        var deepest = 0.0
        run(m, &d, seconds: 10) { d in
            for c in 0..<d.contacts.count { deepest = max(deepest, -d.contacts[c].dist) }
        }
        let drift = ((d.qpos[0]) * d.qpos[0] + d.qpos[1] * d.qpos[1]).squareRoot()
        let q = Quat(d.qpos[3], d.qpos[4], d.qpos[5], d.qpos[6]).normalized()
        let up = q.rotate(.unitZ)
        let tiltDegrees = acos(min(1, up.z)) * 180 / Double.pi
        #expect(drift < 1e-3, "drift \(drift) m")
        #expect(tiltDegrees < 0.1, "tilt \(tiltDegrees)°")
        #expect(deepest < 1e-3, "penetration \(deepest) m")
        #expect(abs(d.qpos[2] - 0.05) < 1e-3)
        #expect(d.contacts.count == 4)
    }

    @Test("on a 20° incline a box with μ = 0.2 slides at g(sin θ − μ cos θ) within 3%")
    func slidingOnIncline() throws {
        let theta = 20.0, mu = 0.2, g = 9.81
        let m = try load("""
        <mujoco><option gravity="\(tiltedGravity(theta))"/><worldbody>
          <geom type="plane" size="5 5 .1" friction="\(mu) 0.005 0.0001"/>
          <body pos="0 0 0.05"><freejoint/><geom type="box" size=".05 .05 .05" friction="\(mu) 0.005 0.0001"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        let measured = downhillAcceleration(m, &d)
        let t = theta * Double.pi / 180
        let expected = g * (sin(t) - mu * cos(t))
        #expect(abs(measured - expected) < 0.03 * expected, "a = \(measured), expected \(expected)")
        #expect(abs(d.qvel[1]) < 1e-6, "no sideways motion")
    }

    @Test("on a 20° incline a box with μ = 0.6 (above tan θ = 0.36) moves less than 2 mm in 1 s")
    func stickingOnIncline() throws {
        let m = try load("""
        <mujoco><option gravity="\(tiltedGravity(20))"/><worldbody><geom type="plane" size="5 5 .1" friction="0.6 0.005 0.0001"/>
          <body pos="0 0 0.05"><freejoint/><geom type="box" size=".05 .05 .05" friction="0.6 0.005 0.0001"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        run(m, &d, seconds: 1)
        let moved = (d.qpos[0] * d.qpos[0] + d.qpos[1] * d.qpos[1]).squareRoot()
        #expect(moved < 2e-3, "moved \(moved) m")
    }

    @Test("a solid sphere rolls down a 20° incline at 5/7 g sin θ within 3%")
    func rollingSphere() throws {
        let theta = 20.0, g = 9.81
        let m = try load("""
        <mujoco><option gravity="\(tiltedGravity(theta))"/><worldbody><geom type="plane" size="5 5 .1"/>
          <body pos="0 0 0.05"><freejoint/><geom type="sphere" size=".05"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        let measured = downhillAcceleration(m, &d)
        let expected = 5.0 / 7.0 * g * sin(theta * Double.pi / 180)
        #expect(abs(measured - expected) < 0.03 * expected, "a = \(measured), expected \(expected)")
        // Rolling without slipping: v = ω r (ω about +y in the world for motion along +x).
        let q = Quat(d.qpos[3], d.qpos[4], d.qpos[5], d.qpos[6]).normalized()
        let omegaWorld = q.rotate(Vec3(d.qvel[3], d.qvel[4], d.qvel[5]))
        #expect(abs(omegaWorld.y * 0.05 - d.qvel[0]) < 0.02 * abs(d.qvel[0]))
    }

    @Test("a box sliding on a plane stops after v0²/(2μg) within 5%")
    func slidingStop() throws {
        let mu = 0.3, v0 = 2.0, g = 9.81
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="5 5 .1" friction="\(mu) 0.005 0.0001"/>
          <body pos="0 0 0.05"><freejoint/><geom type="box" size=".05 .05 .05" friction="\(mu) 0.005 0.0001"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        run(m, &d, seconds: 0.1)  // settle onto the plane
        let x0 = d.qpos[0]
        d.qvel[0] = v0
        run(m, &d, seconds: 1.5)
        let distance = d.qpos[0] - x0
        let expected = v0 * v0 / (2 * mu * g)
        #expect(abs(distance - expected) < 0.05 * expected, "slid \(distance) m, expected \(expected)")
        #expect(abs(d.qvel[0]) < 1e-3, "still moving at \(d.qvel[0]) m/s")
    }

    @Test("a stack of two boxes and a cylinder stays up for 10 s")
    func mixedStack() throws {
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="2 2 .1"/>
          <body name="bottom" pos="0 0 0.05"><freejoint/><geom type="box" size=".1 .1 .05"/></body>
          <body name="middle" pos="0.01 0 0.16"><freejoint/><geom type="cylinder" size=".06 .06"/></body>
          <body name="top" pos="0 0.01 0.27" euler="0 0 25"><freejoint/><geom type="box" size=".05 .05 .05"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        forward(m, &d)
        let start = (1...3).map { d.xpos[$0] }
        run(m, &d, seconds: 10)
        for b in 1...3 {
            let moved = (d.xpos[b] - start[b - 1]).norm
            #expect(moved < 3e-3, "body \(m.bodies[b].name) moved \(moved) m")
            let up = d.xmat[b] * Vec3.unitZ
            #expect(up.z > cos(0.5 * Double.pi / 180), "body \(m.bodies[b].name) tilted")
        }
        #expect(d.warning == nil)
    }

    @Test("a dropped box comes to rest and kinetic plus potential energy never exceeds its start")
    func noEnergyGain() throws {
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="2 2 .1"/>
          <body pos="0 0 0.4" euler="25 35 10"><freejoint/><geom type="box" size=".06 .04 .03" friction="0.7 0.005 0.0001"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        forward(m, &d)
        let e0 = kineticEnergy(m, d) + potentialEnergy(m, d)
        var highest = -Double.infinity
        // After `step`, derived fields describe the pre-step state: refresh them before measuring.
        var probe = d
        run(m, &d, seconds: 4) { d in
            probe = d
            forward(m, &probe)
            highest = max(highest, kineticEnergy(m, probe) + potentialEnergy(m, probe))
        }
        forward(m, &d)
        #expect(highest <= e0 + 1e-9 * abs(e0), "energy rose to \(highest) from \(e0)")
        #expect(kineticEnergy(m, d) < 1e-6, "still moving: T = \(kineticEnergy(m, d))")
    }

    @Test("contact forces lie inside the (pyramidal) friction cone and push geoms apart")
    func forcesInCone() throws {
        let m = try load("""
        <mujoco><option gravity="\(tiltedGravity(30))"/><worldbody><geom type="plane" size="5 5 .1" friction="0.3 0.005 0.0001"/>
          <body pos="0 0 0.05" euler="0 0 30"><freejoint/><geom type="box" size=".05 .05 .05" friction="0.3 0.005 0.0001"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        var checked = 0
        run(m, &d, seconds: 0.5) { d in
            for c in 0..<d.contacts.count where d.efc.contactRowAdr[c] >= 0 {
                let f = d.efc.contactForce[c]
                #expect(f.x >= 0)
                #expect(abs(f.y) + abs(f.z) <= 0.3 * f.x * (1 + 1e-9) + 1e-12)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test("joint limits hold a falling link at its range (soft, within a degree)")
    func jointLimit() throws {
        let m = try load("""
        <mujoco><worldbody>
          <body pos="0 0 1"><joint type="hinge" axis="0 -1 0" range="-30 30"/>
            <geom type="capsule" fromto="0 0 0 0.3 0 0" size="0.03"/></body>
        </worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        var lowest = 0.0
        run(m, &d, seconds: 3) { d in lowest = min(lowest, d.qpos[0]) }
        let limit = -30 * Double.pi / 180
        #expect(abs(d.qpos[0] - limit) < 1 * Double.pi / 180, "rests at \(d.qpos[0] * 180 / .pi)°")
        #expect(lowest > limit - 3 * Double.pi / 180, "overshoot to \(lowest * 180 / .pi)°")
        #expect(abs(d.qvel[0]) < 1e-3)
    }
}

// MARK: - Grasping

/// Two finger pads on slide joints, carried by a lifting carriage, squeeze a box that rests on
/// the floor. Each finger motor pushes with `squeeze` N; the carriage is then raised 10 cm.
///
/// impratio = 10 makes friction ten times stiffer than the normal direction, MuJoCo's usual
/// setting for grasping: soft friction lets a held object creep, and with the default
/// impratio = 1 the box held at 1.5× the needed grip creeps 13 mm during this lift in MuJoCo
/// 3.3.0 as in MetaRL (both 0.0870 m lifted); with 10, 1.3 mm.
private func graspScene(squeeze: Double, mu: Double, mass: Double) throws -> (lifted: Double, model: Model) {
    let m = try load("""
    <mujoco>
      <option impratio="10"/>
      <worldbody>
        <geom type="plane" size="1 1 .1" contype="1" conaffinity="1"/>
        <body name="carriage" pos="0 0 0.05">
          <joint name="lift" type="slide" axis="0 0 1" damping="50"/>
          <inertial pos="0 0 0" mass="1" diaginertia=".01 .01 .01"/>
          <body name="left" pos="-0.045 0 0">
            <joint name="lj" type="slide" axis="1 0 0" damping="5"/>
            <geom type="box" size="0.01 0.02 0.02" mass="0.05" friction="\(mu) 0.005 0.0001" contype="2" conaffinity="2"/>
          </body>
          <body name="right" pos="0.045 0 0">
            <joint name="rj" type="slide" axis="-1 0 0" damping="5"/>
            <geom type="box" size="0.01 0.02 0.02" mass="0.05" friction="\(mu) 0.005 0.0001" contype="2" conaffinity="2"/>
          </body>
        </body>
        <body name="object" pos="0 0 0.03"><freejoint/>
          <geom type="box" size="0.03 0.03 0.03" mass="\(mass)" friction="\(mu) 0.005 0.0001" contype="3" conaffinity="3"/>
        </body>
      </worldbody>
      <actuator>
        <position name="lift" joint="lift" kp="5000"/>
        <motor name="left" joint="lj"/>
        <motor name="right" joint="rj"/>
      </actuator>
    </mujoco>
    """)
    var d = Physics.Data(m)
    let object = m.body(named: "object")!
    d.ctrl[1] = squeeze
    d.ctrl[2] = squeeze
    // Close the fingers, then raise the carriage 10 cm along a smooth (cosine) profile over 1 s
    // and hold for 1 s.
    run(m, &d, seconds: 0.5)
    forward(m, &d)
    let z0 = d.xpos[object].z
    let t0 = d.time
    let n = Int(2.0 / m.options.timestep)
    for _ in 0..<n {
        let s = min(1, (d.time - t0) / 1.0)
        d.ctrl[0] = 0.1 * 0.5 * (1 - cos(Double.pi * s))
        step(m, &d)
    }
    forward(m, &d)
    return (d.xpos[object].z - z0, m)
}

@Suite("Grasping by friction")
struct GraspTests {
    @Test("pads lift a box when 2μF = 1.5 mg and lose it when 2μF = 0.5 mg")
    func squeezeThreshold() throws {
        let mu = 1.0, mass = 0.1, g = 9.81
        let holding = try graspScene(squeeze: 1.5 * mass * g / (2 * mu), mu: mu, mass: mass)
        #expect(holding.lifted > 0.095, "lifted only \(holding.lifted) m")
        let slipping = try graspScene(squeeze: 0.5 * mass * g / (2 * mu), mu: mu, mass: mass)
        #expect(slipping.lifted < 0.01, "lifted \(slipping.lifted) m with too little grip")
    }
}

@Suite("Contacts: determinism")
struct ContactDeterminismTests {
    @Test("a reset Data steps bit for bit like a fresh one, warm start included")
    func resetIsFresh() throws {
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="2 2 .1"/>
          <body pos="0 0 0.0299" euler="0 0 30"><freejoint/><geom type="box" size=".05 .04 .03"/></body>
          <body pos="0.2 0 0.0299" euler="0 90 0"><freejoint/><geom type="capsule" size=".03 .05"/></body>
        </worldbody></mujoco>
        """)
        var used = Physics.Data(m)
        // The bodies start in contact, so the very first step's solve uses the warm start.
        run(m, &used, seconds: 0.5)  // leaves contacts, forces and a warm start behind
        used.reset(m)
        var fresh = Physics.Data(m)
        for _ in 0..<400 {
            step(m, &used)
            step(m, &fresh)
        }
        #expect(used.qpos == fresh.qpos && used.qvel == fresh.qvel)
    }
}

@Suite("Contacts: capacity")
struct ContactCapacityTests {
    @Test("contacts beyond the buffer's capacity raise a warning instead of vanishing silently")
    func overflowWarns() throws {
        let m = try load("""
        <mujoco><worldbody><geom type="plane" size="2 2 .1"/>
          <body pos="0 0 0.0499"><freejoint/><geom type="box" size=".05 .05 .05"/></body>
        </worldbody></mujoco>
        """)
        var small = Physics.Data(m, contactCapacity: 2)
        step(m, &small)
        #expect(small.contacts.count == 2)
        #expect(small.warning?.kind == .contactOverflow && small.warning?.index == 2)
        var enough = Physics.Data(m)
        step(m, &enough)
        #expect(enough.contacts.count == 4 && enough.warning == nil)
    }
}
