import Numerics
import Physics

// The default action interface: an end-effector velocity and a gripper command, turned into joint
// torques at the physics rate by damped least squares (Nakamura & Hanafusa / Wampler):
//
//   twist* = (maxSpeed·a_xyz, orientationGain·e_R)        e_R: hand orientation error vs home
//   z      = postureGain·(q_home − q)                     redundancy resolution toward home
//   q̇*     = z + Jᵀ (J·Jᵀ + λ²·I)⁻¹ (twist* − J·z)        J: 6 × 7 grip-site Jacobian
//   τ      = bias + damping·q̇* + M·velocityGain·(q̇* − q̇)
//
// `bias` (gravity, Coriolis) and M are the engine's own, so the arm tracks velocities rather than
// sagging. The position-dependent quantities (J, M, bias, the site frame) are those `step` left
// in Data: computed at the start of the previous physics step, 2.5 ms old at the default rate.
// Using them saves a forward pass per physics step (half the cost); a 2.5 ms lag is far inside
// the 1/velocityGain ≈ 17 ms tracking time constant.

/// Indices into the arm model, resolved by name once.
struct ArmIndices: Sendable {
    /// qpos and dof addresses of the 7 arm joints, and their actuators.
    var armQpos: [Int] = [], armDof: [Int] = [], armActuator: [Int] = []
    /// Joint damping of the arm dofs (N·m·s/rad), torque limits (N·m).
    var armDamping: [Double] = [], armTorqueLimit: [Double] = []
    var fingerQpos: [Int] = [], fingerActuator: [Int] = []
    var gripSite = 0
    var leftPadGeom = 0, rightPadGeom = 0
    /// Home configuration of the arm joints (rad) and the grip site's home orientation.
    var homeArm: [Double] = []
    var homeFrame = Mat3.identity
    var keyframe = 0
}

/// Per-environment scratch of the controller (no meaning between calls; no allocation per step).
struct ControllerScratch: Sendable {
    var jacp: [Double], jacr: [Double]
    /// J (6 × 7), A = J·Jᵀ + λ²I (6 × 6), right-hand side (6), z and q̇* (7).
    var J: [Double], A: [Double], rhs: [Double], z: [Double], qdotStar: [Double]

    init(nv: Int) {
        jacp = Array(repeating: 0, count: 3 * nv); jacr = Array(repeating: 0, count: 3 * nv)
        J = Array(repeating: 0, count: 42); A = Array(repeating: 0, count: 36); rhs = Array(repeating: 0, count: 6)
        z = Array(repeating: 0, count: 7); qdotStar = Array(repeating: 0, count: 7)
    }
}

/// Writes the arm's 7 joint torques into `d.ctrl` for the end-effector velocity
/// (vx, vy, vz) ∈ [-1, 1]³ (times maxSpeed, m/s, world frame).
func cartesianTorques(_ m: Model, _ d: inout Physics.Data, _ ix: ArmIndices, _ c: ControllerSpec,
                      vx: Double, vy: Double, vz: Double, _ s: inout ControllerScratch) {
    let nv = m.nv
    siteJacobian(m, d, site: ix.gripSite, jacp: &s.jacp, jacr: &s.jacr)
    for r in 0..<3 {
        for k in 0..<7 {
            let dof = ix.armDof[k]
            s.J[r * 7 + k] = s.jacp[r * nv + dof]
            s.J[(r + 3) * 7 + k] = s.jacr[r * nv + dof]
        }
    }
    // Orientation error: ½ Σ_i R[:, i] × R*[:, i], the small-angle rotation taking the hand's
    // frame to the home frame.
    let R = d.siteXmat[ix.gripSite], H = ix.homeFrame
    let eR = 0.5 * (R.column0.cross(H.column0) + R.column1.cross(H.column1) + R.column2.cross(H.column2))
    let twist = (c.maxSpeed * vx, c.maxSpeed * vy, c.maxSpeed * vz,
                 c.orientationGain * eR.x, c.orientationGain * eR.y, c.orientationGain * eR.z)
    for k in 0..<7 { s.z[k] = c.postureGain * (ix.homeArm[k] - d.qpos[ix.armQpos[k]]) }
    for r in 0..<6 {
        var jz = 0.0
        for k in 0..<7 { jz += s.J[r * 7 + k] * s.z[k] }
        let t: Double
        switch r { case 0: t = twist.0; case 1: t = twist.1; case 2: t = twist.2; case 3: t = twist.3; case 4: t = twist.4; default: t = twist.5 }
        s.rhs[r] = t - jz
        for q in 0...r {
            var a = 0.0
            for k in 0..<7 { a += s.J[r * 7 + k] * s.J[q * 7 + k] }
            s.A[r * 6 + q] = a + (r == q ? c.damping * c.damping : 0)
        }
    }
    choleskySolve6(&s.A, &s.rhs)
    for k in 0..<7 {
        var v = s.z[k]
        for r in 0..<6 { v += s.J[r * 7 + k] * s.rhs[r] }
        s.qdotStar[k] = v
    }
    for k in 0..<7 {
        let dof = ix.armDof[k]
        var tau = d.qfrcBias[dof] + ix.armDamping[k] * s.qdotStar[k]
        for j in 0..<7 {
            let dj = ix.armDof[j]
            tau += d.qM[dof * nv + dj] * c.velocityGain * (s.qdotStar[j] - d.qvel[dj])
        }
        d.ctrl[ix.armActuator[k]] = tau
    }
}

/// Solves A·x = b in place for a symmetric positive-definite 6 × 6 A (lower triangle used;
/// overwritten by its Cholesky factor), b overwritten by x. λ² > 0 on the diagonal keeps A
/// positive definite even at singular arm poses.
@inline(__always)
func choleskySolve6(_ A: inout [Double], _ b: inout [Double]) {
    for j in 0..<6 {
        var djj = A[j * 6 + j]
        for k in 0..<j { djj -= A[j * 6 + k] * A[j * 6 + k] }
        let ljj = djj.squareRoot()
        A[j * 6 + j] = ljj
        for i in (j + 1)..<6 {
            var v = A[i * 6 + j]
            for k in 0..<j { v -= A[i * 6 + k] * A[j * 6 + k] }
            A[i * 6 + j] = v / ljj
        }
    }
    for i in 0..<6 {
        var v = b[i]
        for k in 0..<i { v -= A[i * 6 + k] * b[k] }
        b[i] = v / A[i * 6 + i]
    }
    for i in stride(from: 5, through: 0, by: -1) {
        var v = b[i]
        for k in (i + 1)..<6 { v -= A[k * 6 + i] * b[k] }
        b[i] = v / A[i * 6 + i]
    }
}
