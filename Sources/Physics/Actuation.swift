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
    let L = d.layout
    var bad = -1
    for i in 0..<nu where !d.ctrl[i].isFinite {
        bad = i
        break
    }
    if bad >= 0 { d.warn(.badCtrl, index: bad, body: -1) }
    for i in 0..<nu {
        var u = bad >= 0 ? 0 : d.ctrl[i]
        if L.actuatorCtrlLimited[i] { u = min(max(u, L.actuatorCtrlLo[i]), L.actuatorCtrlHi[i]) }
        d.ctrlUsed[i] = u
        let gear = L.actuatorGear[i], dof = L.actuatorDofAdr[i]
        let length = gear * d.qpos[L.actuatorQposAdr[i]]
        let velocity = gear * d.qvel[dof]
        var force = L.actuatorGain[i] * u + L.actuatorBias0[i] + L.actuatorBias1[i] * length
            + L.actuatorBias2[i] * velocity
        if L.actuatorForceLimited[i] { force = min(max(force, L.actuatorForceLo[i]), L.actuatorForceHi[i]) }
        d.actuatorForce[i] = force
        d.qfrcActuator[dof] += gear * force
    }
}
