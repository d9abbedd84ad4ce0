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
    // The outputs are written through raw buffers: an array element write on a Data field checks
    // uniqueness and bounds every time, which was a sizable part of this stage. Every index
    // below comes from the Layout, whose addresses were checked when the Model was built.
    m.qpos0.withUnsafeBufferPointer { qpos0 in
    d.qpos.withUnsafeBufferPointer { qpos in
    d.xpos.withUnsafeMutableBufferPointer { xpos in
    d.xquat.withUnsafeMutableBufferPointer { xquat in
    d.xmat.withUnsafeMutableBufferPointer { xmat in
    d.xipos.withUnsafeMutableBufferPointer { xipos in
    d.ximat.withUnsafeMutableBufferPointer { ximat in
    d.xanchor.withUnsafeMutableBufferPointer { xanchor in
    d.xaxis.withUnsafeMutableBufferPointer { xaxis in
        xpos[0] = .zero
        xquat[0] = .identity
        xmat[0] = .identity
        xipos[0] = .zero
        ximat[0] = .identity
        for b in 1..<L.bodyParent.count {
            let p = L.bodyParent[b]
            let qp = xquat[p]
            var x = xpos[p] + qp.rotate(L.bodyPos[b])
            var q = qp * L.bodyQuat[b]
            let j0 = L.bodyJointAdr[b]
            for j in j0..<(j0 + L.bodyJointNum[b]) {
                let a = L.jointQposAdr[j]
                switch L.jointType[j] {
                case .free:
                    x = Vec3(qpos[a], qpos[a + 1], qpos[a + 2])
                    q = Quat(qpos[a + 3], qpos[a + 4], qpos[a + 5], qpos[a + 6]).normalized()
                    xanchor[j] = x
                    // MuJoCo reports a free joint's (unused) axis as world z.
                    xaxis[j] = .unitZ
                case .ball:
                    let jpos = L.jointPos[j]
                    let anchor = x + q.rotate(jpos)
                    xanchor[j] = anchor
                    xaxis[j] = q.rotate(L.jointAxis[j])
                    let qb = Quat(qpos[a], qpos[a + 1], qpos[a + 2], qpos[a + 3]).normalized()
                    q = q * qb
                    // The rotation is about the anchor, not the body origin.
                    x = anchor - q.rotate(jpos)
                case .hinge:
                    let jpos = L.jointPos[j], axis = L.jointAxis[j]
                    let anchor = x + q.rotate(jpos)
                    xanchor[j] = anchor
                    xaxis[j] = q.rotate(axis)
                    let angle = qpos[a] - qpos0[a]
                    if angle != 0 {
                        // Layout.jointAxis is unit.
                        let s = sin(0.5 * angle)
                        q = q * Quat(cos(0.5 * angle), axis.x * s, axis.y * s, axis.z * s)
                    }
                    x = anchor - q.rotate(jpos)
                case .slide:
                    let axis = q.rotate(L.jointAxis[j])
                    xanchor[j] = x + q.rotate(L.jointPos[j])
                    xaxis[j] = axis
                    x = x + (qpos[a] - qpos0[a]) * axis
                }
            }
            q = q.normalized()
            let r = q.matrix
            xpos[b] = x
            xquat[b] = q
            xmat[b] = r
            xipos[b] = x + r * L.bodyIpos[b]
            ximat[b] = (q * L.bodyIquat[b]).matrix
        }
    }}}}}}}}}
    d.xpos.withUnsafeBufferPointer { xpos in
    d.xquat.withUnsafeBufferPointer { xquat in
    d.xmat.withUnsafeBufferPointer { xmat in
        d.geomXpos.withUnsafeMutableBufferPointer { geomXpos in
        d.geomXmat.withUnsafeMutableBufferPointer { geomXmat in
            placeAttachedFrames(L.geomBody, L.geomPos, L.geomQuat, xpos, xquat, xmat, geomXpos, geomXmat)
        }}
        d.siteXpos.withUnsafeMutableBufferPointer { siteXpos in
        d.siteXmat.withUnsafeMutableBufferPointer { siteXmat in
            placeAttachedFrames(L.siteBody, L.sitePos, L.siteQuat, xpos, xquat, xmat, siteXpos, siteXmat)
        }}
    }}}
}

/// World poses of frames fixed on bodies (geoms, sites): position xpos_b + R_b·pos and rotation
/// R(xquat_b ⊗ quat), for frame i on body body[i].
@inline(__always)
private func placeAttachedFrames(_ body: [Int], _ pos: [Vec3], _ quat: [Quat],
                                 _ xpos: UnsafeBufferPointer<Vec3>, _ xquat: UnsafeBufferPointer<Quat>,
                                 _ xmat: UnsafeBufferPointer<Mat3>,
                                 _ outPos: UnsafeMutableBufferPointer<Vec3>, _ outMat: UnsafeMutableBufferPointer<Mat3>) {
    for i in 0..<body.count {
        let b = body[i]
        outPos[i] = xpos[b] + xmat[b] * pos[i]
        outMat[i] = (xquat[b] * quat[i]).matrix
    }
}
