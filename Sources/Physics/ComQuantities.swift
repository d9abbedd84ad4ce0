import Numerics

// COM-based spatial quantities, MuJoCo's formulation: each kinematic tree (a child of the world
// and its descendants) uses its subtree centre of mass as the reference point of all its spatial
// vectors, with world orientation (see Spatial.swift). Parent and child then share a frame, so
// the recursive algorithms add spatial vectors without transforming them.

/// Subtree centres of mass, body inertias about the tree reference point, and dof motion
/// subspaces: (xpos, xquat, xipos, ximat, xanchor, xaxis) ⇒ (subtreeCom, subtreeMass, cinert, cdof).
public func comPosition(_ m: Model, _ d: inout Data) {
    let L = d.layout
    let nb = L.bodyParent.count
    // Outputs through raw buffers (no per-write uniqueness check); indices come from the Layout.
    d.xpos.withUnsafeBufferPointer { xpos in
    d.xmat.withUnsafeBufferPointer { xmat in
    d.xipos.withUnsafeBufferPointer { xipos in
    d.ximat.withUnsafeBufferPointer { ximat in
    d.xanchor.withUnsafeBufferPointer { xanchor in
    d.xaxis.withUnsafeBufferPointer { xaxis in
    d.subtreeMass.withUnsafeMutableBufferPointer { subtreeMass in
    d.subtreeCom.withUnsafeMutableBufferPointer { subtreeCom in
    d.cinert.withUnsafeMutableBufferPointer { cinert in
    d.cdof.withUnsafeMutableBufferPointer { cdof in
        // Backward pass over bodies: mass-weighted positions summed into parents.
        for b in 0..<nb {
            subtreeMass[b] = L.bodyMass[b]
            subtreeCom[b] = L.bodyMass[b] * xipos[b]
        }
        var b = nb - 1
        while b > 0 {
            let p = L.bodyParent[b]
            subtreeMass[p] += subtreeMass[b]
            subtreeCom[p] += subtreeCom[b]
            b -= 1
        }
        for b in 0..<nb {
            // A massless subtree has no centre of mass; its own frame origin stands in (why: any
            // finite point works as a reference, and this one is what MuJoCo uses).
            if subtreeMass[b] < 1e-15 {
                subtreeCom[b] = xipos[b]
            } else {
                subtreeCom[b] = (1 / subtreeMass[b]) * subtreeCom[b]
            }
        }

        cinert[0] = .zero
        for b in 1..<nb {
            let o = subtreeCom[L.bodyRoot[b]]
            cinert[b] = SpatialInertia(mass: L.bodyMass[b], inertia: L.bodyInertia[b], rot: ximat[b],
                                       offset: xipos[b] - o)
            // Motion subspaces of the body's dofs, about the tree reference point o.
            let j0 = L.bodyJointAdr[b]
            for j in j0..<(j0 + L.bodyJointNum[b]) {
                let v = L.jointDofAdr[j]
                switch L.jointType[j] {
                case .free:
                    cdof[v] = SpatialVector(angular: .zero, linear: .unitX)
                    cdof[v + 1] = SpatialVector(angular: .zero, linear: .unitY)
                    cdof[v + 2] = SpatialVector(angular: .zero, linear: .unitZ)
                    // Body-frame angular velocity about the body origin.
                    let r = xmat[b], lever = o - xpos[b]
                    for k in 0..<3 {
                        let axis = k == 0 ? r.column0 : (k == 1 ? r.column1 : r.column2)
                        cdof[v + 3 + k] = SpatialVector(angular: axis, linear: axis.cross(lever))
                    }
                case .ball:
                    // Child-frame angular velocity about the joint anchor.
                    let r = xmat[b], lever = o - xanchor[j]
                    for k in 0..<3 {
                        let axis = k == 0 ? r.column0 : (k == 1 ? r.column1 : r.column2)
                        cdof[v + k] = SpatialVector(angular: axis, linear: axis.cross(lever))
                    }
                case .hinge:
                    let axis = xaxis[j]
                    cdof[v] = SpatialVector(angular: axis, linear: axis.cross(o - xanchor[j]))
                case .slide:
                    cdof[v] = SpatialVector(angular: .zero, linear: xaxis[j])
                }
            }
        }
    }}}}}}}}}}
}

/// Body velocities and dof-subspace derivatives: (cdof, qvel) ⇒ (cvel, cdofDot).
///
/// cdofDot of a dof is (velocity of the frame its axis is fixed in) ×ₘ cdof. That frame moves with
/// the body's velocity accumulated over the preceding joints; for a free joint the rotational
/// axes also move with the joint's own translation. Only the products cdofDot·qvel are used, and
/// for multi-dof joints those sums equal the exact derivative (the joint's own velocity crossed
/// with itself vanishes).
public func comVelocity(_ m: Model, _ d: inout Data) {
    let L = d.layout
    // Raw buffers as in comPosition: no uniqueness check per written element.
    d.qvel.withUnsafeBufferPointer { qvel in
    d.cdof.withUnsafeBufferPointer { cdof in
    d.cdofDot.withUnsafeMutableBufferPointer { cdofDot in
    d.cvel.withUnsafeMutableBufferPointer { cvel in
        cvel[0] = .zero
        for b in 1..<L.bodyParent.count {
            var v = cvel[L.bodyParent[b]]
            let j0 = L.bodyJointAdr[b]
            for j in j0..<(j0 + L.bodyJointNum[b]) {
                let a = L.jointDofAdr[j]
                switch L.jointType[j] {
                case .free:
                    for k in 0..<3 {
                        cdofDot[a + k] = v.crossMotion(cdof[a + k])
                    }
                    for k in 0..<3 { v += qvel[a + k] * cdof[a + k] }
                    for k in 3..<6 {
                        cdofDot[a + k] = v.crossMotion(cdof[a + k])
                    }
                    for k in 3..<6 { v += qvel[a + k] * cdof[a + k] }
                case .ball:
                    for k in 0..<3 {
                        cdofDot[a + k] = v.crossMotion(cdof[a + k])
                    }
                    for k in 0..<3 { v += qvel[a + k] * cdof[a + k] }
                case .hinge, .slide:
                    cdofDot[a] = v.crossMotion(cdof[a])
                    v += qvel[a] * cdof[a]
                }
            }
            cvel[b] = v
        }
    }}}}
}
