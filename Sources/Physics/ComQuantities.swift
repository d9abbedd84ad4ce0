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
    // Backward pass over bodies: mass-weighted positions summed into parents.
    for b in 0..<nb {
        d.subtreeMass[b] = L.bodyMass[b]
        d.subtreeCom[b] = L.bodyMass[b] * d.xipos[b]
    }
    var b = nb - 1
    while b > 0 {
        let p = L.bodyParent[b]
        d.subtreeMass[p] += d.subtreeMass[b]
        d.subtreeCom[p] += d.subtreeCom[b]
        b -= 1
    }
    for b in 0..<nb {
        // A massless subtree has no centre of mass; its own frame origin stands in (why: any
        // finite point works as a reference, and this one is what MuJoCo uses).
        if d.subtreeMass[b] < 1e-15 {
            d.subtreeCom[b] = d.xipos[b]
        } else {
            d.subtreeCom[b] = (1 / d.subtreeMass[b]) * d.subtreeCom[b]
        }
    }

    d.cinert[0] = .zero
    for b in 1..<nb {
        let o = d.subtreeCom[L.bodyRoot[b]]
        d.cinert[b] = SpatialInertia(mass: L.bodyMass[b], inertia: L.bodyInertia[b], rot: d.ximat[b],
                                     offset: d.xipos[b] - o)
        // Motion subspaces of the body's dofs, about the tree reference point o.
        let j0 = L.bodyJointAdr[b]
        for j in j0..<(j0 + L.bodyJointNum[b]) {
            let v = L.jointDofAdr[j]
            switch L.jointType[j] {
            case .free:
                d.cdof[v] = SpatialVector(angular: .zero, linear: .unitX)
                d.cdof[v + 1] = SpatialVector(angular: .zero, linear: .unitY)
                d.cdof[v + 2] = SpatialVector(angular: .zero, linear: .unitZ)
                // Body-frame angular velocity about the body origin.
                let r = d.xmat[b], lever = o - d.xpos[b]
                for k in 0..<3 {
                    let axis = k == 0 ? r.column0 : (k == 1 ? r.column1 : r.column2)
                    d.cdof[v + 3 + k] = SpatialVector(angular: axis, linear: axis.cross(lever))
                }
            case .ball:
                // Child-frame angular velocity about the joint anchor.
                let r = d.xmat[b], lever = o - d.xanchor[j]
                for k in 0..<3 {
                    let axis = k == 0 ? r.column0 : (k == 1 ? r.column1 : r.column2)
                    d.cdof[v + k] = SpatialVector(angular: axis, linear: axis.cross(lever))
                }
            case .hinge:
                let axis = d.xaxis[j]
                d.cdof[v] = SpatialVector(angular: axis, linear: axis.cross(o - d.xanchor[j]))
            case .slide:
                d.cdof[v] = SpatialVector(angular: .zero, linear: d.xaxis[j])
            }
        }
    }
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
    d.cvel[0] = .zero
    for b in 1..<L.bodyParent.count {
        var v = d.cvel[L.bodyParent[b]]
        let j0 = L.bodyJointAdr[b]
        for j in j0..<(j0 + L.bodyJointNum[b]) {
            let a = L.jointDofAdr[j]
            switch L.jointType[j] {
            case .free:
                for k in 0..<3 {
                    d.cdofDot[a + k] = v.crossMotion(d.cdof[a + k])
                }
                for k in 0..<3 { v += d.qvel[a + k] * d.cdof[a + k] }
                for k in 3..<6 {
                    d.cdofDot[a + k] = v.crossMotion(d.cdof[a + k])
                }
                for k in 3..<6 { v += d.qvel[a + k] * d.cdof[a + k] }
            case .ball:
                for k in 0..<3 {
                    d.cdofDot[a + k] = v.crossMotion(d.cdof[a + k])
                }
                for k in 0..<3 { v += d.qvel[a + k] * d.cdof[a + k] }
            case .hinge, .slide:
                d.cdofDot[a] = v.crossMotion(d.cdof[a])
                v += d.qvel[a] * d.cdof[a]
            }
        }
        d.cvel[b] = v
    }
}
