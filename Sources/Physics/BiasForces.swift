import Numerics

// Recursive Newton–Euler with q̈ = 0: the generalized force that would produce zero acceleration,
// i.e. Coriolis/centrifugal terms plus gravity. Gravity enters as an upward acceleration of the
// world (cacc[0] = (0, −g)), the usual trick that spares a separate gravity pass.

/// (cinert, cvel, cdof, cdofDot, qvel) ⇒ qfrcBias = C(q, q̇)·q̇ + g(q).
public func biasForces(_ m: Model, _ d: inout Data) {
    let L = d.layout
    let nb = L.bodyParent.count
    d.cacc[0] = SpatialVector(angular: .zero, linear: -1 * m.options.gravity)
    d.cfrcBody[0] = .zero
    // Forward pass: body accelerations from velocity-product terms, then each body's net force.
    for b in 1..<nb {
        var a = d.cacc[L.bodyParent[b]]
        let v0 = L.bodyDofAdr[b]
        for i in v0..<(v0 + L.bodyDofNum[b]) {
            a += d.qvel[i] * d.cdofDot[i]
        }
        d.cacc[b] = a
        let inertia = d.cinert[b], v = d.cvel[b]
        d.cfrcBody[b] = inertia * a + v.crossForce(inertia * v)
    }
    // Backward pass: subtree forces summed into parents.
    var b = nb - 1
    while b > 0 {
        let p = L.bodyParent[b]
        if p > 0 { d.cfrcBody[p] += d.cfrcBody[b] }
        b -= 1
    }
    // Project on the dofs.
    for i in 0..<m.nv {
        d.qfrcBias[i] = d.cdof[i].dot(d.cfrcBody[L.dofBody[i]])
    }
}
