import Numerics

// Forward kinematics: qpos → world poses of bodies, centres of mass, joint anchors and axes,
// geoms and sites, following MuJoCo's rules exactly (MJCF-CONVENTIONS.md §1):
// a body starts at its parent's frame composed with its own offset; each joint then acts in
// order about its anchor; free joints set the pose from qpos directly. Quaternions read from qpos
// are normalized in copies only (qpos itself is normalized by the next position integration).

/// qpos ⇒ xpos, xquat, xmat, xipos, ximat, xanchor, xaxis, geom and site poses.
public func kinematics(_ m: Model, _ d: inout Data) {
    let bodies = m.bodies, joints = m.joints
    d.xpos[0] = .zero
    d.xquat[0] = .identity
    d.xmat[0] = .identity
    d.xipos[0] = .zero
    d.ximat[0] = .identity
    for b in 1..<bodies.count {
        let body = bodies[b]
        let p = body.parent
        let qp = d.xquat[p]
        var x = d.xpos[p] + qp.rotate(body.pos)
        var q = qp * body.quat
        for j in body.jointAdr..<(body.jointAdr + body.jointNum) {
            let joint = joints[j]
            let a = joint.qposAdr
            switch joint.type {
            case .free:
                x = Vec3(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2])
                q = Quat(d.qpos[a + 3], d.qpos[a + 4], d.qpos[a + 5], d.qpos[a + 6]).normalized()
                d.xanchor[j] = x
                d.xaxis[j] = q.rotate(.unitZ)
            case .ball:
                let anchor = x + q.rotate(joint.pos)
                d.xanchor[j] = anchor
                d.xaxis[j] = q.rotate(joint.axis)
                let qb = Quat(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2], d.qpos[a + 3]).normalized()
                q = q * qb
                // The rotation is about the anchor, not the body origin.
                x = anchor - q.rotate(joint.pos)
            case .hinge:
                let anchor = x + q.rotate(joint.pos)
                d.xanchor[j] = anchor
                d.xaxis[j] = q.rotate(joint.axis)
                q = q * Quat(axis: joint.axis, angle: d.qpos[a] - m.qpos0[a])
                x = anchor - q.rotate(joint.pos)
            case .slide:
                let axis = q.rotate(joint.axis)
                d.xanchor[j] = x + q.rotate(joint.pos)
                d.xaxis[j] = axis
                x = x + (d.qpos[a] - m.qpos0[a]) * axis
            }
        }
        q = q.normalized()
        let r = q.matrix
        d.xpos[b] = x
        d.xquat[b] = q
        d.xmat[b] = r
        d.xipos[b] = x + r * body.ipos
        d.ximat[b] = (q * body.iquat).matrix
    }
    for (g, geom) in m.geoms.enumerated() {
        let b = geom.body
        d.geomXpos[g] = d.xpos[b] + d.xmat[b] * geom.pos
        d.geomXmat[g] = (d.xquat[b] * geom.quat).matrix
    }
    for (s, site) in m.sites.enumerated() {
        let b = site.body
        d.siteXpos[s] = d.xpos[b] + d.xmat[b] * site.pos
        d.siteXmat[s] = (d.xquat[b] * site.quat).matrix
    }
}
