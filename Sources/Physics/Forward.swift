import Numerics

// The forward pass: state (qpos, qvel, ctrl, applied forces) ⇒ every derived quantity and qacc.
// It only orchestrates the stage functions, in dependency order.

/// Runs the whole pipeline at the current state, leaving the state itself untouched.
public func forward(_ m: Model, _ d: inout Data) {
    // Position-dependent.
    kinematics(m, &d)
    comPosition(m, &d)
    massMatrix(m, &d)
    factorMassMatrix(m, &d)
    // ── Collision detection and constraint assembly (contacts, joint limits) go here: they
    //    need geom poses and M's factor, and produce the constraint rows the solver uses.

    // Velocity-dependent.
    comVelocity(m, &d)
    passiveForces(m, &d)
    biasForces(m, &d)

    // Control-dependent.
    actuation(m, &d)

    // Acceleration.
    smoothForces(m, &d)
    // ── The constraint solver goes here: it fills qfrcConstraint (zero until contacts land).
    accelerations(m, &d)
}
