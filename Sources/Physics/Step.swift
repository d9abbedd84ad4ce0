import Numerics

// One physics step: check the state, run the forward pass, check the acceleration, integrate.

/// |qpos| or |qvel| beyond this is a blow-up (MuJoCo's mjMAXVAL): no mechanism this engine
/// models reaches 1e10 m or rad/s, and well before Double overflows.
public let blowUpBound = 1e10

/// Advances `d` by one timestep with the model's integrator.
///
/// A non-finite or huge qpos/qvel before the step, or a non-finite qacc after the forward pass,
/// is recorded in `d.warning` (coordinate, body, time) and the state is reset to qpos0 with zero
/// velocity and controls (MuJoCo's behaviour), so the simulation never carries NaNs forward; the
/// step then proceeds from the reset state. Never traps.
public func step(_ m: Model, _ d: inout Data) {
    checkShapes(m, d)
    checkPositions(m, &d)
    checkVelocities(m, &d)
    forward(m, &d)
    checkAccelerations(m, &d)
    // The solver's warm start for the next step: this step's acceleration.
    for i in 0..<m.nv { d.qaccWarmstart[i] = d.qacc[i] }
    switch m.options.integrator {
    case .euler: eulerIntegrate(m, &d)
    case .rk4: rk4Integrate(m, &d)
    }
}

func checkPositions(_ m: Model, _ d: inout Data) {
    for i in 0..<m.nq {
        let q = d.qpos[i]
        if !(abs(q) <= blowUpBound) {  // also catches NaN
            d.warn(.badQpos, index: i, body: bodyOfQpos(m, i))
            d.resetState(m)
            return
        }
    }
}

func checkVelocities(_ m: Model, _ d: inout Data) {
    for i in 0..<m.nv {
        if !(abs(d.qvel[i]) <= blowUpBound) {
            d.warn(.badQvel, index: i, body: m.dofs[i].body)
            d.resetState(m)
            return
        }
    }
}

func checkAccelerations(_ m: Model, _ d: inout Data) {
    for i in 0..<m.nv where !d.qacc[i].isFinite {
        d.warn(.badQacc, index: i, body: m.dofs[i].body)
        d.resetState(m)
        forward(m, &d)
        return
    }
}

/// The body moved by qpos coordinate `i`.
func bodyOfQpos(_ m: Model, _ i: Int) -> Int {
    for joint in m.joints where i >= joint.qposAdr && i < joint.qposAdr + joint.type.nq {
        return joint.body
    }
    return -1
}
