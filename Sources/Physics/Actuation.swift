import Numerics

// Joint-transmission actuators in MuJoCo's general form (MJCF-CONVENTIONS.md §5):
// force = gain·ctrl + bias0 + bias1·(gear·q) + bias2·(gear·q̇), joint force gear·force.
// Order: clamp a copy of ctrl to ctrlrange (if limited) → force → clamp to forcerange (if
// limited) → sum into the dofs. A NaN/Inf anywhere in ctrl zeroes all controls and warns (MuJoCo's
// choice: one bad control makes the whole control vector untrustworthy).

/// (qpos, qvel, ctrl) ⇒ (ctrlUsed, actuatorForce, qfrcActuator).
public func actuation(_ m: Model, _ d: inout Data) {
    let nu = m.nu
    for i in 0..<m.nv { d.qfrcActuator[i] = 0 }
    if nu == 0 { return }
    let actuators = m.actuators, joints = m.joints
    var bad = -1
    for i in 0..<nu where !d.ctrl[i].isFinite {
        bad = i
        break
    }
    if bad >= 0 { d.warn(.badCtrl, index: bad, body: -1) }
    for i in 0..<nu {
        let act = actuators[i]
        var u = bad >= 0 ? 0 : d.ctrl[i]
        if act.ctrllimited { u = min(max(u, act.ctrlrange.0), act.ctrlrange.1) }
        d.ctrlUsed[i] = u
        let joint = joints[act.joint]
        let length = act.gear * d.qpos[joint.qposAdr]
        let velocity = act.gear * d.qvel[joint.dofAdr]
        var force = act.gain * u + act.bias.0 + act.bias.1 * length + act.bias.2 * velocity
        if act.forcelimited { force = min(max(force, act.forcerange.0), act.forcerange.1) }
        d.actuatorForce[i] = force
        d.qfrcActuator[joint.dofAdr] += act.gear * force
    }
}
