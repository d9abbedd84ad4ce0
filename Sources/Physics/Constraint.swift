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
// solve the dual problem  min ½ fᵀ(J M⁻¹ Jᵀ + R) f + fᵀ(J a₀ − a_ref),  f ≥ 0,  whose unique
// solution is the one MuJoCo's solvers converge to. The pipeline solves its primal form, over
// the nv accelerations, by Newton's method (ConstraintSolver.swift); BoxQP.swift solves the
// dual directly and is the independent cross-check in the tests.
//
// Speed (the step must not allocate and should beat MuJoCo's C): rows live in raw buffers
// (ConstraintStorage), sized once at the high-water mark; J is stored by dof so that products
// over rows are contiguous; a contact's rows share Jacobian columns computed once, only on the
// dofs that move one body but not the other.

/// What a constraint row constrains.
public enum ConstraintKind: UInt8, Sendable {
    /// One side of a limited hinge, slide or ball joint; `id` is the joint.
    case jointLimit
    /// A frictionless contact (condim 1); `id` is the contact.
    case contactFrictionless
    /// One edge of a contact's friction pyramid (condim 3, 4, 6); `id` is the contact.
    case contactPyramidal
}

/// Row storage of `ConstraintRows`: one allocation per field, addressed through raw pointers so
/// that the assembly and the solver run without array uniqueness or exclusivity checks.
/// Shared between copies of a `Data` until one of them writes (`ConstraintRows.prepare` copies
/// it first), so a `Data` still behaves as a value.
final class ConstraintStorage: @unchecked Sendable {
    let nv: Int
    /// Rows the buffers hold.
    let capacity: Int
    let kind: UnsafeMutablePointer<ConstraintKind>
    let id: UnsafeMutablePointer<Int>
    /// The Jacobian stored by dof (nv × capacity): row r's entry for dof i is J[i·capacity + r],
    /// so the solver's products over rows run along contiguous memory.
    let J: UnsafeMutablePointer<Double>
    /// Per row (capacity).
    let pos, margin, vel, aref, R, diagApprox, force, stiffness, damping, imp: UnsafeMutablePointer<Double>
    /// Solver scratch per row: D = 1/R, J·qacc − aref, J·δ, D on the active rows (0 elsewhere);
    /// and the Jacobian scaled by that (nv × capacity, like J), for the gradient and Hessian.
    let D, jar, jdelta, weight, DJ: UnsafeMutablePointer<Double>
    /// A contact's moving dofs (up to nv) and their relative translational and rotational
    /// Jacobian columns (3 per listed dof), in list order.
    let chainDof: UnsafeMutablePointer<Int>
    let jacp, jacr: UnsafeMutablePointer<Double>
    /// Per dof: the solver's iterate, gradient, M·a − qfrcSmooth, step, M·step (nv each), and the
    /// Hessian and its Cholesky factor (nv × nv).
    let qacc, grad, smoothGrad, delta, Mdelta, hessian: UnsafeMutablePointer<Double>

    private let doubles: [(UnsafeMutablePointer<Double>, Int)]

    init(nv: Int, capacity: Int) {
        self.nv = nv
        self.capacity = capacity
        var blocks: [(UnsafeMutablePointer<Double>, Int)] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            blocks.append((p, max(1, count)))
            return p
        }
        kind = .allocate(capacity: max(1, capacity))
        kind.initialize(repeating: .jointLimit, count: max(1, capacity))
        id = .allocate(capacity: max(1, capacity))
        id.initialize(repeating: 0, count: max(1, capacity))
        chainDof = .allocate(capacity: max(1, nv))
        chainDof.initialize(repeating: 0, count: max(1, nv))
        J = make(capacity * nv)
        pos = make(capacity); margin = make(capacity); vel = make(capacity); aref = make(capacity)
        R = make(capacity); diagApprox = make(capacity); force = make(capacity)
        stiffness = make(capacity); damping = make(capacity); imp = make(capacity)
        D = make(capacity); jar = make(capacity); jdelta = make(capacity); weight = make(capacity)
        DJ = make(nv * capacity)
        jacp = make(3 * nv); jacr = make(3 * nv)
        qacc = make(nv); grad = make(nv); smoothGrad = make(nv); delta = make(nv); Mdelta = make(nv)
        hessian = make(nv * nv)
        doubles = blocks
    }

    /// A deep copy (same capacity).
    func copy() -> ConstraintStorage {
        let c = ConstraintStorage(nv: nv, capacity: capacity)
        c.kind.update(from: kind, count: max(1, capacity))
        c.id.update(from: id, count: max(1, capacity))
        for (mine, theirs) in zip(doubles, c.doubles) { theirs.0.update(from: mine.0, count: mine.1) }
        return c
    }

    deinit {
        kind.deallocate()
        id.deallocate()
        chainDof.deallocate()
        for (p, _) in doubles { p.deallocate() }
    }
}

/// The constraint rows of the current state (MuJoCo's efc_* arrays) and the solver's scratch.
/// Sized at the high-water mark: capacity grows (allocating) only when a step needs more rows
/// than any before it.
public struct ConstraintRows: Sendable {
    /// Number of rows (nefc).
    public internal(set) var count = 0
    public var capacity: Int { storage.capacity }
    let nv: Int
    var storage: ConstraintStorage

    // Per row (count), copied out for inspection (these allocate; the pipeline never calls them):
    // kind, joint or contact index, Jacobian (count × nv, row-major), position (dist or limit
    // distance, m or rad), margin, velocity J·q̇, reference acceleration, regularizer R, the
    // diagonal approximation of J M⁻¹ Jᵀ, and the force.
    public var kind: [ConstraintKind] { Array(UnsafeBufferPointer(start: storage.kind, count: count)) }
    public var id: [Int] { Array(UnsafeBufferPointer(start: storage.id, count: count)) }
    public var J: [Double] {
        let s = storage
        return (0..<(count * nv)).map { k in s.J[(k % nv) * s.capacity + k / nv] }
    }
    public var pos: [Double] { Array(UnsafeBufferPointer(start: storage.pos, count: count)) }
    public var margin: [Double] { Array(UnsafeBufferPointer(start: storage.margin, count: count)) }
    public var vel: [Double] { Array(UnsafeBufferPointer(start: storage.vel, count: count)) }
    public var aref: [Double] { Array(UnsafeBufferPointer(start: storage.aref, count: count)) }
    public var R: [Double] { Array(UnsafeBufferPointer(start: storage.R, count: count)) }
    public var diagApprox: [Double] { Array(UnsafeBufferPointer(start: storage.diagApprox, count: count)) }
    public var force: [Double] { Array(UnsafeBufferPointer(start: storage.force, count: count)) }
    /// Stiffness K, damping B and impedance d of each row's reference acceleration.
    var stiffness: [Double] { Array(UnsafeBufferPointer(start: storage.stiffness, count: count)) }
    var damping: [Double] { Array(UnsafeBufferPointer(start: storage.damping, count: count)) }
    var imp: [Double] { Array(UnsafeBufferPointer(start: storage.imp, count: count)) }

    /// Statistics of the last solve (primal Newton: `sweeps` is always 0).
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
        storage = ConstraintStorage(nv: nv, capacity: 16)
        contactFrame = [Mat3](repeating: .identity, count: contactCapacity)
        contactForce = [Vec3](repeating: .zero, count: contactCapacity)
        contactRowAdr = [Int](repeating: -1, count: contactCapacity)
    }

    /// Makes the storage this value's own and large enough for `n` rows. Allocates only when a
    /// new maximum is reached or when the storage is shared with a copy of this `Data`. The
    /// previous rows are kept only when no growth was needed.
    mutating func prepare(rows n: Int) {
        if n > storage.capacity {
            storage = ConstraintStorage(nv: nv, capacity: max(n, 2 * storage.capacity))
            count = 0
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }
}

// MARK: - Collision stage

/// (geomXpos, geomXmat) ⇒ contacts.
public func collision(_ m: Model, _ d: inout Data) {
    d.collisionDetector.detect(m, geomXpos: d.geomXpos, geomXmat: d.geomXmat, into: &d.contacts)
    // Dropped contacts let objects sink through each other: never silently.
    if d.contacts.overflowed { d.warn(.contactOverflow, index: d.contacts.capacity, body: -1) }
}

// MARK: - Assembly

/// (qpos, contacts, cdof, subtreeCom) ⇒ constraint rows with their impedance, K, B and R.
///
/// Allocation-free once the row storage has reached its high-water mark: rows are counted
/// first (an upper bound), the storage is sized once, then filled through raw pointers. A
/// contact's rows share its Jacobian columns, computed once over the two bodies' dof chains;
/// a row touches only those dofs.
public func makeConstraints(_ m: Model, _ d: inout Data) {
    let L = d.layout
    let h = m.options.timestep
    let ncon = d.contacts.count

    // Upper bound on the rows: two per limited joint (one for a ball), 2·(condim − 1) per
    // frictional contact, one per frictionless contact.
    var bound = 2 &* L.limitedJoints.count
    for c in 0..<ncon {
        let dim = d.contacts[c].parameters.condim
        bound &+= dim == 1 ? 1 : 2 &* (dim &- 1)
    }
    d.efc.prepare(rows: bound)
    let s = d.efc.storage
    // Zero the Jacobian of every row this step can fill: one contiguous run per dof.
    for i in 0..<m.nv { (s.J + i &* s.capacity).update(repeating: 0, count: bound) }
    var n = 0

    // Joint limits: one row per violated (or within-margin) side.
    for j in L.limitedJoints {
        let adr = L.jointDofAdr[j]
        let margin = L.jointMargin[j]
        switch L.jointType[j] {
        case .hinge, .slide:
            let q = d.qpos[L.jointQposAdr[j]]
            let (lower, upper) = L.jointRange[j]
            // Distance to each limit (negative: violated); the lower side pushes +q, the upper −q.
            let soft = SoftParameters(solref: L.jointSolref[j], solimp: L.jointSolimp[j], timestep: h)
            if q - lower < margin {
                beginRow(s, n, .jointLimit, id: j, pos: q - lower, margin: margin)
                s.J[adr &* s.capacity &+ n] = 1
                s.diagApprox[n] = m.dofInvWeight0[adr]
                applySoftness(s, row: n, count: 1, soft)
                n &+= 1
            }
            if upper - q < margin {
                beginRow(s, n, .jointLimit, id: j, pos: upper - q, margin: margin)
                s.J[adr &* s.capacity &+ n] = -1
                s.diagApprox[n] = m.dofInvWeight0[adr]
                applySoftness(s, row: n, count: 1, soft)
                n &+= 1
            }
        case .ball:
            // Rotation angle from the reference orientation against range.1 (the maximum angle).
            let a = L.jointQposAdr[j]
            let q = Quat(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2], d.qpos[a + 3]).normalized()
            // The rotation vector (Passive.swift) is axis·angle of the shorter rotation.
            let rotation = rotationVector(q)
            let angle = rotation.norm
            let axis = angle < 1e-15 ? Vec3.unitX : rotation / angle
            let value = L.jointRange[j].1 - angle
            guard value < margin else { continue }
            beginRow(s, n, .jointLimit, id: j, pos: value, margin: margin)
            s.J[adr &* s.capacity &+ n] = -axis.x
            s.J[(adr + 1) &* s.capacity &+ n] = -axis.y
            s.J[(adr + 2) &* s.capacity &+ n] = -axis.z
            s.diagApprox[n] = m.dofInvWeight0[adr]
            applySoftness(s, row: n, count: 1,
                          SoftParameters(solref: L.jointSolref[j], solimp: L.jointSolimp[j], timestep: h))
            n &+= 1
        case .free:
            break
        }
    }

    // Contacts.
    let cdof = d.cdof, subtreeCom = d.subtreeCom
    for c in 0..<ncon {
        let contact = d.contacts[c]
        let p = contact.parameters
        // MuJoCo's contact frame (Contact.tangents): a pyramidal cone is not rotationally
        // symmetric, so the tangent directions shape sliding friction and must match.
        let (t1, t2) = contact.tangents
        let cn = contact.normal
        let frame = Mat3(cn.x, cn.y, cn.z, t1.x, t1.y, t1.z, t2.x, t2.y, t2.z)
        d.efc.contactFrame[c] = frame
        d.efc.contactForce[c] = .zero
        d.efc.contactRowAdr[c] = -1
        let b1 = L.geomBody[contact.geom1], b2 = L.geomBody[contact.geom2]
        let dim = p.condim
        let includeMargin = p.margin - p.gap
        // The gap: a contact within margin but not within margin − gap is reported, not enforced
        // (MuJoCo's exclusion rule; with margin = gap = 0 a contact at dist 0 makes no rows).
        if contact.dist >= includeMargin { continue }
        let last1 = L.bodyLastDof[b1], last2 = L.bodyLastDof[b2]
        if last1 < 0 && last2 < 0 { continue }  // nothing can move
        let tran = m.bodyInvWeight0[b1].translation + m.bodyInvWeight0[b2].translation
        let rot = m.bodyInvWeight0[b1].rotation + m.bodyInvWeight0[b2].rotation

        let chain = contactJacobianColumns(L, cdof, subtreeCom, s, b1: b1, b2: b2, point: contact.pos)
        let first = n
        let normal = frame.row0
        if dim == 1 {
            beginRow(s, n, .contactFrictionless, id: c, pos: contact.dist, margin: includeMargin)
            fillContactRows(s, chain: chain, row: n, pair: false, normal: normal, direction: .zero, rotational: false, scale: 0)
            s.diagApprox[n] = tran
            n &+= 1
        } else {
            // One pair of opposing pyramid edges per friction direction: J_n ± μ_k J_k.
            for k in 1..<dim {
                let mu = p.friction[k - 1]
                // Directions 1, 2 slide along the tangents (translational columns); 3 twists
                // about the normal, 4, 5 roll about the tangents (rotational columns).
                let direction: Vec3 = switch k {
                case 1, 4: frame.row1
                case 2, 5: frame.row2
                default: frame.row0
                }
                let rotational = k >= 3
                let diag = tran + mu * mu * (k < 3 ? tran : rot)
                beginRow(s, n, .contactPyramidal, id: c, pos: contact.dist, margin: includeMargin)
                beginRow(s, n &+ 1, .contactPyramidal, id: c, pos: contact.dist, margin: includeMargin)
                fillContactRows(s, chain: chain, row: n, pair: true, normal: normal, direction: direction,
                                rotational: rotational, scale: mu)
                s.diagApprox[n] = diag
                s.diagApprox[n &+ 1] = diag
                n &+= 2
            }
        }
        let soft = SoftParameters(solref: p.solref, solimp: (p.solimp[0], p.solimp[1], p.solimp[2], p.solimp[3], p.solimp[4]),
                                  timestep: h)
        applySoftness(s, row: first, count: n &- first, soft)
        if dim > 1 {
            // Friction impedance (MuJoCo): R_friction = R_normal / impratio sets the regularized
            // cone's μ = friction₀·√(R₁/R₀); every pyramid edge gets R = 2μ²·R_normal.
            let r0 = s.R[first]
            let r1 = r0 / max(softMinimum, m.options.impratio)
            let mu = p.friction[0] * (r1 / r0).squareRoot()
            for r in first..<n { s.R[r] = 2 * mu * mu * r0 }
        }
        d.efc.contactRowAdr[c] = first
    }
    d.efc.count = n
}

/// Sets a row's kind, id, position and margin (its Jacobian was zeroed by `makeConstraints`).
@inline(__always)
private func beginRow(_ s: ConstraintStorage, _ r: Int, _ kind: ConstraintKind, id: Int, pos: Double, margin: Double) {
    s.kind[r] = kind
    s.id[r] = id
    s.pos[r] = pos
    s.margin[r] = margin

}

/// Impedance, K, B and R for `count` rows starting at `row`, which share one position (a
/// contact's edges, or one limit row). R here is (1 − d)/d · diagApprox of each row.
@inline(__always)
private func applySoftness(_ s: ConstraintStorage, row: Int, count: Int, _ p: SoftParameters) {
    let (d, _) = impedance(p.solimp, pos: s.pos[row], margin: s.margin[row])
    let (k, b) = referenceStiffnessDamping(p)
    for r in row..<(row &+ count) {
        s.imp[r] = d
        s.stiffness[r] = k
        s.damping[r] = b
        s.R[r] = regularizer(impedance: d, diagApprox: s.diagApprox[r])
    }
}

/// The relative Jacobian of a contact point, geom2's body against geom1's: lists in `s.chainDof`
/// the dofs that move one body but not the other (those above the two chains' lowest common
/// dof; a shared dof moves both points alike, so its column is exactly zero and is skipped) and
/// writes their columns to `s.jacp` (translation) and `s.jacr` (rotation), 3 per entry: the
/// velocity of the point on body 2 minus that on body 1 per unit qvel. Returns the list length.
@inline(__always)
private func contactJacobianColumns(_ L: Layout, _ cdof: [SpatialVector], _ subtreeCom: [Vec3], _ s: ConstraintStorage,
                                    b1: Int, b2: Int, point: Vec3) -> Int {
    let jp = s.jacp, jr = s.jacr, list = s.chainDof
    // Lowest common dof: parents have smaller indices, so step the deeper chain up. (A body
    // welded to the world, as a floor is, shares nothing: -1 at once.)
    var i1 = L.bodyLastDof[b1], i2 = L.bodyLastDof[b2]
    if i1 < 0 || i2 < 0 {
        i1 = -1
    } else {
        L.dofParent.withUnsafeBufferPointer { parent in
            while i1 != i2 {
                if i1 > i2 { i1 = parent[i1] } else { i2 = parent[i2] }
            }
        }
    }
    let common = i1
    var count = 0
    for body in 0..<2 {
        let b = body == 0 ? b2 : b1
        let sign = body == 0 ? 1.0 : -1.0
        var i = L.bodyLastDof[b]
        if i == common { continue }
        let r = point - subtreeCom[L.bodyRoot[b]]
        while i != common {  // i > common ≥ -1 on the way up
            let sv = cdof[i]
            let v = sv.linear + sv.angular.cross(r)
            let k = 3 &* count
            list[count] = i
            jp[k] = sign * v.x; jp[k &+ 1] = sign * v.y; jp[k &+ 2] = sign * v.z
            jr[k] = sign * sv.angular.x; jr[k &+ 1] = sign * sv.angular.y; jr[k &+ 2] = sign * sv.angular.z
            count &+= 1
            i = L.dofParent[i]
        }
    }
    return count
}

/// Writes J = normal·Jp + scale·(direction·Jp) (or direction·Jr when `rotational`) on the listed
/// dofs of row `row`, and with −scale on row `row + 1` when `pair` (a pyramid's opposing edges).
@inline(__always)
private func fillContactRows(_ s: ConstraintStorage, chain: Int, row: Int, pair: Bool,
                             normal: Vec3, direction: Vec3, rotational: Bool, scale: Double) {
    let cap = s.capacity
    let out = s.J + row
    let jp = s.jacp, jr = s.jacr, list = s.chainDof
    for e in 0..<chain {
        let k = 3 &* e
        let p = Vec3(jp[k], jp[k &+ 1], jp[k &+ 2])
        let t = rotational ? Vec3(jr[k], jr[k &+ 1], jr[k &+ 2]) : p
        let base = normal.dot(p), along = direction.dot(t)
        let i = list[e] &* cap
        out[i] = base + scale * along
        if pair { out[i &+ 1] = base + (-scale) * along }
    }
}

// MARK: - Solve

/// (rows, qvel, qfrcSmooth, qM) ⇒ row forces, qfrcConstraint = Jᵀ f, per-contact forces.
/// The forces come from the primal Newton solver (ConstraintSolver.swift), warm-started from
/// `qaccWarmstart`.
public func solveConstraints(_ m: Model, _ d: inout Data) {
    let nv = m.nv
    for i in 0..<nv { d.qfrcConstraint[i] = 0 }
    let n = d.efc.count
    guard n > 0 else { d.efc.solverResult = BoxQP.Result(); return }
    d.efc.prepare(rows: n)
    let s = d.efc.storage
    let maxIterations = m.options.iterations, tolerance = m.options.tolerance

    let result: BoxQP.Result = d.qM.withUnsafeBufferPointer { M in
        d.qvel.withUnsafeBufferPointer { qvel in
            d.qfrcSmooth.withUnsafeBufferPointer { smooth in
                d.qaccWarmstart.withUnsafeBufferPointer { warm in
                    // J q̇, dof by dof along the rows (the same order of additions as a row dot).
                    let cap = s.capacity
                    for r in 0..<n { s.vel[r] = 0 }
                    for i in 0..<nv {
                        let column = s.J + i &* cap, qi = qvel[i]
                        for r in 0..<n { s.vel[r] += column[r] * qi }
                    }
                    for r in 0..<n {
                        let v = s.vel[r]
                        s.aref[r] = -s.damping[r] * v - s.stiffness[r] * s.imp[r] * (s.pos[r] - s.margin[r])
                        s.D[r] = 1 / s.R[r]
                    }
                    return solvePrimalNewton(n: n, nv: nv, s, M: M.baseAddress!, qfrcSmooth: smooth.baseAddress!,
                                             warmstart: warm.baseAddress!,
                                             maxIterations: maxIterations, tolerance: tolerance)
                }
            }
        }
    }
    d.efc.solverResult = result

    // qfrcConstraint = Jᵀ f.
    d.qfrcConstraint.withUnsafeMutableBufferPointer { q in
        for i in 0..<nv { q[i] = dot(s.J + i &* s.capacity, s.force, n) }
    }
    // Contact forces in the contact frame: each pyramid edge J_n ± μ_k J_k pushes f along the
    // normal and ±μ_k f along direction k.
    for c in 0..<d.contacts.count {
        let first = d.efc.contactRowAdr[c]
        guard first >= 0 else { continue }
        let p = d.contacts[c].parameters
        if p.condim == 1 {
            d.efc.contactForce[c] = Vec3(s.force[first], 0, 0)
            continue
        }
        var normal = 0.0, t1 = 0.0, t2 = 0.0
        for k in 1..<p.condim {
            let fp = s.force[first + 2 * (k - 1)], fm = s.force[first + 2 * (k - 1) + 1]
            normal += fp + fm
            if k == 1 { t1 = p.friction[0] * (fp - fm) }
            if k == 2 { t2 = p.friction[1] * (fp - fm) }
        }
        d.efc.contactForce[c] = Vec3(normal, t1, t2)
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
