import Foundation
import Numerics

// Time integration, exactly as MuJoCo 3.3 does it (MJCF-CONVENTIONS.md §1, §6).

/// Below this norm an angular velocity has no direction (MuJoCo's mjMINVAL): the rotation axis
/// falls back to x, and the (zero-angle) increment is the identity.
let minimumNorm = 1e-15

/// qpos ← qpos ⊕ h·v: hinge, slide and free translation add h·v; quaternions (ball, free
/// rotation) are normalized only if off by more than 1e-15, then right-multiplied by the rotation
/// h·ω about the body-frame axis ω/|ω| (no renormalization afterwards, as MuJoCo).
@inline(__always)
func integratePositions(_ L: Layout, _ qpos: UnsafeMutableBufferPointer<Double>,
                        _ vel: UnsafeBufferPointer<Double>, _ h: Double) {
    for j in 0..<L.jointType.count {
        let a = L.jointQposAdr[j], v = L.jointDofAdr[j]
        switch L.jointType[j] {
        case .hinge, .slide:
            qpos[a] += h * vel[v]
        case .ball:
            integrateQuaternion(qpos, a, vel, v, h)
        case .free:
            qpos[a] += h * vel[v]
            qpos[a + 1] += h * vel[v + 1]
            qpos[a + 2] += h * vel[v + 2]
            integrateQuaternion(qpos, a + 3, vel, v + 3, h)
        }
    }
}

@inline(__always)
func integrateQuaternion(_ qpos: UnsafeMutableBufferPointer<Double>, _ a: Int,
                         _ vel: UnsafeBufferPointer<Double>, _ v: Int, _ h: Double) {
    var ux = vel[v], uy = vel[v + 1], uz = vel[v + 2]
    let speed = (ux * ux + uy * uy + uz * uz).squareRoot()
    if speed < minimumNorm {
        ux = 1; uy = 0; uz = 0
    } else {
        let inv = 1 / speed
        ux *= inv; uy *= inv; uz *= inv
    }
    let angle = h * speed
    var dq = Quat.identity
    if angle != 0 {
        let s = sin(0.5 * angle)
        dq = Quat(cos(0.5 * angle), ux * s, uy * s, uz * s)
    }
    var q = Quat(qpos[a], qpos[a + 1], qpos[a + 2], qpos[a + 3])
    let n = q.norm
    if n < minimumNorm {
        q = .identity
    } else if abs(n - 1) > minimumNorm {
        let inv = 1 / n
        q = Quat(q.w * inv, q.x * inv, q.y * inv, q.z * inv)
    }
    q = q * dq
    qpos[a] = q.w; qpos[a + 1] = q.x; qpos[a + 2] = q.y; qpos[a + 3] = q.z
}

/// Semi-implicit Euler after a forward pass: q̇ ← q̇ + h·a⁺, q ← q ⊕ h·q̇, t ← t + h, where
/// a⁺ = qacc, or — when any dof is damped — the solution of (M + h·diag(damping))·a⁺ =
/// qfrcSmooth + qfrcConstraint, which treats damping implicitly (stable for any damping).
/// `qacc` keeps the explicit value.
func eulerIntegrate(_ m: Model, _ d: inout Data) {
    let nv = m.nv, h = m.options.timestep
    let L = d.layout
    if L.hasDamping {
        for k in 0..<(nv * nv) { d.qLDDamped[k] = d.qM[k] }
        for i in 0..<nv {
            d.qLDDamped[i * nv + i] += h * L.dofDamping[i]
            d.qaccDamped[i] = d.qfrcSmooth[i] + d.qfrcConstraint[i]
        }
        let parents = L.dofParent
        parents.withUnsafeBufferPointer { p in
            d.qLDDamped.withUnsafeMutableBufferPointer { a in factorLTDL(a, parents: p, nv: nv) }
        }
        let factor = d.qLDDamped
        factor.withUnsafeBufferPointer { a in
            parents.withUnsafeBufferPointer { p in
                d.qaccDamped.withUnsafeMutableBufferPointer { x in solveLTDL(a, parents: p, nv: nv, x) }
            }
        }
        for i in 0..<nv { d.qvel[i] += h * d.qaccDamped[i] }
    } else {
        for i in 0..<nv { d.qvel[i] += h * d.qacc[i] }
    }
    let qvel = d.qvel
    qvel.withUnsafeBufferPointer { v in
        d.qpos.withUnsafeMutableBufferPointer { q in integratePositions(L, q, v, h) }
    }
    d.time += h
}

/// Classic RK4 on (q, q̇) with MuJoCo's tableau: a21 = a32 = ½, a43 = 1, b = (1/6, 1/3, 1/3, 1/6),
/// c = (0, ½, ½, 1). Stage positions are one rotation from q0 by the weighted stage velocity;
/// damping is explicit and ctrl is held. Expects a forward pass at the current state (stage 1);
/// afterwards the derived fields describe stage 4.
func rk4Integrate(_ m: Model, _ d: inout Data) {
    let nv = m.nv, nq = m.nq, h = m.options.timestep
    let L = d.layout
    let t0 = d.time
    for i in 0..<nq { d.rkQpos[i] = d.qpos[i] }
    for i in 0..<nv {
        d.rkQvel[i] = d.qvel[i]
        d.rkVel[i] = d.qvel[i]
        d.rkAcc[i] = d.qacc[i]
    }
    // Stages 2–4: each uses only the previous stage, with weight a = ½, ½, 1 (and c = a).
    for s in 1...3 {
        let a = s == 3 ? 1.0 : 0.5
        for i in 0..<nv {
            let v = d.rkQvel[i] + h * (a * d.rkAcc[(s - 1) * nv + i])
            d.rkVel[s * nv + i] = v
            d.qvel[i] = v
            d.rkDq[i] = a * d.rkVel[(s - 1) * nv + i]
        }
        for i in 0..<nq { d.qpos[i] = d.rkQpos[i] }
        let dq = d.rkDq
        dq.withUnsafeBufferPointer { v in
            d.qpos.withUnsafeMutableBufferPointer { q in integratePositions(L, q, v, h) }
        }
        d.time = t0 + a * h
        forward(m, &d)
        for i in 0..<nv { d.rkAcc[s * nv + i] = d.qacc[i] }
    }
    // Final combination.
    let b0 = 1.0 / 6, b1 = 1.0 / 3, b2 = 1.0 / 3, b3 = 1.0 / 6
    for i in 0..<nv {
        let acc = b0 * d.rkAcc[i] + b1 * d.rkAcc[nv + i] + b2 * d.rkAcc[2 * nv + i] + b3 * d.rkAcc[3 * nv + i]
        let vel = b0 * d.rkVel[i] + b1 * d.rkVel[nv + i] + b2 * d.rkVel[2 * nv + i] + b3 * d.rkVel[3 * nv + i]
        d.qvel[i] = d.rkQvel[i] + h * acc
        d.rkDq[i] = vel
    }
    for i in 0..<nq { d.qpos[i] = d.rkQpos[i] }
    let dq = d.rkDq
    dq.withUnsafeBufferPointer { v in
        d.qpos.withUnsafeMutableBufferPointer { q in integratePositions(L, q, v, h) }
    }
    d.time = t0 + h
}

/// MuJoCo's `mj_integratePos`: qpos ← qpos ⊕ h·vel (nq and nv long), with the quaternion rules
/// above. For users (finite differences, planners) outside the step loop.
public func integratePosition(_ m: Model, qpos: inout [Double], velocity: [Double], h: Double) {
    precondition(qpos.count == m.nq && velocity.count == m.nv, "integratePosition: qpos nq, velocity nv long")
    let L = Layout(m)
    velocity.withUnsafeBufferPointer { v in
        qpos.withUnsafeMutableBufferPointer { q in integratePositions(L, q, v, h) }
    }
}
