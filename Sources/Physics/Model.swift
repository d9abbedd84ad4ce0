import Numerics

// The immutable description of a mechanism: kinematic tree, inertias, joints, geoms, actuators and
// options. Conventions (qpos/qvel layout, quaternion order, frames) are MuJoCo's, so trajectories
// line up with MuJoCo's own; see shared/MJCF-CONVENTIONS.md.
//
// A Model is compiled from MJCF (`MJCF.load`) or assembled in Swift from element values; either
// way `Model.init` derives every address and index, so the two routes cannot disagree. Many `Data`
// share one Model read-only.

// MARK: - Enumerations

/// Joint types, in MuJoCo's numbering.
public enum JointType: Int, Sendable, Codable, CaseIterable {
    case free = 0, ball, slide, hinge

    /// Number of qpos coordinates.
    public var nq: Int { switch self { case .free: 7; case .ball: 4; case .slide, .hinge: 1 } }
    /// Number of degrees of freedom (qvel coordinates).
    public var nv: Int { switch self { case .free: 6; case .ball: 3; case .slide, .hinge: 1 } }
}

/// Geom shapes. Sizes follow MJCF: plane (half-x, half-y, grid spacing; 0 = infinite),
/// sphere (r), capsule (r, half-length), cylinder (r, half-length), box (half-sizes).
public enum GeomType: Int, Sendable, Codable, CaseIterable {
    case plane = 0, sphere = 2, capsule = 3, cylinder = 5, box = 6
}

public enum Integrator: String, Sendable, Codable, CaseIterable {
    /// Semi-implicit Euler; joint damping integrated implicitly (MuJoCo's `Euler`).
    case euler = "Euler"
    /// Classic fourth-order Runge–Kutta, damping explicit.
    case rk4 = "RK4"
}

/// Friction cone of contact constraints.
public enum Cone: String, Sendable, Codable, CaseIterable {
    case pyramidal, elliptic
}

// MARK: - Options

/// Simulation options (MJCF `<option>`), with MuJoCo's defaults.
public struct Options: Sendable, Equatable {
    /// Physics step h (s).
    public var timestep: Double = 0.002
    /// Gravitational acceleration in the world frame (m/s²).
    public var gravity = Vec3(0, 0, -9.81)
    public var integrator: Integrator = .euler
    public var cone: Cone = .pyramidal
    /// Maximum constraint-solver iterations per step.
    public var iterations: Int = 100
    /// Constraint-solver termination tolerance (relative improvement of the cost).
    public var tolerance: Double = 1e-8
    /// Ratio of frictional to normal constraint impedance (elliptic cones).
    public var impratio: Double = 1

    public init() {}
}

// MARK: - Elements

/// Constraint softness: `solref` = (time constant s, damping ratio) and
/// `solimp` = (dmin, dmax, width m, midpoint, power), as in MJCF.
public struct SolverParameters: Sendable, Equatable {
    public var solref: (Double, Double) { (ref0, ref1) }
    public var ref0 = 0.02, ref1 = 1.0
    public var imp: [Double] = [0.9, 0.95, 0.001, 0.5, 2]

    public init() {}
    public init(solref: (Double, Double), solimp: [Double]) {
        precondition(solimp.count == 5, "solimp has 5 values")
        ref0 = solref.0; ref1 = solref.1; imp = solimp
    }
}

/// A rigid body. Body 0 is the world; every other body's parent has a smaller index.
public struct Body: Sendable {
    public var name: String
    /// Index of the parent body (-1 for the world itself).
    public var parent: Int
    /// Frame offset from the parent's frame, in the parent's frame (m).
    public var pos: Vec3
    /// Frame orientation relative to the parent's frame.
    public var quat: Quat
    /// Centre of mass in the body frame (m).
    public var ipos: Vec3
    /// Orientation of the principal axes of inertia in the body frame.
    public var iquat: Quat
    /// Mass (kg).
    public var mass: Double
    /// Principal moments of inertia about the centre of mass (kg·m²).
    public var inertia: Vec3

    // Derived by Model.init.
    /// First joint of this body, and how many it has (joints of a body are contiguous).
    public internal(set) var jointAdr = 0, jointNum = 0
    /// First dof of this body, and how many it has.
    public internal(set) var dofAdr = 0, dofNum = 0
    /// The nearest ancestor-or-self body with joints (0 for bodies welded to the world).
    public internal(set) var weld = 0
    /// The top-level ancestor (child of the world), or 0 for the world.
    public internal(set) var root = 0

    public init(name: String = "", parent: Int, pos: Vec3 = .zero, quat: Quat = .identity,
                ipos: Vec3 = .zero, iquat: Quat = .identity, mass: Double = 0, inertia: Vec3 = .zero) {
        self.name = name; self.parent = parent; self.pos = pos; self.quat = quat
        self.ipos = ipos; self.iquat = iquat; self.mass = mass; self.inertia = inertia
    }
}

/// A joint between a body and its parent. A body's joints apply in the order listed.
public struct Joint: Sendable {
    public var name: String
    public var type: JointType
    public var body: Int
    /// Anchor in the body frame (m); unused for free joints.
    public var pos: Vec3
    /// Unit axis in the body frame (hinge, slide).
    public var axis: Vec3
    /// One-sided limits on qpos (hinge rad, slide m; ball: range.1 = max angle).
    public var limited: Bool
    public var range: (Double, Double)
    /// Reference position: qpos0 for hinge and slide.
    public var ref: Double
    /// Spring rest position (hinge, slide); ball and free springs rest at qpos0.
    public var springref: Double
    public var stiffness: Double
    /// Viscous damping on every dof of the joint (N·m·s/rad or N·s/m).
    public var damping: Double
    /// Rotor inertia added to M's diagonal on every dof of the joint.
    public var armature: Double
    /// Softness of the joint-limit constraint.
    public var solver: SolverParameters
    public var margin: Double

    // Derived by Model.init.
    public internal(set) var qposAdr = 0
    public internal(set) var dofAdr = 0

    public init(name: String = "", type: JointType, body: Int, pos: Vec3 = .zero, axis: Vec3 = .unitZ,
                limited: Bool = false, range: (Double, Double) = (0, 0), ref: Double = 0, springref: Double = 0,
                stiffness: Double = 0, damping: Double = 0, armature: Double = 0,
                solver: SolverParameters = SolverParameters(), margin: Double = 0) {
        self.name = name; self.type = type; self.body = body; self.pos = pos; self.axis = axis
        self.limited = limited; self.range = range; self.ref = ref; self.springref = springref
        self.stiffness = stiffness; self.damping = damping; self.armature = armature
        self.solver = solver; self.margin = margin
    }
}

/// One degree of freedom (a column of the Jacobian, a row/column of M). Derived by Model.init.
public struct Dof: Sendable {
    public let body: Int
    public let joint: Int
    /// The previous dof on the path to the root (-1 if none): M's sparsity follows this tree.
    public let parent: Int
    public let armature: Double
    public let damping: Double
}

/// A collision and/or visual shape attached to a body.
public struct Geom: Sendable {
    public var name: String
    public var type: GeomType
    public var body: Int
    /// Shape parameters; see `GeomType`.
    public var size: Vec3
    /// Pose in the body frame.
    public var pos: Vec3
    public var quat: Quat
    /// (sliding, torsional, rolling) friction coefficients.
    public var friction: Vec3
    public var contype: UInt32
    public var conaffinity: UInt32
    /// Contact dimensionality: 1 frictionless, 3 sliding friction, 4 + torsional, 6 + rolling.
    public var condim: Int
    public var priority: Int
    public var solmix: Double
    public var solver: SolverParameters
    /// Contacts are created within `margin` (m); `gap` keeps the first `gap` of it inactive.
    public var margin: Double
    public var gap: Double
    public var rgba: (Double, Double, Double, Double)
    public var group: Int

    public init(name: String = "", type: GeomType, body: Int, size: Vec3, pos: Vec3 = .zero, quat: Quat = .identity,
                friction: Vec3 = Vec3(1, 0.005, 0.0001), contype: UInt32 = 1, conaffinity: UInt32 = 1,
                condim: Int = 3, priority: Int = 0, solmix: Double = 1, solver: SolverParameters = SolverParameters(),
                margin: Double = 0, gap: Double = 0, rgba: (Double, Double, Double, Double) = (0.5, 0.5, 0.5, 1),
                group: Int = 0) {
        self.name = name; self.type = type; self.body = body; self.size = size; self.pos = pos; self.quat = quat
        self.friction = friction; self.contype = contype; self.conaffinity = conaffinity; self.condim = condim
        self.priority = priority; self.solmix = solmix; self.solver = solver; self.margin = margin; self.gap = gap
        self.rgba = rgba; self.group = group
    }
}

/// A named frame on a body (end-effector points, targets).
public struct Site: Sendable {
    public var name: String
    public var body: Int
    public var pos: Vec3
    public var quat: Quat
    public var size: Vec3

    public init(name: String = "", body: Int, pos: Vec3 = .zero, quat: Quat = .identity, size: Vec3 = Vec3(0.005, 0, 0)) {
        self.name = name; self.body = body; self.pos = pos; self.quat = quat; self.size = size
    }
}

/// A joint-transmission actuator in MuJoCo's general form:
/// force = gain·ctrl + bias0 + bias1·L + bias2·V with L = gear·q, V = gear·q̇;
/// the joint receives gear·force. motor: gain 1, no bias; position: gain kp, bias (0, −kp, −kv);
/// velocity: gain kv, bias (0, 0, −kv).
public struct Actuator: Sendable {
    public enum Kind: String, Sendable, Codable { case motor, position, velocity }

    public var name: String
    public var kind: Kind
    /// The driven joint (hinge or slide).
    public var joint: Int
    public var gear: Double
    public var gain: Double
    public var bias: (Double, Double, Double)
    public var ctrllimited: Bool
    public var ctrlrange: (Double, Double)
    public var forcelimited: Bool
    public var forcerange: (Double, Double)

    public init(name: String = "", kind: Kind, joint: Int, gear: Double = 1, gain: Double, bias: (Double, Double, Double),
                ctrllimited: Bool = false, ctrlrange: (Double, Double) = (0, 0),
                forcelimited: Bool = false, forcerange: (Double, Double) = (0, 0)) {
        self.name = name; self.kind = kind; self.joint = joint; self.gear = gear; self.gain = gain; self.bias = bias
        self.ctrllimited = ctrllimited; self.ctrlrange = ctrlrange
        self.forcelimited = forcelimited; self.forcerange = forcerange
    }

    public static func motor(name: String = "", joint: Int, gear: Double = 1) -> Actuator {
        Actuator(name: name, kind: .motor, joint: joint, gear: gear, gain: 1, bias: (0, 0, 0))
    }
    public static func position(name: String = "", joint: Int, gear: Double = 1, kp: Double = 1, kv: Double = 0) -> Actuator {
        Actuator(name: name, kind: .position, joint: joint, gear: gear, gain: kp, bias: (0, -kp, -kv))
    }
    public static func velocity(name: String = "", joint: Int, gear: Double = 1, kv: Double = 1) -> Actuator {
        Actuator(name: name, kind: .velocity, joint: joint, gear: gear, gain: kv, bias: (0, 0, -kv))
    }
}

/// A stored state (MJCF `<key>`); vectors are complete (nq, nv, nu long).
public struct Keyframe: Sendable {
    public var name: String
    public var time: Double
    public var qpos: [Double]
    public var qvel: [Double]
    public var ctrl: [Double]

    public init(name: String = "", time: Double = 0, qpos: [Double], qvel: [Double], ctrl: [Double]) {
        self.name = name; self.time = time; self.qpos = qpos; self.qvel = qvel; self.ctrl = ctrl
    }
}

// MARK: - Model

public struct Model: Sendable {
    /// The model's name (MJCF `<mujoco model=…>`; MuJoCo's default "MuJoCo Model").
    public let name: String
    public let options: Options
    /// Bodies in topological order; index 0 is the world.
    public let bodies: [Body]
    /// Joints grouped by body, bodies in order.
    public let joints: [Joint]
    public let dofs: [Dof]
    public let geoms: [Geom]
    public let sites: [Site]
    public let actuators: [Actuator]
    public let keyframes: [Keyframe]

    /// Number of position coordinates, degrees of freedom, actuators.
    public let nq: Int, nv: Int, nu: Int
    /// Reference configuration (nq): joint `ref`, free-body poses as written, identity quaternions.
    public let qpos0: [Double]
    /// Spring rest configuration (nq).
    public let qposSpring: [Double]
    /// Inverse weights of bodies (nbody) and dofs (nv) at qpos0, which scale constraint softness
    /// (InverseWeights.swift). Computed once by `init`.
    public private(set) var bodyInvWeight0: [InverseWeight] = []
    public private(set) var dofInvWeight0: [Double] = []

    /// Assembles a model and derives addresses. Joints must be grouped by body in body order and
    /// bodies must list parents first; these are programmer errors (the MJCF compiler guarantees
    /// them and reports file errors itself).
    public init(name: String = "MuJoCo Model", options: Options = Options(), bodies: [Body], joints: [Joint] = [], geoms: [Geom] = [],
                sites: [Site] = [], actuators: [Actuator] = [], keyframes: [Keyframe] = []) {
        precondition(!bodies.isEmpty && bodies[0].parent == -1, "body 0 must be the world (parent -1)")
        // The solver has pyramidal cones only; an elliptic option must not pass silently.
        precondition(options.cone == .pyramidal, "elliptic friction cones are not supported yet")
        var bodies = bodies
        var joints = joints
        var dofs: [Dof] = []
        var qpos0: [Double] = []
        var qposSpring: [Double] = []
        var lastDofOfBody = [Int](repeating: -1, count: bodies.count)

        var j = 0
        for b in bodies.indices {
            if b > 0 {
                precondition(bodies[b].parent >= 0 && bodies[b].parent < b, "body \(b): parent must precede it")
            }
            let parent = b == 0 ? -1 : bodies[b].parent
            bodies[b].jointAdr = j
            bodies[b].dofAdr = dofs.count
            // The dof tree: the first dof of a body hangs off the last dof of the nearest ancestor
            // that has one.
            var previousDof = parent >= 0 ? lastDofOfBody[parent] : -1
            while j < joints.count && joints[j].body == b {
                let joint = joints[j]
                precondition(joint.type != .free || parent == 0, "joint \(j): a free joint needs a top-level body")
                joints[j].qposAdr = qpos0.count
                joints[j].dofAdr = dofs.count
                switch joint.type {
                case .free:
                    let p = bodies[b].pos, q = bodies[b].quat
                    qpos0 += [p.x, p.y, p.z, q.w, q.x, q.y, q.z]
                    qposSpring += [p.x, p.y, p.z, q.w, q.x, q.y, q.z]
                case .ball:
                    qpos0 += [1, 0, 0, 0]
                    qposSpring += [1, 0, 0, 0]
                case .slide, .hinge:
                    qpos0.append(joint.ref)
                    qposSpring.append(joint.springref)
                }
                for _ in 0..<joint.type.nv {
                    dofs.append(Dof(body: b, joint: j, parent: previousDof,
                                    armature: joint.armature, damping: joint.damping))
                    previousDof = dofs.count - 1
                }
                j += 1
            }
            bodies[b].jointNum = j - bodies[b].jointAdr
            bodies[b].dofNum = dofs.count - bodies[b].dofAdr
            lastDofOfBody[b] = previousDof
            if b > 0 {
                bodies[b].weld = bodies[b].jointNum > 0 ? b : bodies[parent].weld
                bodies[b].root = parent == 0 ? b : bodies[parent].root
            }
        }
        precondition(j == joints.count, "joints must be grouped by body, in body order")
        for g in geoms { precondition(g.body >= 0 && g.body < bodies.count, "geom \(g.name): bad body") }
        for s in sites { precondition(s.body >= 0 && s.body < bodies.count, "site \(s.name): bad body") }
        for a in actuators {
            precondition(a.joint >= 0 && a.joint < joints.count, "actuator \(a.name): bad joint")
        }

        self.name = name
        self.options = options
        self.bodies = bodies
        self.joints = joints
        self.dofs = dofs
        self.geoms = geoms
        self.sites = sites
        self.actuators = actuators
        self.nq = qpos0.count
        self.nv = dofs.count
        self.nu = actuators.count
        self.qpos0 = qpos0
        self.qposSpring = qposSpring
        for k in keyframes {
            precondition(k.qpos.count == nq && k.qvel.count == nv && k.ctrl.count == nu,
                         "keyframe \(k.name): vectors must be nq, nv, nu long")
        }
        self.keyframes = keyframes
        (bodyInvWeight0, dofInvWeight0) = inverseWeights(self)
    }

    // MARK: Look-ups by name (resolve once, outside hot loops)

    public func body(named name: String) -> Int? { bodies.firstIndex { $0.name == name } }
    public func joint(named name: String) -> Int? { joints.firstIndex { $0.name == name } }
    public func geom(named name: String) -> Int? { geoms.firstIndex { $0.name == name } }
    public func site(named name: String) -> Int? { sites.firstIndex { $0.name == name } }
    public func actuator(named name: String) -> Int? { actuators.firstIndex { $0.name == name } }
    public func keyframe(named name: String) -> Int? { keyframes.firstIndex { $0.name == name } }
}
