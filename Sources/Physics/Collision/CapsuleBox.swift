import Numerics

// Capsule–box in closed form, by the rule of MuJoCo 3.3's capsule–box routine, so that contact
// count, points, normals and depths match MuJoCo's and trajectories with capsules on boxes agree.
//
// The rule, in the box frame, with the capsule's segment c + x·h, x ∈ [−1, 1] (h = half-axis):
// 1. The closest feature pair: each segment end against the box (only ends outside at most one
//    slab, i.e. over a face or inside), and the segment against each of the 12 box edges (line–line
//    parameters clamped once each way, as in capsule–capsule). Edges win only when closer by more
//    than 1e-15 (MuJoCo's mjMINVAL), so a segment parallel to a face keeps the end-over-face case.
// 2. A second point on the segment, chosen from how the segment leaves that feature: along the
//    box edge or across a face, stopping where the segment leaves the box's extent.
// 3. Each of the (one or two) segment points is a sphere of the capsule's radius against the box.
// The selection is a heuristic (MuJoCo's): a second point is proposed only for segments that lie
// roughly along a face or edge, and the two points are not the exact support of the swept body.

/// What the closest-feature search found.
private enum CapsuleBoxFeature {
    /// Nothing was closer than the initial bound (cannot happen for finite input).
    case none
    /// A segment end over a box face (`face` = the clamped axis) or inside the box (`face` = −1).
    case end(face: Int)
    /// The segment against an edge along `axis`, ending at `corner` (bit k: + side on axis k);
    /// `interior` when the closest edge point lies strictly between the edge's corners.
    case edge(axis: Int, corner: Int, interior: Bool)
}

/// Capsule (geom1) against box (geom2): one or two sphere–box contacts at points of the capsule's
/// segment; normals from the capsule to the box. World frame, metres.
func collideCapsuleBox(_ cs: GeomShape, _ cp: GeomPose, _ bs: GeomShape, _ bp: GeomPose,
                       margin: Double, _ out: inout ContactManifold) {
    let r = cs.size.x, halfLength = cs.size.y, size = bs.size
    // Capsule centre, unit axis and half-axis in the box frame.
    let c = bp.rot.transposeTimes(cp.pos - bp.pos)
    let axis = bp.rot.transposeTimes(cp.rot.column2)
    let h = halfLength * axis
    // Bit k set when the half-axis points to + on box axis k; compared with corner bit patterns.
    var axisBits = 0
    for k in 0..<3 where h[k] > 0 { axisBits |= 1 << k }

    // The search compares squared distances; it starts from this linear bound, as MuJoCo does (any
    // value above every candidate works, and this one exceeds them for touching geoms).
    var best = margin + 2 * (r + halfLength + size.x + size.y + size.z)
    var segPos = 0.0    // closest point's segment parameter, in [−1, 1]
    var edgePos = 0.0   // closest point's edge parameter, in [−1, 1] (edges only)
    var feature = CapsuleBoxFeature.none

    // Segment ends over a face (one coordinate outside) or inside the box.
    for k in 0..<2 {
        let e: Double = k == 0 ? -1 : 1
        let q = c + e * h
        var clamped = q
        var outside = 0, face = -1
        for i in 0..<3 {
            if q[i] < -size[i] { clamped[i] = -size[i]; outside += 1; face = i }
            else if q[i] > size[i] { clamped[i] = size[i]; outside += 1; face = i }
        }
        if outside > 1 { continue }
        let d2 = (clamped - q).squaredNorm
        if d2 < best { best = d2; segPos = e; feature = .end(face: face) }
    }

    // The segment against the 12 edges: edge along axis j through the midpoint m, points m + t·size[j]·e_j.
    for j in 0..<3 {
        for corner in 0..<8 where corner & (1 << j) == 0 {
            var m = Vec3(corner & 1 != 0 ? size.x : -size.x,
                         corner & 2 != 0 ? size.y : -size.y,
                         corner & 4 != 0 ? size.z : -size.z)
            m[j] = 0
            let dif = m - c
            // Normal equations of min |m + t·size_j·e_j − c − x·h|² in (t, x).
            let ma = size[j] * size[j], mb = -size[j] * h[j], mc = halfLength * halfLength
            let u = -size[j] * dif[j], v = h.dot(dif)
            let det = ma * mc - mb * mb
            // 1e-15 (mjMINVAL): the segment is parallel to this edge; the faces' ends cover it.
            if abs(det) < 1e-15 { continue }
            var t = (mc * u - mb * v) / det
            var x = (ma * v - mb * u) / det
            // 0: at the lower end, 1: interior, 2: at the upper end (of the edge).
            var tEnd = 1
            if t > 1 { t = 1; tEnd = 2; x = (v - mb) / mc }
            else if t < -1 { t = -1; tEnd = 0; x = (v + mb) / mc }
            if x > 1 || x < -1 {
                x = x > 1 ? 1 : -1
                t = (u - mb * x) / ma
                // An unclamped t keeps the end flag of the first clamp (MuJoCo's rule; it decides
                // which corner counts as closest below).
                if t > 1 { t = 1; tEnd = 2 } else if t < -1 { t = -1; tEnd = 0 }
            }
            var d = dif - x * h
            d[j] += size[j] * t
            let d2 = d.squaredNorm
            // 1e-15 (mjMINVAL): ties go to the earlier candidate, so a segment numerically parallel
            // to a face stays an end-over-face case instead of flickering to an edge.
            if d2 < best - 1e-15 {
                best = d2; segPos = x; edgePos = t
                feature = .edge(axis: j, corner: tEnd == 2 ? corner | (1 << j) : corner, interior: tEnd == 1)
            }
        }
    }

    // The second point's offset along the segment from the first (in segment parameter units).
    var second: Double? = nil
    switch feature {
    case .none:
        return
    case .end(let face):
        // An end inside the box needs no second point; an end over a face gets the farthest point
        // towards the other end that is still over the face's slab (at most the other end).
        if face >= 0 {
            let toward: Double = segPos < 0 ? 1 : -1
            let from = c - toward * h
            var reach = 2.0
            for i in 0..<3 where i != face {
                let e1 = (size[i] - from[i]) / h[i] * toward
                if e1 > 0 && e1 < reach { reach = e1 }
                let e2 = (-size[i] - from[i]) / h[i] * toward
                if e2 > 0 && e2 < reach { reach = e2 }
            }
            second = toward * reach
        }
    case .edge(_, let corner, false):
        // Closest to a box corner. rel's bits: the box axes along which the segment runs towards
        // the corner's side. All or none: the segment points at or away from the corner, no second.
        var rel = axisBits ^ corner
        if rel != 0 && rel != 7 {
            var toward = 1.0
            var alongEdge = 1 - segPos, acrossFace = 1 + segPos
            if rel == 3 || rel == 5 || rel == 6 {
                toward = -1; rel = 7 - rel
                alongEdge = 1 + segPos; acrossFace = 1 - segPos
            }
            let ax = rel == 1 ? 0 : (rel == 2 ? 1 : 2)
            let ax1 = (ax + 1) % 3, ax2 = (ax + 2) % 3
            if axis[ax] * axis[ax] > 0.5 {
                // Within 45° of edge ax: along that edge, at most to its other corner.
                second = toward * min(alongEdge, 2 * size[ax] / abs(h[ax]))
            } else {
                // Otherwise across the face, at most to the face's far edges.
                second = -toward * min(min(acrossFace, 2 * size[ax1] / abs(h[ax1])), 2 * size[ax2] / abs(h[ax2]))
            }
        }
    case .edge(let ax, let corner, _):
        // Closest to an edge's interior: a second point only when the segment crosses the edge
        // over exactly one of its two faces (an X, not a T); it runs over the face the segment is
        // closer to parallel with, up to that face's far edge and the edge's ends.
        let rel = (axisBits ^ corner) & (7 - (1 << ax))
        if rel == 1 || rel == 2 || rel == 4 {
            var a1 = (ax + 1) % 3, a2 = (ax + 2) % 3
            if abs(axis[a1]) > abs(axis[a2]) { a1 = a2 }
            a2 = 3 - ax - a1
            let forward = rel & (1 << a2) != 0
            let toward: Double = forward ? 1 : -1
            var reach = forward ? 1 - segPos : 1 + segPos
            reach = min(reach, 2 * size[a2] / abs(h[a2]))
            let edgeLeft = ((axisBits & (1 << ax)) != 0) == forward ? 1 - edgePos : 1 + edgePos
            reach = min(reach, size[ax] * edgeLeft / abs(h[ax]))
            second = toward * reach
        }
    }

    collideSphereBox(bp.apply(c + segPos * h), r, bs, bp, margin: margin, &out)
    if let s = second {
        collideSphereBox(bp.apply(c + (segPos + s) * h), r, bs, bp, margin: margin, &out)
    }
}

/// Whether the capsule's segment meets the closed box (slab clipping of x ∈ [−1, 1] in the box frame).
func capsuleSegmentMeetsBox(_ cs: GeomShape, _ cp: GeomPose, _ bs: GeomShape, _ bp: GeomPose) -> Bool {
    let c = bp.rot.transposeTimes(cp.pos - bp.pos)
    let h = cs.size.y * bp.rot.transposeTimes(cp.rot.column2)
    var lo = -1.0, hi = 1.0
    for i in 0..<3 {
        if h[i] == 0 {
            if abs(c[i]) > bs.size[i] { return false }
            continue
        }
        let t1 = (-bs.size[i] - c[i]) / h[i], t2 = (bs.size[i] - c[i]) / h[i]
        lo = max(lo, min(t1, t2)); hi = min(hi, max(t1, t2))
        if lo > hi { return false }
    }
    return true
}
