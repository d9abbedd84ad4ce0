import Numerics

// Box–box: separating-axis test over the 15 candidate axes (3 + 3 face normals, 9 edge–edge
// cross products), then either face clipping (up to 8 points) or one edge–edge point.
// The structure follows ODE's dBoxBox and MuJoCo's engine_collision_box.c; the code is our own.

/// The face of a box with outward normal sign·(local axis k), as a 4-gon in the world.
func boxFace(_ h: Vec3, _ p: GeomPose, axis k: Int, sign: Double) -> Feature {
    let i = (k + 1) % 3, j = (k + 2) % 3
    let ek = localAxis(p, k), ei = localAxis(p, i) * h[i], ej = localAxis(p, j) * h[j]
    let c = p.pos + (sign * h[k]) * ek
    var f = Feature()
    f.append(c + ei + ej)
    f.append(c - ei + ej)
    f.append(c - ei - ej)
    f.append(c + ei - ej)
    return f
}

@inline(__always)
func localAxis(_ p: GeomPose, _ k: Int) -> Vec3 {
    k == 0 ? p.rot.column0 : (k == 1 ? p.rot.column1 : p.rot.column2)
}

/// Box–box contacts within `margin`; normal from box 1 to box 2.
func collideBoxBox(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                   margin: Double, _ out: inout ContactManifold) {
    let ha = s1.size, hb = s2.size
    let a0 = p1.rot.column0, a1 = p1.rot.column1, a2 = p1.rot.column2
    let b0 = p2.rot.column0, b1 = p2.rot.column1, b2 = p2.rot.column2
    let t = p2.pos - p1.pos

    // |a_i·b_j|, the projections every axis test needs.
    let c = Mat3(abs(a0.dot(b0)), abs(a0.dot(b1)), abs(a0.dot(b2)),
                 abs(a1.dot(b0)), abs(a1.dot(b1)), abs(a1.dot(b2)),
                 abs(a2.dot(b0)), abs(a2.dot(b1)), abs(a2.dot(b2)))

    // Face axes: separation along each (positive = apart).
    var bestFace = -Double.infinity, bestFaceAxis = 0   // 0–2: box 1's axes, 3–5: box 2's
    for k in 0..<6 {
        let sep: Double
        if k < 3 {
            let ak = localAxis(p1, k)
            let rb = hb.x * c[k, 0] + hb.y * c[k, 1] + hb.z * c[k, 2]
            sep = abs(t.dot(ak)) - ha[k] - rb
        } else {
            let j = k - 3
            let bj = localAxis(p2, j)
            let ra = ha.x * c[0, j] + ha.y * c[1, j] + ha.z * c[2, j]
            sep = abs(t.dot(bj)) - ra - hb[j]
        }
        if sep > margin { return }
        if sep > bestFace { bestFace = sep; bestFaceAxis = k }
    }

    // Edge–edge axes a_i × b_j.
    var bestEdge = -Double.infinity, bestEdgeI = -1, bestEdgeJ = -1
    var bestEdgeAxis = Vec3.zero
    for i in 0..<3 {
        let ai = localAxis(p1, i)
        for j in 0..<3 {
            var l = ai.cross(localAxis(p2, j))
            let len = l.norm
            // Parallel edges (|sin| < 1e-6) give no new axis: the face axes already cover them.
            if len < 1e-6 { continue }
            l = l / len
            let ra = ha.x * abs(a0.dot(l)) + ha.y * abs(a1.dot(l)) + ha.z * abs(a2.dot(l))
            let rb = hb.x * abs(b0.dot(l)) + hb.y * abs(b1.dot(l)) + hb.z * abs(b2.dot(l))
            let sep = abs(t.dot(l)) - ra - rb
            if sep > margin { return }
            if sep > bestEdge { bestEdge = sep; bestEdgeI = i; bestEdgeJ = j; bestEdgeAxis = l }
        }
    }

    // Edge axis or face axis. An edge axis wins when it separates more (by 1e-9 relative plus
    // 1e-12 m, so exact ties go to the face): it is then the true minimum translation. But an
    // edge axis within ~8° of the best face normal (|cos| > 0.99) describes the same contact as
    // that face, and in a resting stack the two trade places with round-off; there the face (a
    // multi-point manifold) is kept unless the edge is better by 5% of the depth, ODE's fudge.
    var useEdge = bestEdgeI >= 0 && bestEdge > bestFace + 1e-9 * abs(bestFace) + 1e-12
    if useEdge {
        let faceAxis = bestFaceAxis < 3 ? localAxis(p1, bestFaceAxis) : localAxis(p2, bestFaceAxis - 3)
        if abs(faceAxis.dot(bestEdgeAxis)) > 0.99 && bestEdge < bestFace + 0.05 * abs(bestFace) + 1e-12 {
            useEdge = false
        }
    }
    if !useEdge {
        if bestFaceAxis < 3 {
            let k = bestFaceAxis
            let ak = localAxis(p1, k)
            let sign: Double = t.dot(ak) >= 0 ? 1 : -1
            let n = sign * ak
            let reference = boxFace(ha, p1, axis: k, sign: sign)
            // Incident face of box 2: outward normal most opposed to n.
            var j = 0
            var bestDot = abs(b0.dot(n))
            if abs(b1.dot(n)) > bestDot { j = 1; bestDot = abs(b1.dot(n)) }
            if abs(b2.dot(n)) > bestDot { j = 2 }
            let incident = boxFace(hb, p2, axis: j, sign: localAxis(p2, j).dot(n) >= 0 ? -1 : 1)
            var clipped = Feature(), scratch = Feature()
            clipToReference(incident, reference: reference, refNormal: n, &clipped, &scratch)
            emitClipped(clipped, refPoint: p1.pos + ha[k] * n, refNormal: n, referenceIsGeom1: true,
                        margin: margin, &out)
        } else {
            let k = bestFaceAxis - 3
            let bk = localAxis(p2, k)
            let sign: Double = t.dot(bk) >= 0 ? 1 : -1
            let n = sign * bk
            // Box 2's reference face faces box 1: outward normal −n.
            let reference = boxFace(hb, p2, axis: k, sign: -sign)
            var i = 0
            var bestDot = abs(a0.dot(n))
            if abs(a1.dot(n)) > bestDot { i = 1; bestDot = abs(a1.dot(n)) }
            if abs(a2.dot(n)) > bestDot { i = 2 }
            let incident = boxFace(ha, p1, axis: i, sign: localAxis(p1, i).dot(n) >= 0 ? 1 : -1)
            var clipped = Feature(), scratch = Feature()
            clipToReference(incident, reference: reference, refNormal: -n, &clipped, &scratch)
            emitClipped(clipped, refPoint: p2.pos - hb[k] * n, refNormal: -n, referenceIsGeom1: false,
                        margin: margin, &out)
        }
        if !out.isEmpty || bestEdgeI < 0 { return }
    }

    // Edge–edge: the edge of each box furthest toward the other, closest points between them.
    var n = bestEdgeAxis
    if t.dot(n) < 0 { n = -n }
    let i = bestEdgeI, j = bestEdgeJ
    var ca = p1.pos, cb = p2.pos
    for k in 0..<3 where k != i {
        let ak = localAxis(p1, k)
        ca += (ak.dot(n) >= 0 ? ha[k] : -ha[k]) * ak
    }
    for k in 0..<3 where k != j {
        let bk = localAxis(p2, k)
        cb -= (bk.dot(n) >= 0 ? hb[k] : -hb[k]) * bk
    }
    let ea = localAxis(p1, i) * ha[i], eb = localAxis(p2, j) * hb[j]
    let (s, u) = closestSegmentSegment(ca - ea, ca + ea, cb - eb, cb + eb)
    let q1 = (ca - ea) + s * (2 * ea), q2 = (cb - eb) + u * (2 * eb)
    let dist = (q2 - q1).dot(n)
    if dist <= margin { out.add(pos: 0.5 * (q1 + q2), normal: n, dist: dist) }
}
