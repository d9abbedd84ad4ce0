import Numerics

// Model constants of the constraint model, computed once at qpos0 as MuJoCo's mj_setConst does:
// the average inverse inertia each body and each dof presents to a unit force or torque. They
// scale the constraint regularizer R = (1 − d)/d · diagApprox, so that softness is expressed in
// time constants whatever the masses.

/// Inverse weights of one body: mean diagonal of the translational and rotational blocks of
/// J·M⁻¹·Jᵀ for the Jacobian J of its centre of mass, at qpos0.
public struct InverseWeight: Sendable, Equatable {
    /// 1/kg.
    public var translation: Double
    /// 1/(kg·m²).
    public var rotation: Double
}

/// (body inverse weights (nbody), dof inverse weights (nv)) at qpos0.
func inverseWeights(_ m: Model) -> (bodies: [InverseWeight], dofs: [Double]) {
    var bodies = [InverseWeight](repeating: InverseWeight(translation: 0, rotation: 0), count: m.bodies.count)
    var dofs = [Double](repeating: 0, count: m.nv)
    let nv = m.nv
    guard nv > 0 else { return (bodies, dofs) }
    var d = Data(m)
    kinematics(m, &d)
    comPosition(m, &d)
    massMatrix(m, &d)
    factorMassMatrix(m, &d)

    // (J M⁻¹ Jᵀ) for a k × nv Jacobian `rows`; returns its k × k product, row-major.
    func inverseInertia(_ rows: [Double], _ k: Int) -> [Double] {
        var y = rows
        d.qLD.withUnsafeBufferPointer { a in
            d.layout.dofParent.withUnsafeBufferPointer { p in
                y.withUnsafeMutableBufferPointer { buffer in
                    for r in 0..<k {
                        solveLTDL(a, parents: p, nv: nv, UnsafeMutableBufferPointer(rebasing: buffer[(r * nv)..<((r + 1) * nv)]))
                    }
                }
            }
        }
        var product = [Double](repeating: 0, count: k * k)
        for r in 0..<k { for c in 0..<k { for i in 0..<nv { product[r * k + c] += rows[r * nv + i] * y[c * nv + i] } } }
        return product
    }

    for b in 1..<m.bodies.count {
        let body = m.bodies[b]
        if m.bodies[body.weld].dofNum == 0 { continue }  // welded to the world: immovable
        if isSimpleSlider(m, b) {
            // MuJoCo's shortcut for a lone sliding body: no rotation, no coupling.
            bodies[b] = InverseWeight(translation: 1 / max(softMinimum, body.mass), rotation: 0)
            continue
        }
        var jacp = [Double](repeating: 0, count: 3 * nv), jacr = jacp
        bodyComJacobian(m, d, body: b, jacp: &jacp, jacr: &jacr)
        let a = inverseInertia(jacp + jacr, 6)
        bodies[b] = InverseWeight(translation: (a[0] + a[7] + a[14]) / 3, rotation: (a[21] + a[28] + a[35]) / 3)
    }
    for joint in m.joints {
        let n = joint.type.nv, adr = joint.dofAdr
        if isSimpleSlider(m, joint.body) {
            dofs[adr] = 1 / max(softMinimum, m.bodies[joint.body].mass)
            continue
        }
        var rows = [Double](repeating: 0, count: n * nv)
        for r in 0..<n { rows[r * nv + adr + r] = 1 }
        let a = inverseInertia(rows, n)
        switch n {
        case 6:
            for r in 0..<3 { dofs[adr + r] = (a[0] + a[7] + a[14]) / 3; dofs[adr + 3 + r] = (a[21] + a[28] + a[35]) / 3 }
        case 3:
            for r in 0..<3 { dofs[adr + r] = (a[0] + a[4] + a[8]) / 3 }
        default:
            dofs[adr] = a[0]
        }
    }
    return (bodies, dofs)
}

/// MuJoCo's "simple" level 2 body: its frame is its inertial frame, it has no child bodies, it
/// hangs from the world (or from a jointless child of the world), and it moves only by slide
/// joints through its origin along coordinate axes.
private func isSimpleSlider(_ m: Model, _ b: Int) -> Bool {
    let body = m.bodies[b]
    guard body.dofNum > 0, body.ipos == .zero, body.iquat == .identity else { return false }
    let parent = body.parent
    guard parent == 0 || (m.bodies[parent].parent == 0 && m.bodies[parent].dofNum == 0) else { return false }
    if m.bodies.contains(where: { $0.parent == b }) { return false }
    for j in body.jointAdr..<(body.jointAdr + body.jointNum) {
        let joint = m.joints[j]
        guard joint.type == .slide, joint.pos == .zero else { return false }
        let a = joint.axis
        let nonzero = (abs(a.x) > 1e-14 ? 1 : 0) + (abs(a.y) > 1e-14 ? 1 : 0) + (abs(a.z) > 1e-14 ? 1 : 0)
        if nonzero != 1 { return false }
    }
    return true
}
