import Numerics

// Forward dynamics: gather every generalized force and solve M·q̈ = f through the LᵀDL factor.

/// (qfrcPassive, qfrcActuator, qfrcApplied, xfrcApplied, qfrcBias) ⇒ qfrcSmooth.
/// xfrcApplied enters as Jᵀ·(force, torque) with J the Jacobian of the body's centre of mass.
public func smoothForces(_ m: Model, _ d: inout Data) {
    for i in 0..<m.nv {
        d.qfrcSmooth[i] = d.qfrcPassive[i] + d.qfrcActuator[i] + d.qfrcApplied[i] - d.qfrcBias[i]
    }
    let L = d.layout
    for b in 1..<L.bodyParent.count where d.xfrcApplied[b] != .zero {
        let w = d.xfrcApplied[b]
        // Lever from the tree's reference point to the point of application (the COM).
        let r = d.xipos[b] - d.subtreeCom[L.bodyRoot[b]]
        var i = L.bodyLastDof[b]
        while i >= 0 {
            let s = d.cdof[i]
            // Velocity of the COM per unit qvel_i: v₀ + ω × r; rotation: ω.
            d.qfrcSmooth[i] += w.force.dot(s.linear + s.angular.cross(r)) + w.torque.dot(s.angular)
            i = L.dofParent[i]
        }
    }
}

/// (qLD, qfrcSmooth, qfrcConstraint) ⇒ qacc = M⁻¹·(qfrcSmooth + qfrcConstraint).
public func accelerations(_ m: Model, _ d: inout Data) {
    let nv = m.nv
    for i in 0..<nv { d.qacc[i] = d.qfrcSmooth[i] + d.qfrcConstraint[i] }
    let qLD = d.qLD, parents = d.layout.dofParent
    qLD.withUnsafeBufferPointer { a in
        parents.withUnsafeBufferPointer { p in
            d.qacc.withUnsafeMutableBufferPointer { x in solveLTDL(a, parents: p, nv: nv, x) }
        }
    }
}
