import Foundation
import Numerics
import Physics
import RL
import Synchronization

// The arm suite as an `Environment`: one family spec, one robot, tasks handed to `reset`.
// A task's model is assembled once per object (cached) and shared read-only by every episode and
// thread that uses it; the episode's state owns its `Data`.

/// The state of one arm episode. Hidden parameters live here (in `task`) but never reach the
/// observation.
public struct ArmState: Sendable {
    public let task: ArmTask
    /// The task's model (robot plus object) and its simulation state.
    public let model: Model
    public internal(set) var data: Physics.Data
    /// Environment steps taken.
    public internal(set) var steps = 0
    /// The object was squeezed above its fragility (grasp families): the episode failed.
    public internal(set) var broken = false
    /// The physics reported a blow-up (see `data.warning`).
    public internal(set) var blewUp = false
    /// The squeeze on the object (N): the smaller of the two pads' forces along the closing axis
    /// (a squeeze needs both jaws; one pad pushing is not one), low-pass filtered with time
    /// constant `success.squeezeTime`; compared with the object's fragility.
    public internal(set) var squeeze = 0.0
    /// Both pads touched the object during the last control period.
    public internal(set) var grasped = false
    /// Consecutive steps the object has been held lifted (grasp-lift) or lain released at the
    /// target (pick-place).
    public internal(set) var heldSteps = 0
    /// The object has been lifted while grasped (pick-place: placing needs a carry first).
    public internal(set) var carried = false
    /// The object's resting height at reset (m).
    public internal(set) var objectStartZ = 0.0
    var scratch: ControllerScratch
}

/// Models per object, built on first use (the randomizer is pure, so caching is invisible).
final class ModelCache: Sendable {
    private let models = Mutex<[ObjectSpec: Model]>([:])
    let make: @Sendable (ObjectSpec) -> Model
    init(make: @escaping @Sendable (ObjectSpec) -> Model) { self.make = make }
    func model(for object: ObjectSpec) -> Model {
        if let m = models.withLock({ $0[object] }) { return m }
        let m = make(object)
        return models.withLock { cached in
            if let existing = cached[object] { return existing }
            cached[object] = m
            return m
        }
    }
}

public struct ArmEnvironment: Environment {
    public typealias Task = ArmTask
    public typealias State = ArmState

    public let familySpec: FamilySpec
    public let spec: EnvironmentSpec
    /// The robot with the spec's options, without an object (reach's model).
    public let robotModel: Model
    let indices: ArmIndices
    let cache: ModelCache

    /// Checks that `robot` has the joints, actuators, sites and keyframe the suite drives, and
    /// pre-builds the model of every catalog object.
    public init(spec familySpec: FamilySpec, robot: Model, catalog: ObjectCatalog?) throws {
        let issues = familySpec.issues()
        if !issues.isEmpty { throw SpecError(file: "(spec)", issues: issues) }
        let base = assembleScene(robot: robot, timestep: familySpec.timestep, impratio: familySpec.impratio, object: nil)
        var ix = ArmIndices()
        var missing: [SpecIssue] = []
        func need(_ found: Int?, _ what: String) -> Int {
            if let found { return found }
            missing.append(SpecIssue(path: "robot", message: "\(familySpec.robot) has no \(what)"))
            return 0
        }
        for k in 1...7 {
            let j = need(base.joint(named: "joint\(k)"), "joint 'joint\(k)'")
            ix.armQpos.append(base.joints[j].qposAdr); ix.armDof.append(base.joints[j].dofAdr)
            ix.armDamping.append(base.joints[j].damping)
            let a = need(base.actuator(named: "joint\(k)"), "actuator 'joint\(k)'")
            ix.armActuator.append(a)
            ix.armTorqueLimit.append(base.actuators[a].ctrllimited ? base.actuators[a].ctrlrange.1 : 87)
        }
        for name in ["finger_left", "finger_right"] {
            ix.fingerQpos.append(base.joints[need(base.joint(named: name), "joint '\(name)'")].qposAdr)
            ix.fingerActuator.append(need(base.actuator(named: name), "actuator '\(name)'"))
        }
        ix.gripSite = need(base.site(named: "grip"), "site 'grip'")
        ix.leftPadGeom = need(base.geom(named: "left_pad"), "geom 'left_pad'")
        ix.rightPadGeom = need(base.geom(named: "right_pad"), "geom 'right_pad'")
        ix.keyframe = need(base.keyframe(named: familySpec.keyframe), "keyframe '\(familySpec.keyframe)'")
        if !missing.isEmpty { throw SpecError(file: familySpec.robot, issues: missing) }
        var d = Physics.Data(base)
        d.reset(base, keyframe: ix.keyframe)
        forward(base, &d)
        ix.homeArm = ix.armQpos.map { d.qpos[$0] }
        ix.homeFrame = d.siteXmat[ix.gripSite]

        self.familySpec = familySpec
        self.robotModel = base
        self.indices = ix
        let timestep = familySpec.timestep, impratio = familySpec.impratio
        self.cache = ModelCache { object in assembleScene(robot: robot, timestep: timestep, impratio: impratio, object: object) }
        for object in (catalog?.train ?? []) + (catalog?.heldout ?? []) where familySpec.family.hasObject {
            _ = cache.model(for: object)
        }
        let actionNames: [String]
        switch familySpec.controller.mode {
        case .cartesianVelocity: actionNames = ["hand.vx", "hand.vy", "hand.vz", "gripper"]
        case .jointTorque: actionNames = (1...7).map { "joint\($0).torque" } + ["gripper"]
        }
        spec = EnvironmentSpec(name: familySpec.family.rawValue,
                               observationNames: ArmEnvironment.observationNames(familySpec),
                               action: BoxSpace(size: actionNames.count, bound: 1, names: actionNames),
                               horizon: familySpec.horizon, controlPeriod: familySpec.controlPeriod)
    }

    /// The model a task runs on.
    public func model(for task: ArmTask) -> Model {
        guard familySpec.family.hasObject, let object = task.object else { return robotModel }
        return cache.model(for: object)
    }

    // MARK: - Reset

    /// Starts at the spec's keyframe with the object resting at the task's (x, y). The
    /// initial state is a function of the task's observed parts only; `rng` is unused (the
    /// suite's initial states are deterministic, as Meta-World's are once a task is set).
    public func reset(task: ArmTask, rng: inout RandomSource) -> ArmState {
        precondition(task.family == familySpec.family, "reset: a \(task.family.rawValue) task given to a \(familySpec.family.rawValue) environment")
        precondition(!familySpec.family.hasObject || task.object != nil, "reset: this family's tasks need an object")
        let m = model(for: task)
        var d = Physics.Data(m)
        d.reset(m, keyframe: indices.keyframe)
        var startZ = 0.0
        if let object = task.object, familySpec.family.hasObject {
            let adr = m.joints[m.joints.count - 1].qposAdr
            startZ = tableTop + object.halfExtents.z
            d.qpos[adr] = task.objectX; d.qpos[adr + 1] = task.objectY; d.qpos[adr + 2] = startZ
        }
        forward(m, &d)
        var s = ArmState(task: task, model: m, data: d, scratch: ControllerScratch(nv: m.nv))
        s.objectStartZ = startZ
        return s
    }

    // MARK: - Step

    public func step(_ s: inout ArmState, action: UnsafeBufferPointer<Double>) -> StepOutcome {
        let box = spec.action
        let ix = indices, c = familySpec.controller
        let m = s.model
        let gripper = box.clip(action[box.size - 1], box.size - 1)
        let fingerForce = -c.squeezeForce(command: gripper)
        var touchedBoth = 0
        // Exponential filter of the squeeze, one update per physics step.
        let alpha = min(1, familySpec.timestep / familySpec.success.squeezeTime)
        let objectGeom = m.geoms.count - 1
        let hasObject = familySpec.family.hasObject
        for _ in 0..<familySpec.substeps {
            switch c.mode {
            case .cartesianVelocity:
                cartesianTorques(m, &s.data, ix, c, vx: box.clip(action[0], 0), vy: box.clip(action[1], 1),
                                 vz: box.clip(action[2], 2), &s.scratch)
            case .jointTorque:
                for k in 0..<7 { s.data.ctrl[ix.armActuator[k]] = box.clip(action[k], k) * ix.armTorqueLimit[k] }
            }
            s.data.ctrl[ix.fingerActuator[0]] = fingerForce
            s.data.ctrl[ix.fingerActuator[1]] = fingerForce
            Physics.step(m, &s.data)
            if hasObject {
                let (left, right) = padForces(&s.data, object: objectGeom, ix)
                s.squeeze += alpha * (min(left, right) - s.squeeze)
                if left > 0 && right > 0 { touchedBoth += 1 }
            }
        }
        s.steps += 1
        if s.data.warning != nil {
            s.blewUp = true
            return StepOutcome(reward: 0, terminated: true, success: false)
        }
        if hasObject, let object = s.task.object {
            // Touching with both pads for most of the period counts as a grasp.
            s.grasped = 2 * touchedBoth > familySpec.substeps
            if s.squeeze > object.fragility {
                s.broken = true
                return StepOutcome(reward: 0, terminated: true, success: false)
            }
        }
        return evaluate(&s)
    }

    /// Squeeze (N) of the left and right pads on the object: each contact's normal force times
    /// |normal · closing axis| (the hand's y axis, along which the fingers slide), so pads pushing
    /// an object with their front faces do not count as squeezing it.
    /// (`d` is only read; inout because passing a field of the inout state by value copies
    /// `Data`, a retain of each of its arrays, every physics step.)
    func padForces(_ d: inout Physics.Data, object: Int, _ ix: ArmIndices) -> (Double, Double) {
        var left = 0.0, right = 0.0
        let axis = d.siteXmat[ix.gripSite].column1
        for c in 0..<d.contacts.count {
            let contact = d.contacts[c]
            let other: Int
            if contact.geom1 == object { other = contact.geom2 } else if contact.geom2 == object { other = contact.geom1 } else { continue }
            let f = d.efc.contactForce[c].x * abs(contact.normal.dot(axis))
            if other == ix.leftPadGeom { left += f } else if other == ix.rightPadGeom { right += f }
        }
        return (left, right)
    }

    // MARK: - Reading the state

    /// Grip-site position (world, m).
    public func handPosition(_ s: ArmState) -> Vec3 { s.data.siteXpos[indices.gripSite] }

    /// Object centre-of-frame position (world, m), from its free joint.
    public func objectPosition(_ s: ArmState) -> Vec3 {
        let adr = s.model.joints[s.model.joints.count - 1].qposAdr
        return Vec3(s.data.qpos[adr], s.data.qpos[adr + 1], s.data.qpos[adr + 2])
    }

    /// Speed of the object's frame origin (m/s), from its free joint.
    public func objectSpeed(_ s: ArmState) -> Double {
        let adr = s.model.joints[s.model.joints.count - 1].dofAdr
        return Vec3(s.data.qvel[adr], s.data.qvel[adr + 1], s.data.qvel[adr + 2]).norm
    }

    /// Distance between the pads' inner faces (m).
    public func gripperOpening(_ s: ArmState) -> Double {
        s.data.qpos[indices.fingerQpos[0]] + s.data.qpos[indices.fingerQpos[1]]
    }
}
