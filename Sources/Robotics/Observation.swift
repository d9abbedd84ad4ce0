import Numerics
import Physics
import RL

// Observations: proprioception, the object's pose and velocity, then the task parameters the spec
// does not hide. A pure function of the state; hidden parameters are never written.
//
// Layout (names in `spec.observationNames`):
//   joint1...7 qpos (rad), joint1...7 qvel (rad/s), gripper opening (m), hand x y z (m, world)
//   [object] x y z (m), quaternion w x y z, linear velocity (m/s, world), angular velocity
//            (rad/s, object frame), as in the free joint's qpos/qvel
//   [observed] goal x y z; mass; friction; size (3, zero-padded); shape one-hot (box, cylinder,
//            sphere, capsule); fragility; com-offset x y z

extension ArmEnvironment {
    static func observationNames(_ spec: FamilySpec) -> [String] {
        var names = (1...7).map { "joint\($0).qpos" } + (1...7).map { "joint\($0).qvel" }
        names += ["gripper.opening", "hand.x", "hand.y", "hand.z"]
        if spec.family.hasObject {
            names += ["object.x", "object.y", "object.z", "object.qw", "object.qx", "object.qy", "object.qz",
                      "object.vx", "object.vy", "object.vz", "object.wx", "object.wy", "object.wz"]
        }
        for p in spec.observedParameters {
            switch p {
            case .goal: names += ["goal.x", "goal.y", "goal.z"]
            case .mass: names.append("mass")
            case .friction: names.append("friction")
            case .size: names += ["size.0", "size.1", "size.2"]
            case .shape: names += Shape.allCases.map { "shape.\($0.rawValue)" }
            case .fragility: names.append("fragility")
            case .comOffset: names += ["com-offset.x", "com-offset.y", "com-offset.z"]
            }
        }
        return names
    }

    public func observe(_ s: ArmState, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == spec.observationSize, "observe: buffer must hold \(spec.observationSize) values")
        let d = s.data, ix = indices
        var i = 0
        func put(_ v: Double) { out[i] = Float(v); i += 1 }
        for k in 0..<7 { put(d.qpos[ix.armQpos[k]]) }
        for k in 0..<7 { put(d.qvel[ix.armDof[k]]) }
        put(gripperOpening(s))
        let hand = handPosition(s)
        put(hand.x); put(hand.y); put(hand.z)
        if familySpec.family.hasObject {
            let joint = s.model.joints[s.model.joints.count - 1]
            for k in 0..<7 { put(d.qpos[joint.qposAdr + k]) }
            for k in 0..<6 { put(d.qvel[joint.dofAdr + k]) }
        }
        let task = s.task
        for p in familySpec.observedParameters {
            let o = task.object
            switch p {
            case .goal: put(task.goal.x); put(task.goal.y); put(task.goal.z)
            case .mass: put(o?.mass ?? 0)
            case .friction: put(o?.friction ?? 0)
            case .size: for k in 0..<3 { put(k < (o?.size.count ?? 0) ? o!.size[k] : 0) }
            case .shape: for shape in Shape.allCases { put(o?.shape == shape ? 1 : 0) }
            case .fragility: put(o?.fragility ?? 0)
            case .comOffset: for k in 0..<3 { put(o?.comOffset?[k] ?? 0) }
            }
        }
    }
}
