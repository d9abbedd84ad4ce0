import Numerics

// The mutable half of MuJoCo's model/data split: the state (qpos, qvel, ctrl, applied forces,
// time) and every quantity the pipeline derives from it, grouped by the stage that fills it.
// `Data(model)` allocates every buffer once; `forward` and `step` then only overwrite them, so a
// step allocates nothing. Many `Data` share one `Model`; a `Data` is a value and copies freely
// (a copy-on-write of its arrays happens on the copy's first step, never afterwards).
//
// Frames: "world" is the inertial frame. Spatial (6-D) quantities use the COM-based convention
// of `SpatialVector`: world orientation, about the reference point `subtreeCom[root]` of the
// body's kinematic tree.

/// Something went wrong numerically; see `Data.warning`.
public struct PhysicsWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A qpos coordinate was NaN/±Inf or beyond ±`blowUpBound` before a step.
        case badQpos
        /// A qvel coordinate was NaN/±Inf or beyond ±`blowUpBound` before a step.
        case badQvel
        /// The computed acceleration was NaN/±Inf.
        case badQacc
        /// A control was NaN/±Inf: all controls were treated as 0 for that evaluation.
        case badCtrl
        /// More contacts than the contact buffer holds (`index` = its capacity): the rest were
        /// dropped for that step.
        case contactOverflow
    }
    public let kind: Kind
    /// The offending coordinate: a qpos index (badQpos), a dof index (badQvel, badQacc) or an
    /// actuator index (badCtrl).
    public let index: Int
    /// The body that coordinate moves (-1 for badCtrl).
    public let body: Int
    /// Simulation time (s) at which it was detected.
    public let time: Double

    public var description: String {
        switch kind {
        case .badQpos: "non-finite or huge qpos[\(index)] (body \(body)) at t = \(time) s; state reset"
        case .badQvel: "non-finite or huge qvel[\(index)] (body \(body)) at t = \(time) s; state reset"
        case .badQacc: "non-finite qacc[\(index)] (body \(body)) at t = \(time) s; state reset"
        case .badCtrl: "non-finite ctrl[\(index)] at t = \(time) s; all controls treated as 0"
        case .contactOverflow: "more than \(index) contacts at t = \(time) s; the rest were dropped"
        }
    }
}

public struct Data: Sendable {
    // MARK: - State (set by the user, advanced by step)

    /// Simulation time (s).
    public var time: Double = 0
    /// Generalized positions (nq): hinge rad, slide m, ball quaternion (w,x,y,z), free
    /// (x, y, z of the body frame in world, then its quaternion).
    public var qpos: [Double]
    /// Generalized velocities (nv): hinge rad/s, slide m/s, ball body-frame angular velocity,
    /// free (world-frame linear velocity of the body origin, then body-frame angular velocity).
    public var qvel: [Double]
    /// Actuator controls (nu). Never modified by the engine (clamping works on a copy).
    public var ctrl: [Double]
    /// User-applied generalized forces (nv), N or N·m.
    public var qfrcApplied: [Double]
    /// User-applied world-frame force and torque at each body's centre of mass (nbody).
    public var xfrcApplied: [Wrench]

    /// The first numerical problem detected since the last `reset` (nil: none). On a blow-up
    /// (bad qpos, qvel or qacc) `step` records it here and resets the state to qpos0 / zero
    /// velocity, keeping the warning, as MuJoCo does; callers end their episode when they see it.
    public var warning: PhysicsWarning?
    /// How many warnings were raised since the last `reset`.
    public var warningCount = 0

    // MARK: - Position-dependent (Kinematics.swift, ComQuantities.swift, MassMatrix.swift)

    /// Body frame origins (nbody), world frame, m.
    public internal(set) var xpos: [Vec3]
    /// Body frame orientations (nbody), unit quaternions body → world.
    public internal(set) var xquat: [Quat]
    /// Body frame rotation matrices (nbody), columns = body axes in world.
    public internal(set) var xmat: [Mat3]
    /// Body centres of mass (nbody), world frame, m.
    public internal(set) var xipos: [Vec3]
    /// Body principal-inertia frames (nbody), columns = principal axes in world.
    public internal(set) var ximat: [Mat3]
    /// Joint anchors (njnt), world frame, m (free joints: the body origin).
    public internal(set) var xanchor: [Vec3]
    /// Joint axes (njnt), world frame, unit (ball: the body's z axis; free: world z, as MuJoCo reports).
    public internal(set) var xaxis: [Vec3]
    /// Geom centres (ngeom), world frame, m.
    public internal(set) var geomXpos: [Vec3]
    /// Geom orientations (ngeom), columns = geom axes in world.
    public internal(set) var geomXmat: [Mat3]
    /// Site positions (nsite), world frame, m.
    public internal(set) var siteXpos: [Vec3]
    /// Site orientations (nsite), columns = site axes in world.
    public internal(set) var siteXmat: [Mat3]
    /// Centre of mass of each body's subtree (nbody), world frame, m. For a tree root this is the
    /// reference point of the tree's spatial quantities. Body 0: COM of the whole model.
    public internal(set) var subtreeCom: [Vec3]
    /// Mass of each body's subtree (nbody), kg.
    public internal(set) var subtreeMass: [Double]
    /// Motion subspace of each dof (nv): the spatial velocity the body gets per unit qvel.
    public internal(set) var cdof: [SpatialVector]
    /// Each body's inertia (nbody) about its tree's reference point, world orientation.
    public internal(set) var cinert: [SpatialInertia]
    /// Composite inertia of each body's subtree (nbody), same frame (composite-rigid-body algorithm).
    public internal(set) var crb: [SpatialInertia]
    /// Joint-space inertia M (nv × nv, row-major, symmetric), armature on the diagonal. Entries
    /// (i, j) where neither dof is an ancestor of the other are structurally zero.
    public internal(set) var qM: [Double]
    /// Factorization M = Lᵀ·D·L (nv × nv, row-major): D on the diagonal, the strictly lower part
    /// of the unit lower-triangular L below it; L has M's ancestor sparsity.
    public internal(set) var qLD: [Double]

    // MARK: - Velocity-dependent (ComQuantities.swift, BiasForces.swift, Passive.swift, Actuation.swift)

    /// Spatial velocity of each body (nbody).
    public internal(set) var cvel: [SpatialVector]
    /// Time derivative of cdof (nv), so that body accelerations are Σ cdof·qacc + cdofDot·qvel.
    public internal(set) var cdofDot: [SpatialVector]
    /// Bias forces C(q, q̇)·q̇ + g(q) (nv): Coriolis, centrifugal and gravity, N or N·m.
    public internal(set) var qfrcBias: [Double]
    /// Passive forces (nv): joint springs and dampers.
    public internal(set) var qfrcPassive: [Double]
    /// Controls actually used (nu): ctrl clamped to ctrlrange where limited, 0 if any was NaN/Inf.
    public internal(set) var ctrlUsed: [Double]
    /// Scalar actuator forces (nu), before gear.
    public internal(set) var actuatorForce: [Double]
    /// Generalized actuator forces (nv): Σ gear·actuatorForce on each actuated dof.
    public internal(set) var qfrcActuator: [Double]

    // MARK: - Acceleration-dependent (ForwardDynamics.swift)

    /// Everything but constraints (nv): passive + actuator + applied + Jᵀ·xfrcApplied − bias.
    public internal(set) var qfrcSmooth: [Double]
    /// Constraint forces (nv): contacts and limits. Zero until the constraint solver lands.
    public internal(set) var qfrcConstraint: [Double]
    /// Generalized accelerations (nv): M⁻¹·(qfrcSmooth + qfrcConstraint).
    public internal(set) var qacc: [Double]

    // MARK: - Constraints (Constraint.swift)

    /// Contacts of the current configuration (collision stage).
    public internal(set) var contacts: ContactBuffer
    /// Constraint rows (contacts, joint limits), their forces, and per-contact forces.
    public internal(set) var efc: ConstraintRows
    /// The acceleration of the previous step (nv): warm start of the constraint solver.
    public internal(set) var qaccWarmstart: [Double]
    /// Broadphase and narrowphase state, reused every step.
    var collisionDetector: CollisionDetector

    // MARK: - Scratch (no meaning between calls)

    /// Spatial accelerations and net body forces of the Newton–Euler passes (nbody each).
    var cacc: [SpatialVector]
    var cfrcBody: [SpatialVector]
    /// M + h·diag(damping) and its factorization, for Euler's implicit damping (nv × nv).
    var qLDDamped: [Double]
    /// Euler's accelerations with implicit damping (nv).
    var qaccDamped: [Double]
    /// RK4: the state at the start of the step (nq, nv), the stage velocities and accelerations
    /// (4·nv each) and a weighted-velocity buffer (nv).
    var rkQpos: [Double]
    var rkQvel: [Double]
    var rkVel: [Double]
    var rkAcc: [Double]
    var rkDq: [Double]

    // MARK: - Model-derived constants

    /// The model's numbers flattened for the hot loops (see Layout.swift). A `Data` must be used
    /// with the `Model` it was created for.
    let layout: Layout

    /// Allocates every buffer for `model` and resets to qpos0 (no forward pass is run).
    ///
    /// - Parameter contactCapacity: the most contacts a step keeps (MuJoCo's nconmax); by default
    ///   8 per geom pair the static filters allow, at most 4096. Beyond it contacts are dropped
    ///   and `warning` says so.
    public init(_ model: Model, contactCapacity: Int? = nil) {
        precondition((contactCapacity ?? 0) >= 0, "contactCapacity must be non-negative")
        let nb = model.bodies.count, nj = model.joints.count, nv = model.nv, nu = model.nu
        qpos = model.qpos0
        qvel = Array(repeating: 0, count: nv)
        ctrl = Array(repeating: 0, count: nu)
        qfrcApplied = Array(repeating: 0, count: nv)
        xfrcApplied = Array(repeating: .zero, count: nb)

        xpos = Array(repeating: .zero, count: nb)
        xquat = Array(repeating: .identity, count: nb)
        xmat = Array(repeating: .identity, count: nb)
        xipos = Array(repeating: .zero, count: nb)
        ximat = Array(repeating: .identity, count: nb)
        xanchor = Array(repeating: .zero, count: nj)
        xaxis = Array(repeating: .zero, count: nj)
        geomXpos = Array(repeating: .zero, count: model.geoms.count)
        geomXmat = Array(repeating: .identity, count: model.geoms.count)
        siteXpos = Array(repeating: .zero, count: model.sites.count)
        siteXmat = Array(repeating: .identity, count: model.sites.count)
        subtreeCom = Array(repeating: .zero, count: nb)
        subtreeMass = Array(repeating: 0, count: nb)
        cdof = Array(repeating: .zero, count: nv)
        cinert = Array(repeating: .zero, count: nb)
        crb = Array(repeating: .zero, count: nb)
        qM = Array(repeating: 0, count: nv * nv)
        qLD = Array(repeating: 0, count: nv * nv)

        cvel = Array(repeating: .zero, count: nb)
        cdofDot = Array(repeating: .zero, count: nv)
        qfrcBias = Array(repeating: 0, count: nv)
        qfrcPassive = Array(repeating: 0, count: nv)
        ctrlUsed = Array(repeating: 0, count: nu)
        actuatorForce = Array(repeating: 0, count: nu)
        qfrcActuator = Array(repeating: 0, count: nv)

        qfrcSmooth = Array(repeating: 0, count: nv)
        qfrcConstraint = Array(repeating: 0, count: nv)
        qacc = Array(repeating: 0, count: nv)

        cacc = Array(repeating: .zero, count: nb)
        cfrcBody = Array(repeating: .zero, count: nb)
        qLDDamped = Array(repeating: 0, count: nv * nv)
        qaccDamped = Array(repeating: 0, count: nv)
        rkQpos = Array(repeating: 0, count: model.nq)
        rkQvel = Array(repeating: 0, count: nv)
        rkVel = Array(repeating: 0, count: 4 * nv)
        rkAcc = Array(repeating: 0, count: 4 * nv)
        rkDq = Array(repeating: 0, count: nv)

        layout = Layout(model)
        let contactCapacity = contactCapacity ?? contactCapacityFor(model)
        contacts = ContactBuffer(capacity: contactCapacity)
        efc = ConstraintRows(nv: nv, contactCapacity: contactCapacity)
        qaccWarmstart = Array(repeating: 0, count: nv)
        collisionDetector = CollisionDetector(model: model)
    }

    /// MuJoCo's `mj_resetData` / `mj_resetDataKeyframe`: time 0, qpos = qpos0, qvel, ctrl and
    /// applied forces 0, warnings cleared; then, if `keyframe` is given, the key's time, qpos,
    /// qvel and ctrl. Derived quantities are not recomputed (call `forward`).
    public mutating func reset(_ model: Model, keyframe: Int? = nil) {
        resetState(model)
        warning = nil
        warningCount = 0
        if let k = keyframe {
            precondition(k >= 0 && k < model.keyframes.count, "keyframe \(k) out of range")
            let key = model.keyframes[k]
            time = key.time
            for i in 0..<model.nq { qpos[i] = key.qpos[i] }
            for i in 0..<model.nv { qvel[i] = key.qvel[i] }
            for i in 0..<model.nu { ctrl[i] = key.ctrl[i] }
        }
    }

    /// The state part of a reset, keeping warnings (used after a blow-up).
    mutating func resetState(_ model: Model) {
        time = 0
        for i in 0..<model.nq { qpos[i] = model.qpos0[i] }
        // The solver's warm start too: a reset Data must step exactly like a fresh one.
        for i in 0..<model.nv { qvel[i] = 0; qfrcApplied[i] = 0; qaccWarmstart[i] = 0 }
        for i in 0..<model.nu { ctrl[i] = 0 }
        for b in xfrcApplied.indices { xfrcApplied[b] = .zero }
    }

    /// Records a warning (keeping the first one).
    mutating func warn(_ kind: PhysicsWarning.Kind, index: Int, body: Int) {
        if warning == nil { warning = PhysicsWarning(kind: kind, index: index, body: body, time: time) }
        warningCount += 1
    }
}
