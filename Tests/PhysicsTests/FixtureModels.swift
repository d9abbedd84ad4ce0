import Foundation
import Numerics
import Physics

// The MJCF fixtures of Tests/PhysicsTests/Fixtures, assembled by hand with `Model.init` so that the
// engine can be checked against MuJoCo before (and independently of) the MJCF loader. Each builder
// mirrors its XML file line by line; MuJoCo normalizes quaternions and axes, so do we.

/// A unit quaternion from MJCF's `quat` attribute (normalized as MuJoCo does).
func q(_ w: Double, _ x: Double, _ y: Double, _ z: Double) -> Quat { Quat(w, x, y, z).normalized() }
/// Keyframe quaternions are normalized by MuJoCo's compiler too (3.3.0, verified on these
/// fixtures), so the compiled keyframes below hold unit quaternions.

/// A unit vector from MJCF's `axis` attribute.
func axis(_ x: Double, _ y: Double, _ z: Double) -> Vec3 { Vec3(x, y, z).normalized() }

/// A capsule/cylinder given by `fromto` along the body's −z axis from the origin: MuJoCo puts its
/// centre at the midpoint, its +z from the 2nd point to the 1st (here +z: identity).
func zCapsule(_ name: String, body: Int, length: Double, radius: Double) -> Geom {
    Geom(name: name, type: .capsule, body: body, size: Vec3(radius, length / 2, 0),
         pos: Vec3(0, 0, -length / 2), contype: 0, conaffinity: 0)
}

enum FixtureModels {
    static func options(_ integrator: Integrator) -> Options {
        var o = Options()
        o.timestep = 0.002
        o.gravity = Vec3(0, 0, -9.81)
        o.integrator = integrator
        return o
    }

    /// arm3.xml
    static func arm3(_ integrator: Integrator = .euler) -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "upper", parent: 0, pos: Vec3(0.1, -0.05, 0.5), quat: q(0.96, 0.1, 0.2, 0.15),
                 ipos: Vec3(0.01, 0.02, -0.1), iquat: q(0.9, 0.3, 0.1, 0.2), mass: 1.3,
                 inertia: Vec3(0.021, 0.017, 0.009)),
            Body(name: "fore", parent: 1, pos: Vec3(0.02, 0.01, -0.3), quat: q(0.95, -0.1, 0.05, 0.2),
                 ipos: Vec3(0, 0.01, -0.12), iquat: q(1, 0.2, -0.1, 0.05), mass: 0.8,
                 inertia: Vec3(0.011, 0.009, 0.004)),
            Body(name: "hand", parent: 2, pos: Vec3(0, 0, -0.25), quat: q(0.8, 0, 0.6, 0),
                 ipos: Vec3(0.02, 0, -0.05), mass: 0.4, inertia: Vec3(0.003, 0.002, 0.0015)),
        ]
        let joints = [
            Joint(name: "shoulder", type: .hinge, body: 1, pos: Vec3(0, 0, 0.05), axis: axis(0.1, 1, 0.2),
                  springref: 0.3, stiffness: 2, damping: 0.3, armature: 0.02),
            Joint(name: "elbow", type: .hinge, body: 2, pos: Vec3(0.01, 0, 0.02), axis: axis(1, 0.2, 0),
                  damping: 0.2, armature: 0.01),
            Joint(name: "wrist", type: .hinge, body: 3, axis: axis(0, 0.3, 1), ref: 0.1,
                  damping: 0.1, armature: 0.005),
        ]
        let geoms = [
            zCapsule("upper", body: 1, length: 0.3, radius: 0.04),
            zCapsule("fore", body: 2, length: 0.25, radius: 0.035),
            Geom(name: "hand", type: .box, body: 3, size: Vec3(0.03, 0.02, 0.06), pos: Vec3(0.02, 0, -0.05),
                 quat: q(0.9, 0.1, 0, 0.1), contype: 0, conaffinity: 0),
        ]
        let sites = [Site(name: "tip", body: 3, pos: Vec3(0.03, 0.01, -0.1), quat: q(0.7, 0.7, 0, 0))]
        var motor = Actuator.motor(name: "shoulder_motor", joint: 0, gear: 2)
        motor.ctrllimited = true; motor.ctrlrange = (-1, 1)
        motor.forcelimited = true; motor.forcerange = (-0.8, 0.8)
        var servo = Actuator.position(name: "elbow_servo", joint: 1, kp: 10, kv: 0.5)
        servo.ctrllimited = true; servo.ctrlrange = (-0.5, 0.5)
        let velocity = Actuator.velocity(name: "wrist_velocity", joint: 2, gear: 1.5, kv: 0.8)
        let key = Keyframe(name: "start", qpos: [0.4, -0.6, 0.9], qvel: [1, -0.5, 2], ctrl: [1.7, 0.3, 0.5])
        return Model(options: options(integrator), bodies: bodies, joints: joints, geoms: geoms, sites: sites,
                     actuators: [motor, servo, velocity], keyframes: [key])
    }

    /// ballchain.xml
    static func ballchain(_ integrator: Integrator = .euler) -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "link1", parent: 0, pos: Vec3(0, 0, 1), quat: q(0.98, 0, 0.2, 0),
                 ipos: Vec3(0.02, 0, -0.15), iquat: q(0.9, 0.1, 0.3, 0), mass: 1.1,
                 inertia: Vec3(0.03, 0.025, 0.006)),
            Body(name: "link2", parent: 1, pos: Vec3(0.05, 0, -0.3), quat: q(0.9, 0.2, 0, 0.3),
                 ipos: Vec3(0, 0.03, -0.12), iquat: q(0.8, 0, 0.2, 0.3), mass: 0.7,
                 inertia: Vec3(0.010, 0.008, 0.003)),
        ]
        let joints = [
            Joint(name: "ball1", type: .ball, body: 1, pos: Vec3(0, 0, 0.05), stiffness: 0.5, damping: 0.05,
                  armature: 0.01),
            Joint(name: "ball2", type: .ball, body: 2, pos: Vec3(0, 0.01, 0.02), damping: 0.02),
        ]
        let geoms = [zCapsule("link1", body: 1, length: 0.3, radius: 0.03),
                     zCapsule("link2", body: 2, length: 0.25, radius: 0.03)]
        let sites = [Site(name: "end", body: 2, pos: Vec3(0, 0.02, -0.25))]
        let key = Keyframe(name: "start", qpos: q(0.9, 0.1, 0.3, -0.2).array + [1, 0, 0, 0],
                           qvel: [0.5, -1, 2, -1, 0.5, 1.5], ctrl: [])
        return Model(options: options(integrator), bodies: bodies, joints: joints, geoms: geoms, sites: sites,
                     keyframes: [key])
    }

    /// freebody.xml
    static func freebody(_ integrator: Integrator = .euler) -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "tumbler", parent: 0, pos: Vec3(0.2, -0.1, 1.5), quat: q(0.9, 0.2, -0.3, 0.1),
                 ipos: Vec3(0.05, -0.02, 0.03), iquat: q(0.8, 0.1, 0.5, -0.2), mass: 2.5,
                 inertia: Vec3(0.06, 0.045, 0.025)),
            Body(name: "sprung", parent: 0, pos: Vec3(-0.3, 0.2, 0.8),
                 ipos: Vec3(0, 0.02, -0.01), iquat: q(0.7, 0, 0, 0.7), mass: 0.6,
                 inertia: Vec3(0.004, 0.003, 0.002)),
        ]
        let joints = [
            Joint(name: "tumbler", type: .free, body: 1),
            Joint(name: "sprung", type: .free, body: 2, stiffness: 3, damping: 0.1, armature: 0.02),
        ]
        let geoms = [
            Geom(name: "tumbler", type: .box, body: 1, size: Vec3(0.1, 0.07, 0.04), contype: 0, conaffinity: 0),
            Geom(name: "sprung", type: .sphere, body: 2, size: Vec3(0.05, 0, 0), contype: 0, conaffinity: 0),
        ]
        let sites = [Site(name: "marker", body: 2, pos: Vec3(0.04, 0, 0.02))]
        let key = Keyframe(name: "start", qpos: [0.2, -0.1, 1.5] + q(0.9, 0.2, -0.3, 0.1).array + [-0.3, 0.2, 0.8, 1, 0, 0, 0],
                           qvel: [0.3, -0.2, 1.0, 4, -2, 7, 0, 0, 0, 0.5, -0.3, 0.2], ctrl: [])
        return Model(options: options(integrator), bodies: bodies, joints: joints, geoms: geoms, sites: sites,
                     keyframes: [key])
    }

    /// slider.xml
    static func slider(_ integrator: Integrator = .euler) -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "carriage", parent: 0, pos: Vec3(0, 0.1, 0.3), quat: q(0.95, 0, 0.1, 0.3),
                 ipos: Vec3(0.03, 0, 0.01), iquat: q(0.9, 0, 0, 0.4), mass: 1.5, inertia: Vec3(0.02, 0.015, 0.01)),
            Body(name: "slider", parent: 1, pos: Vec3(0.1, 0, -0.2), quat: q(0.9, 0.3, 0, 0),
                 ipos: Vec3(0, 0, -0.05), mass: 0.5, inertia: Vec3(0.0035, 0.003, 0.001)),
        ]
        let joints = [
            Joint(name: "rail", type: .slide, body: 1, pos: Vec3(0, 0, 0.1), axis: axis(1, 0.2, 0.1),
                  springref: 0.05, stiffness: 20, damping: 0.4, armature: 0.05),
            Joint(name: "swing", type: .hinge, body: 1, pos: Vec3(0.02, 0, 0.05), axis: axis(0, 1, 0.1),
                  damping: 0.05, armature: 0.01),
            Joint(name: "extend", type: .slide, body: 2, axis: axis(0, 0.2, 1), ref: 0.02,
                  damping: 0.3),
        ]
        let geoms = [
            Geom(name: "carriage", type: .box, body: 1, size: Vec3(0.1, 0.05, 0.03), contype: 0, conaffinity: 0),
            Geom(name: "slider", type: .cylinder, body: 2, size: Vec3(0.02, 0.05, 0), contype: 0, conaffinity: 0),
        ]
        var servo = Actuator.position(name: "extend_servo", joint: 2, kp: 30, kv: 2)
        servo.forcelimited = true; servo.forcerange = (-5, 5)
        let key = Keyframe(name: "start", qpos: [0.1, 0.3, 0.05], qvel: [0.5, -1, 0.2], ctrl: [0.12])
        return Model(options: options(integrator), bodies: bodies, joints: joints, geoms: geoms,
                     actuators: [servo], keyframes: [key])
    }

    /// mixed.xml
    static func mixed(_ integrator: Integrator = .euler) -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "base", parent: 0, pos: Vec3(0, 0, 1), quat: q(0.9, 0.1, 0.2, -0.1),
                 ipos: Vec3(0.02, -0.01, 0.03), iquat: q(0.8, 0.2, 0.1, 0.3), mass: 3, inertia: Vec3(0.05, 0.04, 0.03)),
            Body(name: "yoke", parent: 1, pos: Vec3(0.1, 0.05, -0.1), quat: q(0.9, 0, 0.3, 0.1),
                 ipos: Vec3(0.05, 0, -0.02), iquat: q(0.9, 0.1, 0, 0.2), mass: 0.9, inertia: Vec3(0.008, 0.007, 0.004)),
            Body(name: "wrist", parent: 2, pos: Vec3(0.12, 0, 0), quat: q(0.95, 0.2, 0.1, 0),
                 ipos: Vec3(0, 0.02, -0.04), iquat: q(0.7, 0.3, 0.2, 0.1), mass: 0.5,
                 inertia: Vec3(0.003, 0.0025, 0.0015)),
            Body(name: "rail", parent: 0, pos: Vec3(0.5, -0.3, 0.6), quat: q(0.9, 0.3, 0, 0.2),
                 ipos: Vec3(0.02, 0.01, -0.1), mass: 1.2, inertia: Vec3(0.012, 0.01, 0.005)),
            Body(name: "weight", parent: 4, pos: Vec3(0.1, 0, -0.15), quat: q(0.8, 0.2, 0.4, 0.1),
                 ipos: Vec3(0.01, 0.02, 0), iquat: q(0.9, 0, 0.1, 0.3), mass: 0.4, inertia: Vec3(0.002, 0.0015, 0.001)),
        ]
        let joints = [
            Joint(name: "base", type: .free, body: 1),
            Joint(name: "yaw", type: .hinge, body: 2, pos: Vec3(0, 0, 0.02), axis: axis(0, 0.1, 1), damping: 0.05,
                  armature: 0.01),
            Joint(name: "pitch", type: .hinge, body: 2, pos: Vec3(0.03, 0, 0), axis: axis(0, 1, 0.2), springref: 0.2,
                  stiffness: 1.5, damping: 0.08),
            Joint(name: "ball", type: .ball, body: 3, pos: Vec3(0.01, 0, 0.01), damping: 0.01),
            Joint(name: "extend", type: .slide, body: 3, axis: axis(0.1, 0.2, 1), stiffness: 8, damping: 0.2),
            Joint(name: "track", type: .slide, body: 4, axis: axis(1, 0, 0.3), damping: 0.3, armature: 0.02),
            Joint(name: "arm", type: .hinge, body: 4, pos: Vec3(0, 0.02, 0.03), axis: axis(0.2, 1, 0), damping: 0.1),
        ]
        // fromto "0 0 0 0.1 0 0": centre at the midpoint, +z from the 2nd point to the 1st (−x).
        let half = 0.5.squareRoot()
        let geoms = [
            Geom(name: "base", type: .box, body: 1, size: Vec3(0.1, 0.1, 0.05), contype: 0, conaffinity: 0),
            Geom(name: "yoke", type: .capsule, body: 2, size: Vec3(0.02, 0.05, 0), pos: Vec3(0.05, 0, 0),
                 quat: Quat(half, 0, -half, 0), contype: 0, conaffinity: 0),
            Geom(name: "wrist", type: .sphere, body: 3, size: Vec3(0.03, 0, 0), contype: 0, conaffinity: 0),
            Geom(name: "rail", type: .cylinder, body: 4, size: Vec3(0.03, 0.1, 0), contype: 0, conaffinity: 0),
            Geom(name: "weight", type: .box, body: 5, size: Vec3(0.02, 0.02, 0.02), contype: 0, conaffinity: 0),
        ]
        let sites = [Site(name: "tool", body: 3, pos: Vec3(0.02, 0.01, -0.06), quat: q(0.9, 0, 0.3, 0.2)),
                     Site(name: "weight", body: 5, pos: Vec3(0.02, 0, 0.01))]
        var motor = Actuator.motor(name: "track_motor", joint: 5, gear: 3)
        motor.ctrllimited = true; motor.ctrlrange = (-2, 2)
        let key = Keyframe(name: "start",
                           qpos: [0, 0, 1] + q(0.9, 0.1, 0.2, -0.1).array + [0.3, -0.2] + q(0.95, 0.1, -0.2, 0.2).array
                               + [0.03, 0.1, 0.4],
                           qvel: [0.2, -0.1, 0.5, 1, -2, 0.5, 1.5, -1, 0.5, 1, -1, 0.3, 0.4, -1], ctrl: [0.3, 2.5])
        return Model(options: options(integrator), bodies: bodies, joints: joints, geoms: geoms, sites: sites,
                     actuators: [.position(name: "pitch_servo", joint: 2, kp: 5, kv: 0.2), motor], keyframes: [key])
    }

    /// Constant applied forces the generator sets after the reset (see APPLIED there).
    static func applyForces(_ name: String, _ d: inout Physics.Data) {
        guard name == "mixed" else { return }
        d.qfrcApplied = [0, 0, 0, 0, 0, 0, 0.1, -0.05, 0, 0, 0, 0, 0.2, 0]
        d.xfrcApplied[2] = Wrench(force: Vec3(0.5, -0.3, 1.0), torque: Vec3(0.02, 0.01, -0.03))
        d.xfrcApplied[3] = Wrench(force: Vec3(0, 0.4, 0.2), torque: Vec3(0.01, 0, 0))
    }

    /// Models whose first quaternion (qpos[0...3]) the fixture generator scales after the reset.
    static let nonUnitScale: [String: Double] = ["ballchain": 0.97]

    static func named(_ name: String, _ integrator: Integrator) -> Model {
        switch name {
        case "arm3": arm3(integrator)
        case "ballchain": ballchain(integrator)
        case "freebody": freebody(integrator)
        case "slider": slider(integrator)
        case "mixed": mixed(integrator)
        default: fatalError("no fixture model \(name)")
        }
    }
}

/// Fixture files, found relative to this source file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A CSV trajectory: header names and rows of numbers.
    static func trajectory(_ name: String) throws -> (header: [String], rows: [[Double]]) {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n")
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let rows = try lines.map { line in
            try line.split(separator: ",").map { field -> Double in
                guard let x = Double(field) else { throw FixtureError.badNumber(String(field), name) }
                return x
            }
        }
        return (header, rows)
    }

    /// A `name,values...` file: stage quantities by name.
    static func stages(_ model: String) throws -> [String: [Double]] {
        let file = "\(model)_stages.csv"
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        var out: [String: [Double]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(fields[0])] = try fields.dropFirst().map { field in
                guard let x = Double(field) else { throw FixtureError.badNumber(String(field), file) }
                return x
            }
        }
        return out
    }
}

enum FixtureError: Error { case badNumber(String, String) }
