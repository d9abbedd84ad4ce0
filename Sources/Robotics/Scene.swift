import Foundation
import Numerics
import Physics

// Scene assembly: the randomizer is the pure function (robot Model, options, object) -> Model.
// The object becomes one free body appended after the robot's bodies, so the robot's indices
// (bodies, joints, dofs, qpos addresses, geoms, sites, actuators) are the same in every task's
// model and the object's are always the last ones.

/// World z of the table top in the suite's robot files (m).
public let tableTop = 0.75

/// Contact softness of objects: the arm's pad values (time constant 0.01 s, dmax 0.99), so pad
/// and table contacts penetrate well under a millimetre at full grip force (see arm7.xml).
private let objectSolver = SolverParameters(solref: (0.01, 1), solimp: [0.95, 0.99, 0.001, 0.5, 2])

/// Returns `robot` with the spec's timestep and impratio and, if given, `object` as a free body
/// named "object" resting on the table at (0.5, 0). Keyframes gain the object's resting pose and
/// zero velocity.
public func assembleScene(robot: Model, timestep: Double, impratio: Double, object: ObjectSpec?) -> Model {
    var options = robot.options
    options.timestep = timestep
    options.impratio = impratio
    var bodies = robot.bodies, joints = robot.joints, geoms = robot.geoms
    var keyframes = robot.keyframes
    if let object {
        let b = bodies.count
        let rest = Vec3(0.5, 0, tableTop + object.halfExtents.z)
        let com = object.comOffset.map { Vec3($0[0], $0[1], $0[2]) } ?? .zero
        bodies.append(Body(name: "object", parent: 0, pos: rest, quat: .identity, ipos: com, iquat: .identity,
                           mass: object.mass, inertia: principalInertia(object)))
        joints.append(Joint(name: "object", type: .free, body: b))
        let size: Vec3, quat: Quat
        switch object.shape {
        case .box: size = Vec3(object.size[0], object.size[1], object.size[2]); quat = .identity
        case .sphere: size = Vec3(object.size[0], 0, 0); quat = .identity
        case .cylinder: size = Vec3(object.size[0], object.size[1], 0); quat = .identity
        // The capsule's segment (geom z) is turned onto the body's x axis: 90° about y.
        case .capsule: size = Vec3(object.size[0], object.size[1], 0); quat = Quat(axis: .unitY, angle: Double.pi / 2)
        }
        // Priority 2 beats the pads' 1: the object's own friction governs every contact it has.
        geoms.append(Geom(name: "object", type: GeomType(object.shape), body: b, size: size, quat: quat,
                          friction: Vec3(object.friction, 0.005, 0.0001), contype: 1, conaffinity: 1,
                          priority: 2, solver: objectSolver, rgba: (0.85, 0.35, 0.2, 1)))
        keyframes = keyframes.map { k in
            Keyframe(name: k.name, time: k.time, qpos: k.qpos + [rest.x, rest.y, rest.z, 1, 0, 0, 0],
                     qvel: k.qvel + Array(repeating: 0, count: 6), ctrl: k.ctrl)
        }
    }
    return Model(name: robot.name, options: options, bodies: bodies, joints: joints, geoms: geoms,
                 sites: robot.sites, actuators: robot.actuators, keyframes: keyframes)
}

extension GeomType {
    init(_ shape: Shape) {
        switch shape {
        case .box: self = .box
        case .sphere: self = .sphere
        case .cylinder: self = .cylinder
        case .capsule: self = .capsule
        }
    }
}

/// Principal moments (kg·m²) of the object as a uniform solid, about axes through its centre of
/// mass parallel to the body axes (the capsule lies along x). A centre-of-mass offset moves the
/// mass centre but keeps the uniform solid's moments: a small-offset approximation.
public func principalInertia(_ o: ObjectSpec) -> Vec3 {
    let m = o.mass
    switch o.shape {
    case .box:
        let a = o.size[0], b = o.size[1], c = o.size[2]
        return Vec3(m / 3 * (b * b + c * c), m / 3 * (a * a + c * c), m / 3 * (a * a + b * b))
    case .sphere:
        let i = 0.4 * m * o.size[0] * o.size[0]
        return Vec3(i, i, i)
    case .cylinder:
        let r = o.size[0], h = o.size[1]
        let side = m * (3 * r * r + 4 * h * h) / 12
        return Vec3(side, side, m * r * r / 2)
    case .capsule:
        // A cylinder of half-length h and two hemispherical caps, mass split by volume; the caps'
        // moment about a perpendicular axis through the centre is MuJoCo's
        // ms·(2r²/5 + h² + 3hr/4).
        let r = o.size[0], h = o.size[1]
        let vc = Double.pi * r * r * 2 * h, vs = 4.0 / 3.0 * Double.pi * r * r * r
        let mc = m * vc / (vc + vs), ms = m * vs / (vc + vs)
        let axial = mc * r * r / 2 + ms * 0.4 * r * r
        let perpendicular = mc * (3 * r * r + 4 * h * h) / 12 + ms * (0.4 * r * r + h * h + 0.75 * h * r)
        return Vec3(axial, perpendicular, perpendicular)
    }
}
