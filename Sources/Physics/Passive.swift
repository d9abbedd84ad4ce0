import Foundation
import Numerics

// Passive joint forces: springs and dampers (MJCF-CONVENTIONS.md §4).
// Hinge/slide spring: −k·(q − springref). Ball and free rotational spring: −k·rotvec(q_s⁻¹ ⊗ q),
// the shortest rotation from the spring reference (qpos0) to q, in the child frame. Free
// translational spring: −k·(x − x0). Damper: −b·q̇ on every dof of the joint.

/// (qpos, qvel) ⇒ qfrcPassive.
public func passiveForces(_ m: Model, _ d: inout Data) {
    let L = d.layout
    for i in 0..<m.nv { d.qfrcPassive[i] = -L.dofDamping[i] * d.qvel[i] }
    for j in L.springJoints {
        let k = L.jointStiffness[j], a = L.jointQposAdr[j], v = L.jointDofAdr[j]
        switch L.jointType[j] {
        case .hinge, .slide:
            d.qfrcPassive[v] -= k * (d.qpos[a] - m.qposSpring[a])
        case .ball:
            let r = rotationBetween(m.qposSpring, a, d.qpos, a)
            d.qfrcPassive[v] -= k * r.x
            d.qfrcPassive[v + 1] -= k * r.y
            d.qfrcPassive[v + 2] -= k * r.z
        case .free:
            for c in 0..<3 { d.qfrcPassive[v + c] -= k * (d.qpos[a + c] - m.qposSpring[a + c]) }
            let r = rotationBetween(m.qposSpring, a + 3, d.qpos, a + 3)
            d.qfrcPassive[v + 3] -= k * r.x
            d.qfrcPassive[v + 4] -= k * r.y
            d.qfrcPassive[v + 5] -= k * r.z
        }
    }
}

/// The rotation vector (axis·angle, angle in [0, π]) taking the quaternion at `from[i0...]` to the
/// (normalized) quaternion at `to[i1...]`, expressed in the `from` frame: rotvec(from⁻¹ ⊗ to).
@inline(__always)
func rotationBetween(_ from: [Double], _ i0: Int, _ to: [Double], _ i1: Int) -> Vec3 {
    let q0 = Quat(from[i0], from[i0 + 1], from[i0 + 2], from[i0 + 3])
    let q1 = Quat(to[i1], to[i1 + 1], to[i1 + 2], to[i1 + 3]).normalized()
    return rotationVector(q0.conjugate * q1)
}

/// axis·angle of a unit quaternion, taking the shortest rotation (angle ≤ π).
@inline(__always)
func rotationVector(_ q: Quat) -> Vec3 {
    let v = q.vector
    let s = v.norm
    // Below 1e-15 the axis is undefined and the rotation vector is 0 to machine precision.
    if s < 1e-15 { return .zero }
    var angle = 2 * atan2(s, q.w)
    if angle > Double.pi { angle -= 2 * Double.pi }
    return (angle / s) * v
}
