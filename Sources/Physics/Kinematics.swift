import Foundation
import Numerics

// Forward kinematics: qpos → world poses of bodies, centres of mass, joint anchors and axes,
// geoms and sites, following MuJoCo's rules exactly (MJCF-CONVENTIONS.md §1):
// a body starts at its parent's frame composed with its own offset; each joint then acts in
// order about its anchor; free joints set the pose from qpos directly. Quaternions read from qpos
// are normalized in copies only (qpos itself is normalized by the next position integration).

/// qpos ⇒ xpos, xquat, xmat, xipos, ximat, xanchor, xaxis, geom and site poses.
public func kinematics(_ m: Model, _ d: inout Data) {
    let L = d.layout
    d.xpos[0] = .zero
    d.xquat[0] = .identity
    d.xmat[0] = .identity
    d.xipos[0] = .zero
    d.ximat[0] = .identity
    for b in 1..<L.bodyParent.count {
        let p = L.bodyParent[b]
        let qp = d.xquat[p]
        var x = d.xpos[p] + qp.rotate(L.bodyPos[b])
        var q = qp * L.bodyQuat[b]
        let j0 = L.bodyJointAdr[b]
        for j in j0..<(j0 + L.bodyJointNum[b]) {
            let a = L.jointQposAdr[j]
            switch L.jointType[j] {
            case .free:
                x = Vec3(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2])
                q = Quat(d.qpos[a + 3], d.qpos[a + 4], d.qpos[a + 5], d.qpos[a + 6]).normalized()
                d.xanchor[j] = x
                // MuJoCo reports a free joint's (unused) axis as world z.
                d.xaxis[j] = .unitZ
            case .ball:
                let jpos = L.jointPos[j]
                let anchor = x + q.rotate(jpos)
                d.xanchor[j] = anchor
                d.xaxis[j] = q.rotate(L.jointAxis[j])
                let qb = Quat(d.qpos[a], d.qpos[a + 1], d.qpos[a + 2], d.qpos[a + 3]).normalized()
                q = q * qb
                // The rotation is about the anchor, not the body origin.
                x = anchor - q.rotate(jpos)
            case .hinge:
                let jpos = L.jointPos[j], axis = L.jointAxis[j]
                let anchor = x + q.rotate(jpos)
                d.xanchor[j] = anchor
                d.xaxis[j] = q.rotate(axis)
                let angle = d.qpos[a] - m.qpos0[a]
                if angle != 0 {
                    // Layout.jointAxis is unit.
                    let s = sin(0.5 * angle)
                    q = q * Quat(cos(0.5 * angle), axis.x * s, axis.y * s, axis.z * s)
                }
                x = anchor - q.rotate(jpos)
            case .slide:
                let axis = q.rotate(L.jointAxis[j])
                d.xanchor[j] = x + q.rotate(L.jointPos[j])
                d.xaxis[j] = axis
                x = x + (d.qpos[a] - m.qpos0[a]) * axis
            }
        }
        q = q.normalized()
        let r = q.matrix
        d.xpos[b] = x
        d.xquat[b] = q
        d.xmat[b] = r
        d.xipos[b] = x + r * L.bodyIpos[b]
        d.ximat[b] = (q * L.bodyIquat[b]).matrix
    }
    for g in 0..<L.geomBody.count {
        let b = L.geomBody[g]
        d.geomXpos[g] = d.xpos[b] + d.xmat[b] * L.geomPos[g]
        d.geomXmat[g] = (d.xquat[b] * L.geomQuat[g]).matrix
    }
    for s in 0..<L.siteBody.count {
        let b = L.siteBody[s]
        d.siteXpos[s] = d.xpos[b] + d.xmat[b] * L.sitePos[s]
        d.siteXmat[s] = (d.xquat[b] * L.siteQuat[s]).matrix
    }
}
