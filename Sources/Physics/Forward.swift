import Numerics

// The forward pass: state (qpos, qvel, ctrl, applied forces) ⇒ every derived quantity and qacc.
// It only orchestrates the stage functions, in dependency order.

/// Runs the whole pipeline at the current state, leaving the state itself untouched.
public func forward(_ m: Model, _ d: inout Data) {
    checkShapes(m, d)
    // Position-dependent.
    kinematics(m, &d)
    comPosition(m, &d)
    massMatrix(m, &d)
    factorMassMatrix(m, &d)
    collision(m, &d)
    makeConstraints(m, &d)

    // Velocity-dependent.
    comVelocity(m, &d)
    passiveForces(m, &d)
    biasForces(m, &d)

    // Control-dependent.
    actuation(m, &d)

    // Acceleration.
    smoothForces(m, &d)
    solveConstraints(m, &d)
    accelerations(m, &d)
}

/// A `Data` made for another model, or a state vector replaced by one of the wrong length, is a
/// programmer error: stop with a message instead of an out-of-range index deep in a stage.
@inline(__always)
func checkShapes(_ m: Model, _ d: Data) {
    precondition(d.qpos.count == m.nq && d.qvel.count == m.nv && d.ctrl.count == m.nu
                 && d.qfrcApplied.count == m.nv && d.xfrcApplied.count == m.bodies.count
                 && d.layout.bodyParent.count == m.bodies.count && d.layout.jointType.count == m.joints.count,
                 "Data does not match the Model (nq \(m.nq), nv \(m.nv), nu \(m.nu)): qpos \(d.qpos.count), "
                 + "qvel \(d.qvel.count), ctrl \(d.ctrl.count), qfrcApplied \(d.qfrcApplied.count), "
                 + "xfrcApplied \(d.xfrcApplied.count)")
}
