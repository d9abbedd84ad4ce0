import Numerics

// Mechanical energy, for tests and users. Both need the position stage to be current (call
// `forward` first); kinetic energy uses M, so it is exact for the current qvel.

/// ½·q̇ᵀ·M·q̇ (J).
public func kineticEnergy(_ m: Model, _ d: Data) -> Double {
    let nv = m.nv
    var e = 0.0
    for i in 0..<nv {
        var row = 0.0
        for j in 0..<nv { row += d.qM[i * nv + j] * d.qvel[j] }
        e += d.qvel[i] * row
    }
    return 0.5 * e
}

/// Gravitational potential −Σ m_b·g·xipos_b plus the energy stored in joint springs (J).
public func potentialEnergy(_ m: Model, _ d: Data) -> Double {
    var e = 0.0
    let g = m.options.gravity
    for b in 1..<m.bodies.count { e -= m.bodies[b].mass * g.dot(d.xipos[b]) }
    for joint in m.joints where joint.stiffness != 0 {
        let k = joint.stiffness, a = joint.qposAdr
        switch joint.type {
        case .hinge, .slide:
            let dq = d.qpos[a] - m.qposSpring[a]
            e += 0.5 * k * dq * dq
        case .ball:
            e += 0.5 * k * rotationBetween(m.qposSpring, a, d.qpos, a).squaredNorm
        case .free:
            let dx = Vec3(d.qpos[a] - m.qposSpring[a], d.qpos[a + 1] - m.qposSpring[a + 1],
                          d.qpos[a + 2] - m.qposSpring[a + 2])
            e += 0.5 * k * (dx.squaredNorm + rotationBetween(m.qposSpring, a + 3, d.qpos, a + 3).squaredNorm)
        }
    }
    return e
}
