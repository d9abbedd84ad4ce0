import Foundation
import Numerics

// General convex pairs (cylinder with anything but a plane; capsule–box): GJK for the distance
// between the shapes' cores (a sphere's core is its centre, a capsule's its segment), EPA for the
// penetration depth when the cores overlap, then face clipping on the supporting features so that
// face-on-face contact gets several points.

/// A vertex of the Minkowski difference of the cores: w = a − b, with its witnesses a and b.
struct SupportPoint {
    var w: Vec3
    var a: Vec3
    var b: Vec3
}

struct ConvexPair {
    let s1: GeomShape, p1: GeomPose, s2: GeomShape, p2: GeomPose

    @inline(__always)
    func support(_ d: Vec3) -> SupportPoint {
        let a = s1.coreSupport(d, p1), b = s2.coreSupport(-d, p2)
        return SupportPoint(w: a - b, a: a, b: b)
    }
}

/// Result of the core query: witness points on each core and the normal from core 1 to core 2;
/// `coreDist` is the signed core distance (negative: EPA penetration depth).
struct CoreContact {
    var a: Vec3
    var b: Vec3
    var normal: Vec3
    var coreDist: Double
}

// MARK: - GJK

/// Closest point to the origin on the convex hull of the simplex; drops vertices that do not
/// support it. Brute force over the ≤ 15 sub-simplices: the closest point is the affine projection
/// onto the smallest sub-simplex that contains it with non-negative weights.
private func reduceSimplex(_ s: inout InlineArray<4, SupportPoint>, _ n: inout Int) -> (Vec3, InlineArray<4, Double>) {
    var bestV = Vec3.zero, bestD = Double.infinity, bestMask = 0
    var bestL = InlineArray<4, Double>(repeating: 0)
    // The newest vertex (last) supports the new closest point whenever GJK made progress, so
    // sub-simplices with it are tried first; all of them only if none of those is valid.
    let newest = 1 << (n - 1)
    for pass in 0..<2 {
    if pass == 1 && bestMask != 0 { break }
    for mask in 1..<(1 << n) where (pass == 0) == (mask & newest != 0) || pass == 1 {
        var idx = InlineArray<4, Int>(repeating: 0)
        var k = 0
        for i in 0..<n where mask & (1 << i) != 0 { idx[k] = i; k += 1 }
        var l = InlineArray<4, Double>(repeating: 0)
        let y0 = s[idx[0]].w
        var ok = true
        switch k {
        case 1:
            l[0] = 1
        case 2:
            let e = s[idx[1]].w - y0
            let ee = e.dot(e)
            // A degenerate edge (coincident vertices) is covered by its one-vertex subset.
            if ee < 1e-300 { ok = false; break }
            let mu = -e.dot(y0) / ee
            l[0] = 1 - mu; l[1] = mu
        case 3:
            let e1 = s[idx[1]].w - y0, e2 = s[idx[2]].w - y0
            let a11 = e1.dot(e1), a12 = e1.dot(e2), a22 = e2.dot(e2)
            let b1 = -e1.dot(y0), b2 = -e2.dot(y0)
            let det = a11 * a22 - a12 * a12
            // Relative 1e-14: a flat (collinear) triangle has no interior to project on.
            if det <= 1e-14 * a11 * a22 || det == 0 { ok = false; break }
            let m1 = (b1 * a22 - b2 * a12) / det, m2 = (a11 * b2 - a12 * b1) / det
            l[0] = 1 - m1 - m2; l[1] = m1; l[2] = m2
        default:
            let e1 = s[idx[1]].w - y0, e2 = s[idx[2]].w - y0, e3 = s[idx[3]].w - y0
            // Origin = y0 + [e1 e2 e3]·μ, solved by Cramer's rule.
            let det = e1.dot(e2.cross(e3))
            let scale = e1.norm * e2.norm * e3.norm
            if abs(det) <= 1e-14 * scale || det == 0 { ok = false; break }
            let r = -y0
            let m1 = r.dot(e2.cross(e3)) / det, m2 = e1.dot(r.cross(e3)) / det, m3 = e1.dot(e2.cross(r)) / det
            l[0] = 1 - m1 - m2 - m3; l[1] = m1; l[2] = m2; l[3] = m3
        }
        if !ok { continue }
        var v = Vec3.zero
        for i in 0..<k {
            if l[i] < 0 { ok = false; break }
            v += l[i] * s[idx[i]].w
        }
        if !ok { continue }
        let d = v.squaredNorm
        if d < bestD {
            bestD = d; bestV = v; bestMask = mask
            bestL = InlineArray<4, Double>(repeating: 0)
            for i in 0..<k { bestL[i] = l[i] }
        }
    }
    }
    // Compact to the supporting vertices, in their original order.
    var k = 0
    for i in 0..<n where bestMask & (1 << i) != 0 { s[k] = s[i]; k += 1 }
    n = k
    return (bestV, bestL)
}

/// Core distance query. Returns nil when the cores are farther apart than `cutoff`.
func coreContact(_ pair: ConvexPair, cutoff: Double, _ scratch: inout ConvexScratch) -> CoreContact? {
    var simplex = InlineArray<4, SupportPoint>(repeating: SupportPoint(w: .zero, a: .zero, b: .zero))
    var n = 1
    simplex[0] = pair.support(pair.p2.pos - pair.p1.pos)
    var v = simplex[0].w
    var lambda = InlineArray<4, Double>(repeating: 0)
    lambda[0] = 1
    // 128 iterations: polytopes converge in a handful; curved cylinders converge linearly, and
    // 1e-12 relative is far below any contact tolerance.
    for _ in 0..<512 {
        let vv = v.squaredNorm
        // Origin on or inside the simplex (to 1e-12 m): the cores touch or overlap.
        if vv < 1e-24 { return epa(pair, simplex, n, &scratch) }
        let sp = pair.support(-v)
        let vw = v.dot(sp.w)
        // v·w/|v| is a lower bound on the distance: beyond the cutoff there is no contact.
        if vw > 0 && vw * vw > cutoff * cutoff * vv && cutoff >= 0 { return nil }
        if vv - vw <= 1e-12 * vv { break }
        var duplicate = false
        for i in 0..<n where (simplex[i].w - sp.w).squaredNorm < 1e-30 { duplicate = true }
        if duplicate { break }
        simplex[n] = sp
        n += 1
        (v, lambda) = reduceSimplex(&simplex, &n)
        if n == 4 { return epa(pair, simplex, n, &scratch) }
    }
    if v.squaredNorm < 1e-24 { return epa(pair, simplex, n, &scratch) }
    var a = Vec3.zero, b = Vec3.zero
    for i in 0..<n { a += lambda[i] * simplex[i].a; b += lambda[i] * simplex[i].b }
    let d = v.norm
    return CoreContact(a: a, b: b, normal: -v / d, coreDist: d)
}

// MARK: - EPA

/// Working memory of the general convex path (the EPA polytope), kept by `CollisionDetector` so
/// the step loop never allocates. The ≈ 20 kB of buffers live on the heap behind a reference, so
/// copying a `Data` (or passing it by value from an inout context) copies 8 bytes, not 20 kB;
/// their contents matter only within one EPA call, so a copy that shares them takes fresh ones
/// at its first use (copy-on-write without the copy): each Data still owns its own.
public struct ConvexScratch: Sendable {
    // Mutated only through `withBuffers`, which first makes the reference unique.
    final class Storage: @unchecked Sendable { var buffers = EPABuffers() }
    private var storage = Storage()

    public init() {}

    /// The buffers, owned by this value alone.
    mutating func withBuffers<R>(_ body: (inout EPABuffers) -> R) -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage() }
        return body(&storage.buffers)
    }
}

/// The EPA polytope's buffers.
struct EPABuffers {
    // 64 expansions (curved surfaces halve the angular gap about every other step, reaching the
    // 1e-10 m gain tolerance well within that); each adds one vertex and about two live faces.
    static let maxIterations = 64
    var verts = InlineArray<68, SupportPoint>(repeating: SupportPoint(w: .zero, a: .zero, b: .zero))
    var faces = InlineArray<264, EPAFace>(repeating: EPAFace(i0: 0, i1: 0, i2: 0, alive: false, usable: false, normal: .zero, dist: 0))
    var edges = InlineArray<128, EPAEdge>(repeating: EPAEdge(p: 0, q: 0))
    var removed = InlineArray<264, Int32>(repeating: 0)
}

struct EPAEdge: Equatable {
    var p: Int32, q: Int32
}

struct EPAFace {
    var i0: Int32, i1: Int32, i2: Int32
    var alive: Bool
    /// False for sliver faces, whose normal is unreliable: never chosen as the nearest face.
    var usable: Bool
    var normal: Vec3
    var dist: Double

    @inline(__always)
    func hasEdge(_ p: Int32, _ q: Int32) -> Bool {
        (i0 == p && i1 == q) || (i1 == p && i2 == q) || (i2 == p && i0 == q)
    }
}

/// Penetration of overlapping cores: the face of the expanded polytope nearest the origin.
private func epa(_ pair: ConvexPair, _ start: InlineArray<4, SupportPoint>, _ n0: Int,
                 _ scratch: inout ConvexScratch) -> CoreContact? {
    scratch.withBuffers { epa(pair, start, n0, &$0) }
}

private func epa(_ pair: ConvexPair, _ start: InlineArray<4, SupportPoint>, _ n0: Int,
                 _ scratch: inout EPABuffers) -> CoreContact? {
    let maxIterations = EPABuffers.maxIterations
    let maxVerts = 68, maxFaces = 264, maxEdges = 128
    var vs = scratch.verts.mutableSpan, fs = scratch.faces.mutableSpan
    var es = scratch.edges.mutableSpan, rs = scratch.removed.mutableSpan
    return vs.withUnsafeMutableBufferPointer { verts in
        fs.withUnsafeMutableBufferPointer { faces in
            es.withUnsafeMutableBufferPointer { edges in
                rs.withUnsafeMutableBufferPointer { removed in
                var nv = 0
                for i in 0..<n0 { verts[nv] = start[i]; nv += 1 }
                // Blow a degenerate simplex up to a tetrahedron that still contains the origin.
                if !completeTetrahedron(pair, verts, &nv) { return nil }
                var nf = 0
                func makeFace(_ a: Int, _ b: Int, _ c: Int) -> EPAFace {
                    let n = (verts[b].w - verts[a].w).cross(verts[c].w - verts[a].w)
                    let len = n.norm
                    let u = len > 0 ? n / len : Vec3.zero
                    // Area below 1e-18 m² (edges ~1e-9 m): the normal is noise.
                    return EPAFace(i0: Int32(a), i1: Int32(b), i2: Int32(c), alive: true, usable: len >= 1e-18,
                                   normal: u, dist: u.dot(verts[a].w))
                }
                // Initial faces, each oriented away from the opposite vertex.
                for t in 0..<4 {
                    // Faces (0,1,2), (0,3,1), (0,2,3), (1,3,2); `opp` is the vertex off each.
                    let (a, b, c, opp) = t == 0 ? (0, 1, 2, 3) : (t == 1 ? (0, 3, 1, 2) : (t == 2 ? (0, 2, 3, 1) : (1, 3, 2, 0)))
                    var f = makeFace(a, b, c)
                    let n = (verts[b].w - verts[a].w).cross(verts[c].w - verts[a].w)
                    if n.dot(verts[opp].w - verts[a].w) > 0 { f = makeFace(a, c, b) }
                    faces[nf] = f; nf += 1
                }
                func nearestFace() -> Int {
                    var best = -1
                    var bestD = Double.infinity
                    for f in 0..<nf where faces[f].alive && faces[f].usable && faces[f].dist < bestD {
                        bestD = faces[f].dist; best = f
                    }
                    return best
                }
                var best = -1
                for _ in 0..<maxIterations {
                    best = nearestFace()
                    if best < 0 { return nil }
                    let face = faces[best]
                    let sp = pair.support(face.normal)
                    // Converged when the support does not reach 1e-10 m beyond the face.
                    if sp.w.dot(face.normal) - face.dist < 1e-10 || nv >= maxVerts { break }
                    let iw = nv
                    verts[nv] = sp; nv += 1
                    // Flood-fill the faces visible from the new vertex, starting at the nearest face
                    // (visible by construction), so the removed region is connected and its
                    // boundary (the horizon) a single loop even when round-off blurs visibility.
                    var ne = 0, nRemoved = 0, head = 0
                    var ok = true
                    faces[best].alive = false
                    removed[0] = Int32(best); nRemoved = 1
                    while head < nRemoved && ok {
                        let ff = faces[Int(removed[head])]
                        head += 1
                        for k in 0..<3 {
                            let (p, q) = k == 0 ? (ff.i0, ff.i1) : (k == 1 ? (ff.i1, ff.i2) : (ff.i2, ff.i0))
                            var g = -1
                            for h in 0..<nf where faces[h].alive && faces[h].hasEdge(q, p) { g = h; break }
                            // No live neighbour: it was removed already, so the edge is interior.
                            if g < 0 { continue }
                            if faces[g].normal.dot(sp.w - verts[Int(faces[g].i0)].w) > 0 {
                                faces[g].alive = false
                                removed[nRemoved] = Int32(g); nRemoved += 1
                            } else if ne < maxEdges {
                                edges[ne] = EPAEdge(p: p, q: q); ne += 1
                            } else {
                                ok = false
                            }
                        }
                    }
                    if !ok || nf + ne > maxFaces {
                        // Out of room: undo this expansion and report the current nearest face.
                        for r in 0..<nRemoved { faces[Int(removed[r])].alive = true }
                        nv -= 1
                        break
                    }
                    for e in 0..<ne { faces[nf] = makeFace(Int(edges[e].p), Int(edges[e].q), iw); nf += 1 }
                    best = -1
                }
                if best < 0 { best = nearestFace() }
                if best < 0 { return nil }
                let face = faces[best]
                let v0 = verts[Int(face.i0)], v1 = verts[Int(face.i1)], v2 = verts[Int(face.i2)]
                let (l0, l1, l2) = barycentric(face.dist * face.normal, v0.w, v1.w, v2.w)
                let a = l0 * v0.a + l1 * v1.a + l2 * v2.a
                let b = l0 * v0.b + l1 * v1.b + l2 * v2.b
                return CoreContact(a: a, b: b, normal: face.normal, coreDist: -face.dist)
                }
            }
        }
    }
}

/// Barycentric coordinates of p (in the triangle's plane) with respect to (a, b, c).
private func barycentric(_ p: Vec3, _ a: Vec3, _ b: Vec3, _ c: Vec3) -> (Double, Double, Double) {
    let v0 = b - a, v1 = c - a, v2 = p - a
    let d00 = v0.dot(v0), d01 = v0.dot(v1), d11 = v1.dot(v1), d20 = v2.dot(v0), d21 = v2.dot(v1)
    let den = d00 * d11 - d01 * d01
    if abs(den) < 1e-300 { return (1, 0, 0) }
    let v = (d11 * d20 - d01 * d21) / den, w = (d00 * d21 - d01 * d20) / den
    return (1 - v - w, v, w)
}

/// Adds support points until the simplex is a non-degenerate tetrahedron (the origin lies on the
/// GJK simplex, so it stays inside or on the boundary). False if the difference is flat.
private func completeTetrahedron(_ pair: ConvexPair, _ verts: UnsafeMutableBufferPointer<SupportPoint>, _ nv: inout Int) -> Bool {
    // 1e-12 m: below it two support points are the same point for EPA's purposes.
    let eps = 1e-12
    if nv == 1 {
        for k in 0..<6 {
            var d = Vec3.zero
            d[k / 2] = k % 2 == 0 ? 1 : -1
            let sp = pair.support(d)
            if (sp.w - verts[0].w).norm > eps { verts[1] = sp; nv = 2; break }
        }
        if nv < 2 { return false }
    }
    if nv == 2 {
        let e = (verts[1].w - verts[0].w).normalized()
        let (t1, t2) = contactTangents(e)
        for k in 0..<4 {
            let d = k == 0 ? t1 : (k == 1 ? -t1 : (k == 2 ? t2 : -t2))
            let sp = pair.support(d)
            if (verts[1].w - verts[0].w).cross(sp.w - verts[0].w).norm > eps * eps.squareRoot() {
                verts[2] = sp; nv = 3; break
            }
        }
        if nv < 3 { return false }
    }
    if nv == 3 {
        let m = (verts[1].w - verts[0].w).cross(verts[2].w - verts[0].w).normalized()
        let sp1 = pair.support(m), sp2 = pair.support(-m)
        let h1 = abs(m.dot(sp1.w - verts[0].w)), h2 = abs(m.dot(sp2.w - verts[0].w))
        let sp = h1 >= h2 ? sp1 : sp2
        if max(h1, h2) <= eps { return false }
        verts[3] = sp; nv = 4
    }
    return true
}

// MARK: - Supporting features (for multi-point contact)

/// Angles within which a face (or side line) counts as facing a direction: cos ≥ 0.995 (≈ 5.7°).
/// Wider than a resting object's wobble, so contact stays multi-point while it settles.
let faceCosine = 0.995
/// sin of the same angle (≈ 0.1): a segment counts as perpendicular to a direction below it.
let sideSine = 0.1

/// The feature of the shape (core + radius) that is extremal along the unit world direction d:
/// a face polygon (with its outward `normal`), a segment, or a single point.
func supportFeature(_ s: GeomShape, _ p: GeomPose, _ d: Vec3) -> (Feature, Vec3) {
    var f = Feature()
    switch s.type {
    case .box:
        let dl = p.rot.transposeTimes(d)
        let ab = Vec3(abs(dl.x), abs(dl.y), abs(dl.z))
        var k = 0
        if ab.y > ab[k] { k = 1 }
        if ab.z > ab[k] { k = 2 }
        if ab[k] >= faceCosine {
            let sign: Double = dl[k] >= 0 ? 1 : -1
            return (boxFace(s.size, p, axis: k, sign: sign), sign * localAxis(p, k))
        }
        var m = 0
        if ab.y < ab[m] { m = 1 }
        if ab.z < ab[m] { m = 2 }
        var c = p.pos
        for i in 0..<3 where i != m { c += (dl[i] >= 0 ? s.size[i] : -s.size[i]) * localAxis(p, i) }
        if ab[m] < sideSine {
            let e = s.size[m] * localAxis(p, m)
            f.append(c - e); f.append(c + e)
        } else {
            f.append(c + (dl[m] >= 0 ? s.size[m] : -s.size[m]) * localAxis(p, m))
        }
    case .cylinder:
        let a = p.rot.column2
        let r = s.size.x, h = s.size.y
        let ca = a.dot(d)
        if abs(ca) >= faceCosine {
            // The cap as a 12-gon: inscribed, so its support falls short of the circle by
            // r·(1 − cos 15°) ≈ 3.4% of r at edge midpoints; its vertices lie on the rim.
            let sign: Double = ca >= 0 ? 1 : -1
            let c = p.pos + (sign * h) * a
            let u = p.rot.column0, w = p.rot.column1
            for k in 0..<12 {
                f.append(c + r * (cosTable[k] * u + sinTable[k] * w))
            }
            return (f, sign * a)
        }
        let u = (d - ca * a).normalized(fallback: p.rot.column0)
        if abs(ca) < sideSine {
            f.append(p.pos - h * a + r * u); f.append(p.pos + h * a + r * u)
        } else {
            f.append(p.pos + (ca >= 0 ? h : -h) * a + r * u)
        }
    case .capsule:
        let a = p.rot.column2
        let ca = a.dot(d)
        if abs(ca) < sideSine {
            f.append(p.pos - s.size.y * a + s.size.x * d); f.append(p.pos + s.size.y * a + s.size.x * d)
        } else {
            f.append(p.pos + (ca >= 0 ? s.size.y : -s.size.y) * a + s.size.x * d)
        }
    case .sphere:
        f.append(p.pos + s.size.x * d)
    case .plane:
        break
    }
    return (f, d)
}

/// cos and sin of k·30°, k = 0…11, for the cap polygon.
private let cosTable: [Double] = (0..<12).map { cos(Double($0) * Double.pi / 6) }
private let sinTable: [Double] = (0..<12).map { sin(Double($0) * Double.pi / 6) }

// MARK: - General convex pair

/// Contacts between two convex geoms by GJK/EPA on their cores plus feature clipping.
func collideConvex(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                   margin: Double, _ out: inout ContactManifold, _ scratch: inout ConvexScratch) {
    let r1 = s1.coreRadius, r2 = s2.coreRadius
    let pair = ConvexPair(s1: s1, p1: p1, s2: s2, p2: p2)
    guard let core = coreContact(pair, cutoff: margin + r1 + r2, &scratch) else { return }
    let n = core.normal
    let dist = core.coreDist - r1 - r2
    guard dist <= margin else { return }
    let q1 = core.a + r1 * n, q2 = core.b - r2 * n

    let (fa, na) = supportFeature(s1, p1, n)
    let (fb, nb) = supportFeature(s2, p2, -n)
    let before = out.count
    var clipped = Feature(), scratch = Feature()
    if fa.count >= 3 && (fb.count < 3 || abs(na.dot(n)) >= abs(nb.dot(n))) && fb.count >= 2 {
        clipToReference(fb, reference: fa, refNormal: na, &clipped, &scratch)
        emitClipped(clipped, refPoint: fa[0], refNormal: na, referenceIsGeom1: true, margin: margin, &out)
    } else if fb.count >= 3 && fa.count >= 2 {
        clipToReference(fa, reference: fb, refNormal: nb, &clipped, &scratch)
        emitClipped(clipped, refPoint: fb[0], refNormal: nb, referenceIsGeom1: false, margin: margin, &out)
    } else if fa.count == 2 && fb.count == 2
                && (fa[1] - fa[0]).normalized().cross((fb[1] - fb[0]).normalized()).norm < sideSine {
        // Parallel line features (a capsule along a cylinder's side): a line contact.
        clipToReference(fb, reference: fa, refNormal: n, &clipped, &scratch)
        emitClipped(clipped, refPoint: fa[0], refNormal: n, referenceIsGeom1: true, margin: margin, &out)
    }
    // The core query's point is the true deepest one; clipping a 12-gon cap can miss it by a few
    // percent of the tilt depth, so add it when it is deeper than every clipped point by > 1e-9 m.
    var shallowest = -1
    var minClipped = Double.infinity, maxClipped = -Double.infinity
    for k in before..<out.count {
        minClipped = min(minClipped, out[k].dist)
        if out[k].dist > maxClipped { maxClipped = out[k].dist; shallowest = k }
    }
    let clippedEnd = out.count
    if out.count == before {
        out.add(pos: 0.5 * (q1 + q2), normal: n, dist: dist)
    } else if dist < minClipped - 1e-9 {
        if out.count < ContactManifold.capacity {
            out.add(pos: 0.5 * (q1 + q2), normal: n, dist: dist)
        } else {
            out.replace(shallowest, with: ContactPoint(pos: 0.5 * (q1 + q2), normal: n, dist: dist))
        }
    }
    // One normal for the whole manifold, the pair's (GJK/EPA) one, and no point deeper than the
    // pair's signed distance: a clipped point's height over a reference face tilted up to 5.7°
    // from it would otherwise overstate deep penetrations by up to 1 − cos 5.7° ≈ 0.5%.
    for k in before..<clippedEnd {
        let c = out[k]
        out.replace(k, with: ContactPoint(pos: c.pos, normal: n, dist: max(c.dist, dist)))
    }
}
