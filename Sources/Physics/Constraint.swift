import Foundation
import Numerics

// Constraints: contacts (with Coulomb friction on a pyramidal cone) and joint limits, in
// MuJoCo's soft-constraint model (MJCF-CONVENTIONS.md §7).
//
//   (qpos, contacts, M) ⇒ rows J, pos, margin, impedance, K, B, R          makeConstraints
//   (rows, qvel, qfrcSmooth) ⇒ forces f ≥ 0 ⇒ qfrcConstraint = Jᵀ f         solveConstraints
//
// Each row is one-sided (a pyramid edge or a limit). With a₀ = M⁻¹·qfrcSmooth the unconstrained
// acceleration and a_ref = −B·J q̇ − K·d·(pos − margin) the reference acceleration, the forces
// solve the dual problem  min ½ fᵀ(J M⁻¹ Jᵀ + R) f + fᵀ(J a₀ − a_ref),  f ≥ 0  (BoxQP.swift),
// whose unique solution is the one MuJoCo's primal solvers converge to.

/// What a constraint row constrains.
public enum ConstraintKind: UInt8, Sendable {
    /// One side of a limited hinge, slide or ball joint; `id` is the joint.
    case jointLimit
    /// A frictionless contact (condim 1); `id` is the contact.
    case contactFrictionless
    /// One edge of a contact's friction pyramid (condim 3, 4, 6); `id` is the contact.
    case contactPyramidal
}

/// The constraint rows of the current state (MuJoCo's efc_* arrays) and the solver's scratch.
/// Sized at the high-water mark: capacity grows (allocating) only when a step needs more rows
/// than any before it.
public struct ConstraintRows: Sendable {
    /// Number of rows (nefc).
    public internal(set) var count = 0
    public private(set) var capacity = 0
    let nv: Int

    /// Per row (count): kind, joint or contact index, Jacobian (count × nv, row-major),
    /// position (dist or limit distance, m or rad), margin, velocity J·q̇, reference
    /// acceleration, regularizer R, the diagonal approximation of J M⁻¹ Jᵀ, and the force.
    public internal(set) var kind: [ConstraintKind] = []
    public internal(set) var id: [Int] = []
    public internal(set) var J: [Double] = []
    public internal(set) var pos: [Double] = []
    public internal(set) var margin: [Double] = []
    public internal(set) var vel: [Double] = []
    public internal(set) var aref: [Double] = []
    public internal(set) var R: [Double] = []
    public internal(set) var diagApprox: [Double] = []
    public internal(set) var force: [Double] = []
    /// Stiffness K, damping B and impedance d of each row's reference acceleration.
    var stiffness: [Double] = []
    var damping: [Double] = []
    var imp: [Double] = []

    // Solver scratch.
    var H: [Double] = []         // capacity², J M⁻¹ Jᵀ + R
    var MinvJT: [Double] = []    // capacity × nv, row r = M⁻¹ J_rᵀ
    var b: [Double] = []
    var lower: [Double] = []
    var upper: [Double] = []
    var qp = BoxQP(capacity: 0)
    /// Unconstrained acceleration M⁻¹·qfrcSmooth (nv).
    var a0: [Double]

    /// Statistics of the last solve.
    public internal(set) var solverResult = BoxQP.Result()

    /// Per contact (contact capacity): the contact frame (rows: normal, tangent 1, tangent 2 in
    /// world coordinates) and the force geom1 exerts on geom2 in that frame (N): normal
    /// component first, then friction along the two tangents.
    public internal(set) var contactFrame: [Mat3]
    public internal(set) var contactForce: [Vec3]
    /// First row of each contact (-1: contact made no rows).
    public internal(set) var contactRowAdr: [Int]

    init(nv: Int, contactCapacity: Int) {
        self.nv = nv
        a0 = [Double](repeating: 0, count: nv)
        contactFrame = [Mat3](repeating: .identity, count: contactCapacity)
        contactForce = [Vec3](repeating: .zero, count: contactCapacity)
        contactRowAdr = [Int](repeating: -1, count: contactCapacity)
        reserve(16)
    }

    /// Makes room for `n` rows (allocates; only when a new maximum is reached).
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let c = max(n, 2 * capacity)
        func grow<T>(_ a: inout [T], _ size: Int, _ fill: T) { a.append(contentsOf: repeatElement(fill, count: size - a.count)) }
        grow(&kind, c, .jointLimit); grow(&id, c, 0); grow(&J, c * nv, 0)
        grow(&pos, c, 0); grow(&margin, c, 0); grow(&vel, c, 0); grow(&aref, c, 0); grow(&R, c, 0)
        grow(&diagApprox, c, 0); grow(&force, c, 0); grow(&stiffness, c, 0); grow(&damping, c, 0); grow(&imp, c, 0)
        H = [Double](repeating: 0, count: c * c)
        grow(&MinvJT, c * nv, 0); grow(&b, c, 0); grow(&lower, c, 0); grow(&upper, c, 0)
        qp.reserve(c)
        capacity = c
    }

    /// Appends a row with a zero Jacobian (filled by the caller) and returns its index.
    mutating func addRow(_ k: ConstraintKind, id: Int, pos: Double, margin: Double) -> Int {
        if count == capacity { reserve(count + 1) }
        let r = count
        kind[r] = k; self.id[r] = id; self.pos[r] = pos; self.margin[r] = margin
        for i in 0..<nv { J[r &* nv &+ i] = 0 }
        count += 1
        return r
    }
}

// MARK: - Collision stage

/// (geomXpos, geomXmat) ⇒ contacts.
public func collision(_ m: Model, _ d: inout Data) {
    d.collisionDetector.detect(m, geomXpos: d.geomXpos, geomXmat: d.geomXmat, into: &d.contacts)
}

// MARK: - Assembly

/// (qpos, contacts, xipos, cdof, qLD) ⇒ constraint rows with their impedance, K, B and R.
public func makeConstraints(_ m: Model, _ d: inout Data) {
    d.efc.count = 0
    let L = d.layout
    let h = m.options.timestep

    // Joint limits: one row per violated (or within-margin) side.
    for j in L.limitedJoints {
        let joint = m.joints[j]
        let adr = joint.dofAdr
        switch joint.type {
        case .hinge, .slide:
            let q = d.qpos[joint.qposAdr]
            for side in [-1.0, 1.0] {
                // Distance to the limit (negative: violated) and the Jacobian direction.
                let value = side < 0 ? q - joint.range.0 : joint.range.1 - q
                guard value < joint.margin else { continue }
                let r = d.efc.addRow(.jointLimit, id: j, pos: value, margin: joint.margin)
                d.efc.J[r &* m.nv &+ adr] = -side
                d.efc.diagApprox[r] = m.dofInvWeight0[adr]
                setSoftness(&d.efc, row: r, count: 1, joint.solver, timestep: h)
            }
        case .ball:
            // Rotation angle from the reference orientation against range.1 (the maximum angle).
            let a = joint.qposAdr
            let q = Quat(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2], d.qpos[a + 3]).normalized()
            let (axis, angle) = axisAngle(q)
            let value = joint.range.1 - angle
            guard value < joint.margin else { continue }
            let r = d.efc.addRow(.jointLimit, id: j, pos: value, margin: joint.margin)
            d.efc.J[r &* m.nv &+ adr] = -axis.x
            d.efc.J[r &* m.nv &+ adr + 1] = -axis.y
            d.efc.J[r &* m.nv &+ adr + 2] = -axis.z
            d.efc.diagApprox[r] = m.dofInvWeight0[adr]
            setSoftness(&d.efc, row: r, count: 1, joint.solver, timestep: h)
        case .free:
            break
        }
    }

    // Contacts.
    for c in 0..<d.contacts.count {
        let contact = d.contacts[c]
        let p = contact.parameters
        // MuJoCo's contact frame (Contact.tangents): a pyramidal cone is not rotationally
        // symmetric, so the tangent directions shape sliding friction and must match.
        let (t1, t2) = contact.tangents
        let n = contact.normal
        let frame = Mat3(n.x, n.y, n.z, t1.x, t1.y, t1.z, t2.x, t2.y, t2.z)
        d.efc.contactFrame[c] = frame
        d.efc.contactForce[c] = .zero
        d.efc.contactRowAdr[c] = -1
        let b1 = m.geoms[contact.geom1].body, b2 = m.geoms[contact.geom2].body
        let dim = p.condim
        let includeMargin = p.margin - p.gap
        let tran = m.bodyInvWeight0[b1].translation + m.bodyInvWeight0[b2].translation
        let rot = m.bodyInvWeight0[b1].rotation + m.bodyInvWeight0[b2].rotation
        // The gap: a contact within margin but not within margin − gap is reported, not enforced
        // (MuJoCo's exclusion rule; with margin = gap = 0 a contact at dist 0 makes no rows).
        if contact.dist >= includeMargin { continue }
        if d.layout.bodyLastDof[b1] < 0 && d.layout.bodyLastDof[b2] < 0 { continue }  // nothing can move

        let first = d.efc.count
        if dim == 1 {
            let r = d.efc.addRow(.contactFrictionless, id: c, pos: contact.dist, margin: includeMargin)
            addContactJacobian(m, &d, row: r, contact: contact, b1: b1, b2: b2, linear: frame.row0, angular: .zero, scale: 1)
            d.efc.diagApprox[r] = tran
            setSoftness(&d.efc, row: r, count: 1, p, timestep: h)
        } else {
            // One pair of opposing pyramid edges per friction direction: J_n ± μ_k J_k.
            for k in 1..<dim {
                let mu = p.friction[k - 1]
                let (linear, angular): (Vec3, Vec3) = switch k {
                case 1: (frame.row1, .zero)
                case 2: (frame.row2, .zero)
                case 3: (.zero, frame.row0)   // torsion about the normal
                case 4: (.zero, frame.row1)   // rolling
                default: (.zero, frame.row2)
                }
                for sign in [1.0, -1.0] {
                    let r = d.efc.addRow(.contactPyramidal, id: c, pos: contact.dist, margin: includeMargin)
                    addContactJacobian(m, &d, row: r, contact: contact, b1: b1, b2: b2, linear: frame.row0, angular: .zero, scale: 1)
                    addContactJacobian(m, &d, row: r, contact: contact, b1: b1, b2: b2, linear: linear, angular: angular, scale: sign * mu)
                    d.efc.diagApprox[r] = tran + mu * mu * (k < 3 ? tran : rot)
                }
            }
            setSoftness(&d.efc, row: first, count: 2 * (dim - 1), p, timestep: h)
            // Friction impedance (MuJoCo): R_friction = R_normal / impratio sets the regularized
            // cone's μ = friction₀·√(R₁/R₀); every pyramid edge gets R = 2μ²·R_normal.
            let r0 = d.efc.R[first]
            let r1 = r0 / max(softMinimum, m.options.impratio)
            let mu = p.friction[0] * (r1 / r0).squareRoot()
            for r in first..<d.efc.count { d.efc.R[r] = 2 * mu * mu * r0 }
        }
        d.efc.contactRowAdr[c] = first
    }
}

/// Impedance, K, B and R for `count` rows starting at `row`, which share one position (a
/// contact's edges, or one limit row). R here is (1 − d)/d · diagApprox of the first row.
private func setSoftness(_ efc: inout ConstraintRows, row: Int, count: Int, _ s: SolverParameters, timestep: Double) {
    let p = SoftParameters(solref: s.solref, solimp: (s.imp[0], s.imp[1], s.imp[2], s.imp[3], s.imp[4]), timestep: timestep)
    applySoftness(&efc, row: row, count: count, p)
}

private func setSoftness(_ efc: inout ConstraintRows, row: Int, count: Int, _ c: ContactParameters, timestep: Double) {
    let i = c.solimp
    let p = SoftParameters(solref: c.solref, solimp: (i[0], i[1], i[2], i[3], i[4]), timestep: timestep)
    applySoftness(&efc, row: row, count: count, p)
}

private func applySoftness(_ efc: inout ConstraintRows, row: Int, count: Int, _ p: SoftParameters) {
    let (d, _) = impedance(p.solimp, pos: efc.pos[row], margin: efc.margin[row])
    let (k, b) = referenceStiffnessDamping(p)
    for r in row..<(row + count) {
        efc.imp[r] = d
        efc.stiffness[r] = k
        efc.damping[r] = b
        efc.R[r] = regularizer(impedance: d, diagApprox: efc.diagApprox[r])
    }
}

/// Adds scale·(linᵀ·(J_p(b2) − J_p(b1)) + angᵀ·(J_r(b2) − J_r(b1))) at the contact point to row
/// `row`: the rate of change of the relative motion of geom2 against geom1 along (lin, ang).
@inline(__always)
private func addContactJacobian(_ m: Model, _ d: inout Data, row: Int, contact: Contact, b1: Int, b2: Int,
                                linear: Vec3, angular: Vec3, scale: Double) {
    let nv = m.nv
    let L = d.layout
    for (body, sign) in [(b2, scale), (b1, -scale)] {
        var i = L.bodyLastDof[body]
        if i < 0 { continue }
        let r = contact.pos - d.subtreeCom[L.bodyRoot[body]]
        while i >= 0 {
            let s = d.cdof[i]
            let v = s.linear + s.angular.cross(r)
            d.efc.J[row &* nv &+ i] += sign * (linear.dot(v) + angular.dot(s.angular))
            i = L.dofParent[i]
        }
    }
}

/// Rotation axis (unit) and angle in [0, π] of a unit quaternion.
private func axisAngle(_ q: Quat) -> (Vec3, Double) {
    var v = q.vector
    var w = q.w
    if w < 0 { v = -v; w = -w }  // the shorter rotation
    let s = v.norm
    if s < 1e-15 { return (.unitX, 0) }
    return (v / s, 2 * atan2(s, w))
}

// MARK: - Solve

/// (rows, qvel, qfrcSmooth, qLD) ⇒ row forces, qfrcConstraint = Jᵀ f, per-contact forces.
public func solveConstraints(_ m: Model, _ d: inout Data) {
    let nv = m.nv
    for i in 0..<nv { d.qfrcConstraint[i] = 0 }
    let n = d.efc.count
    guard n > 0 else { d.efc.solverResult = BoxQP.Result(); return }

    let parents = d.layout.dofParent
    let qLD = d.qLD
    let qvel = d.qvel
    let warm = d.qaccWarmstart
    for i in 0..<nv { d.efc.a0[i] = d.qfrcSmooth[i] }

    let result: BoxQP.Result = d.efc.withBuffers { e in
        qLD.withUnsafeBufferPointer { a in
            parents.withUnsafeBufferPointer { p in
                // a₀ = M⁻¹ qfrcSmooth, and M⁻¹ J_rᵀ for every row.
                solveLTDL(a, parents: p, nv: nv, e.a0)
                for r in 0..<n {
                    let y = e.MinvJT + r &* nv
                    for i in 0..<nv { y[i] = e.J[r &* nv &+ i] }
                    solveLTDL(a, parents: p, nv: nv, UnsafeMutableBufferPointer(start: y, count: nv))
                }
            }
        }
        for r in 0..<n {
            let row = e.J + r &* nv
            var v = 0.0, ja0 = 0.0, jw = 0.0
            for i in 0..<nv { v += row[i] * qvel[i]; ja0 += row[i] * e.a0[i]; jw += row[i] * warm[i] }
            e.vel[r] = v
            let ar = -e.damping[r] * v - e.stiffness[r] * e.imp[r] * (e.pos[r] - e.margin[r])
            e.aref[r] = ar
            e.b[r] = ja0 - ar
            e.lower[r] = 0
            e.upper[r] = .infinity
            // Warm start as MuJoCo does: the forces the previous step's acceleration implies.
            e.force[r] = max(0, -(jw - ar) / e.R[r])
            // H row r: J_r M⁻¹ J_sᵀ (symmetric: fill both triangles from the upper one).
            for s in r..<n {
                let y = e.MinvJT + s &* nv
                var h = 0.0
                for i in 0..<nv { h += row[i] * y[i] }
                e.H[r &* n &+ s] = h
                e.H[s &* n &+ r] = h
            }
            e.H[r &* n &+ r] += e.R[r]
        }
        return e.qp.solve(n: n, H: e.H, b: e.b, lo: e.lower, hi: e.upper, f: e.force,
                          maxIterations: m.options.iterations, tolerance: m.options.tolerance)
    }
    d.efc.solverResult = result

    // qfrcConstraint = Jᵀ f.
    for r in 0..<n {
        let f = d.efc.force[r]
        if f == 0 { continue }
        for i in 0..<nv { d.qfrcConstraint[i] += d.efc.J[r &* nv &+ i] * f }
    }
    // Contact forces in the contact frame: each pyramid edge J_n ± μ_k J_k pushes f along the
    // normal and ±μ_k f along direction k.
    for c in 0..<d.contacts.count {
        let first = d.efc.contactRowAdr[c]
        guard first >= 0 else { continue }
        let p = d.contacts[c].parameters
        if p.condim == 1 {
            d.efc.contactForce[c] = Vec3(d.efc.force[first], 0, 0)
            continue
        }
        var normal = 0.0, t1 = 0.0, t2 = 0.0
        for k in 1..<p.condim {
            let fp = d.efc.force[first + 2 * (k - 1)], fm = d.efc.force[first + 2 * (k - 1) + 1]
            normal += fp + fm
            if k == 1 { t1 = p.friction[0] * (fp - fm) }
            if k == 2 { t2 = p.friction[1] * (fp - fm) }
        }
        d.efc.contactForce[c] = Vec3(normal, t1, t2)
    }
}

extension ConstraintRows {
    /// Raw pointers to the row arrays for the solve (valid only inside `body`).
    struct Buffers {
        let J, MinvJT, H, b, lower, upper, force, vel, aref, R, pos, margin, stiffness, damping, imp: UnsafeMutablePointer<Double>
        let a0: UnsafeMutableBufferPointer<Double>
        var qp: BoxQP
    }

    mutating func withBuffers<T>(_ body: (inout Buffers) -> T) -> T {
        // Take the solver scratch out so that it can be mutated alongside the arrays.
        let qpScratch = qp
        qp = BoxQP(capacity: 0)
        return J.withUnsafeMutableBufferPointer { J in
            MinvJT.withUnsafeMutableBufferPointer { Y in
                H.withUnsafeMutableBufferPointer { H in
                    b.withUnsafeMutableBufferPointer { b in
                        lower.withUnsafeMutableBufferPointer { lo in
                            upper.withUnsafeMutableBufferPointer { hi in
                                force.withUnsafeMutableBufferPointer { f in
                                    vel.withUnsafeMutableBufferPointer { v in
                                        aref.withUnsafeMutableBufferPointer { ar in
                                            R.withUnsafeMutableBufferPointer { R in
                                                pos.withUnsafeMutableBufferPointer { p in
                                                    margin.withUnsafeMutableBufferPointer { mg in
                                                        stiffness.withUnsafeMutableBufferPointer { k in
                                                            damping.withUnsafeMutableBufferPointer { bd in
                                                                imp.withUnsafeMutableBufferPointer { im in
                                                                    a0.withUnsafeMutableBufferPointer { a0 in
                                                                        var buffers = Buffers(
                                                                            J: J.baseAddress!, MinvJT: Y.baseAddress!, H: H.baseAddress!,
                                                                            b: b.baseAddress!, lower: lo.baseAddress!, upper: hi.baseAddress!,
                                                                            force: f.baseAddress!, vel: v.baseAddress!, aref: ar.baseAddress!,
                                                                            R: R.baseAddress!, pos: p.baseAddress!, margin: mg.baseAddress!,
                                                                            stiffness: k.baseAddress!, damping: bd.baseAddress!, imp: im.baseAddress!,
                                                                            a0: a0, qp: qpScratch)
                                                                        let result = body(&buffers)
                                                                        qp = buffers.qp
                                                                        return result
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Contact capacity for a model: 8 points (a clipped box face) for every geom pair that the
/// static filters allow, capped so that large scenes do not reserve megabytes per Data.
func contactCapacityFor(_ m: Model) -> Int {
    var pairs = 0
    for i in 0..<m.geoms.count {
        for j in (i + 1)..<max(i + 1, m.geoms.count) where geomsMayCollide(m, i, j) { pairs += 1 }
    }
    return min(8 * pairs, 4096)
}
