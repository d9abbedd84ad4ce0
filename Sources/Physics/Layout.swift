import Numerics

/// The model's numbers that the step loop reads, flattened into plain arrays (structure of
/// arrays). `Body`, `Joint` and `Actuator` carry names and nested arrays; copying one in a hot
/// loop costs reference counting, so the stages read these instead. A class, so that taking
/// it into a local costs one retain rather than one per array. Built once per `Data`;
/// immutable, so copies of that `Data` share it safely.
///
/// Orientations and axes are normalized here, as MuJoCo's compiler does, so a Swift-built model
/// with a slightly non-unit quaternion or axis behaves like the same MJCF in MuJoCo.
final class Layout: Sendable {
    // Bodies (nbody).
    let bodyParent: [Int]
    let bodyRoot: [Int]
    let bodyJointAdr: [Int]
    let bodyJointNum: [Int]
    let bodyDofAdr: [Int]
    let bodyDofNum: [Int]
    let bodyPos: [Vec3]
    let bodyQuat: [Quat]
    let bodyIpos: [Vec3]
    let bodyIquat: [Quat]
    let bodyMass: [Double]
    let bodyInertia: [Vec3]
    /// Last dof of each body or of its nearest ancestor with dofs (-1: welded to the world).
    /// Walking `dofParent` from it visits every dof that moves the body.
    let bodyLastDof: [Int]

    // Joints (njnt).
    let jointType: [JointType]
    let jointBody: [Int]
    let jointQposAdr: [Int]
    let jointDofAdr: [Int]
    let jointPos: [Vec3]
    let jointAxis: [Vec3]
    let jointStiffness: [Double]
    /// Joints with a non-zero spring, so the passive stage skips the rest.
    let springJoints: [Int]
    /// Limited hinge, slide and ball joints, whose limits become constraint rows.
    let limitedJoints: [Int]
    /// Limit data per joint (njnt): range (lower, upper), margin, solref and solimp, read by
    /// constraint assembly without copying `Joint` (whose name and solimp array would be
    /// retained and released per row).
    let jointRange: [(Double, Double)]
    let jointMargin: [Double]
    let jointSolref: [(Double, Double)]
    let jointSolimp: [(Double, Double, Double, Double, Double)]

    // Dofs (nv).
    let dofBody: [Int]
    let dofParent: [Int]
    let dofArmature: [Double]
    let dofDamping: [Double]
    /// Whether any dof has damping (Euler then integrates damping implicitly).
    let hasDamping: Bool

    // Geoms and sites: the frame on their body.
    let geomBody: [Int]
    let geomPos: [Vec3]
    let geomQuat: [Quat]
    let siteBody: [Int]
    let sitePos: [Vec3]
    let siteQuat: [Quat]

    // Actuators (nu): joint transmission resolved to addresses.
    let actuatorQposAdr: [Int]
    let actuatorDofAdr: [Int]
    let actuatorGear: [Double]
    let actuatorGain: [Double]
    let actuatorBias0: [Double], actuatorBias1: [Double], actuatorBias2: [Double]
    let actuatorCtrlLimited: [Bool]
    let actuatorCtrlLo: [Double], actuatorCtrlHi: [Double]
    let actuatorForceLimited: [Bool]
    let actuatorForceLo: [Double], actuatorForceHi: [Double]

    init(_ m: Model) {
        let b = m.bodies
        bodyParent = b.map(\.parent)
        bodyRoot = b.map(\.root)
        bodyJointAdr = b.map(\.jointAdr)
        bodyJointNum = b.map(\.jointNum)
        bodyDofAdr = b.map(\.dofAdr)
        bodyDofNum = b.map(\.dofNum)
        bodyPos = b.map(\.pos)
        bodyQuat = b.map { $0.quat.normalized() }
        bodyIpos = b.map(\.ipos)
        bodyIquat = b.map { $0.iquat.normalized() }
        bodyMass = b.map(\.mass)
        bodyInertia = b.map(\.inertia)
        var last = Array(repeating: -1, count: b.count)
        for i in b.indices.dropFirst() {
            last[i] = b[i].dofNum > 0 ? b[i].dofAdr + b[i].dofNum - 1 : last[b[i].parent]
        }
        bodyLastDof = last

        let j = m.joints
        jointType = j.map(\.type)
        jointBody = j.map(\.body)
        jointQposAdr = j.map(\.qposAdr)
        jointDofAdr = j.map(\.dofAdr)
        jointPos = j.map(\.pos)
        // A zero axis has no direction; z stands in (MuJoCo rejects it at compile time).
        jointAxis = j.map { $0.axis.normalized(epsilon: 1e-14, fallback: .unitZ) }
        jointStiffness = j.map(\.stiffness)
        springJoints = j.indices.filter { j[$0].stiffness != 0 }
        limitedJoints = j.indices.filter { j[$0].limited && j[$0].type != .free }
        jointRange = j.map(\.range)
        jointMargin = j.map(\.margin)
        jointSolref = j.map(\.solver.solref)
        jointSolimp = j.map { ($0.solver.imp[0], $0.solver.imp[1], $0.solver.imp[2], $0.solver.imp[3], $0.solver.imp[4]) }

        dofBody = m.dofs.map(\.body)
        dofParent = m.dofs.map(\.parent)
        dofArmature = m.dofs.map(\.armature)
        dofDamping = m.dofs.map(\.damping)
        hasDamping = m.dofs.contains { $0.damping > 0 }

        geomBody = m.geoms.map(\.body)
        geomPos = m.geoms.map(\.pos)
        geomQuat = m.geoms.map { $0.quat.normalized() }
        siteBody = m.sites.map(\.body)
        sitePos = m.sites.map(\.pos)
        siteQuat = m.sites.map { $0.quat.normalized() }

        let a = m.actuators
        for act in a {
            // Joint transmission acts on one scalar coordinate; ball/free would need a 6-D gear.
            precondition(j[act.joint].type == .hinge || j[act.joint].type == .slide,
                         "actuator \(act.name): joint transmission needs a hinge or slide joint")
        }
        actuatorQposAdr = a.map { j[$0.joint].qposAdr }
        actuatorDofAdr = a.map { j[$0.joint].dofAdr }
        actuatorGear = a.map(\.gear)
        actuatorGain = a.map(\.gain)
        actuatorBias0 = a.map(\.bias.0)
        actuatorBias1 = a.map(\.bias.1)
        actuatorBias2 = a.map(\.bias.2)
        actuatorCtrlLimited = a.map(\.ctrllimited)
        actuatorCtrlLo = a.map(\.ctrlrange.0)
        actuatorCtrlHi = a.map(\.ctrlrange.1)
        actuatorForceLimited = a.map(\.forcelimited)
        actuatorForceLo = a.map(\.forcerange.0)
        actuatorForceHi = a.map(\.forcerange.1)
    }
}
