import Numerics

// Face clipping: the multi-point contact step shared by box–box and the general convex path.
// A reference feature (a face polygon, or a segment) defines a slab; the other shape's incident
// feature is clipped to that slab, and every clipped point is a contact whose distance is its
// height above the reference face. This is the reference-face / incident-face scheme of ODE's
// dBoxBox, written here for arbitrary small polygons.

/// A small planar polygon (or segment, or point) in world coordinates, stored inline.
struct Feature {
    /// 16 vertices: a cylinder cap (12-gon) clipped by a box face's 4 side planes stays within 16.
    static let capacity = 16
    var v = InlineArray<16, Vec3>(repeating: .zero)
    var count = 0

    /// Element access through a span: subscripting the InlineArray of a borrowed Feature copied
    /// all 16 vertices per access (measured 3× slower clipping).
    @inline(__always)
    subscript(i: Int) -> Vec3 { v.span[i] }

    @inline(__always)
    mutating func append(_ p: Vec3) {
        if count < 16 {
            var storage = v.mutableSpan
            storage[count] = p
            count += 1
        }
    }
}

/// Writes into `out` the points p of `poly` with m·p ≤ o (Sutherland–Hodgman; a 2-point feature
/// is an open segment, a 1-point feature a point). In place into a caller's buffer: a Feature is
/// 400 bytes, and returning fresh ones dominated box–box time.
func clip(_ poly: borrowing Feature, normal m: Vec3, offset o: Double, into out: inout Feature) {
    out.count = 0
    let n = poly.count
    if n == 0 { return }
    if n == 1 {
        if m.dot(poly[0]) <= o { out.append(poly[0]) }
        return
    }
    if n == 2 {
        let a = poly[0], b = poly[1]
        let da = m.dot(a) - o, db = m.dot(b) - o
        if da > 0 && db > 0 { return }
        if da <= 0 && db <= 0 { out.append(a); out.append(b); return }
        let x = a + (da / (da - db)) * (b - a)
        if da <= 0 { out.append(a); out.append(x) } else { out.append(x); out.append(b) }
        return
    }
    var prev = poly[n - 1]
    var dPrev = m.dot(prev) - o
    for i in 0..<n {
        let cur = poly[i]
        let dCur = m.dot(cur) - o
        if dCur <= 0 {
            if dPrev > 0 { out.append(prev + (dPrev / (dPrev - dCur)) * (cur - prev)) }
            out.append(cur)
        } else if dPrev <= 0 {
            out.append(prev + (dPrev / (dPrev - dCur)) * (cur - prev))
        }
        prev = cur; dPrev = dCur
    }
}

/// Clips `incident` to the slab over `reference` (side planes through its edges, perpendicular
/// to `refNormal`; for a 2-point reference, the two planes through its ends perpendicular to it).
/// The result is left in `a`; `b` is scratch.
func clipToReference(_ incident: borrowing Feature, reference: borrowing Feature, refNormal: Vec3,
                     _ a: inout Feature, _ b: inout Feature) {
    let n = reference.count
    // Planes as (normal, offset), applied alternately a → b → a so nothing is copied.
    var k = 0
    func apply(_ m: Vec3, _ o: Double, _ a: inout Feature, _ b: inout Feature) {
        if k == 0 { clip(incident, normal: m, offset: o, into: &a) }
        else if k % 2 == 1 { clip(a, normal: m, offset: o, into: &b) }
        else { clip(b, normal: m, offset: o, into: &a) }
        k += 1
    }
    if n == 2 {
        let r0 = reference[0], r1 = reference[1]
        let e = r1 - r0
        apply(-e, -e.dot(r0), &a, &b)
        apply(e, e.dot(r1), &a, &b)
    } else {
        var centroid = Vec3.zero
        for i in 0..<n { centroid += reference[i] }
        centroid = centroid / Double(n)
        for i in 0..<n {
            let r0 = reference[i], r1 = reference[(i + 1) % n]
            var m = (r1 - r0).cross(refNormal)
            // Orient each side plane outward, away from the reference centroid.
            if m.dot(centroid - r0) > 0 { m = -m }
            apply(m, m.dot(r0), &a, &b)
        }
    }
    // Plane i writes to `a` for even i and `b` for odd i: after an even count the result is in `b`.
    if k % 2 == 0 { swap(&a, &b) }
}

/// Emits the clipped incident points as contacts: dist = height above the reference plane
/// (through `refPoint` with outward normal `refNormal`), kept when dist ≤ margin. `referenceIsGeom1`
/// says which geom owns the reference face, so the normal still runs geom1 → geom2.
/// At most the manifold's free room is kept: the deepest, then greedily the point farthest from
/// those kept (a spread-out support polygon).
func emitClipped(_ pts: borrowing Feature, refPoint: Vec3, refNormal: Vec3, referenceIsGeom1: Bool,
                 margin: Double, _ out: inout ContactManifold) {
    var dist = InlineArray<16, Double>(repeating: 0)
    var chosen = InlineArray<16, Bool>(repeating: false)
    var kept = 0, deepest = -1
    for i in 0..<pts.count {
        let d = refNormal.dot(pts[i] - refPoint)
        dist[i] = d
        if d <= margin {
            chosen[i] = true; kept += 1
            if deepest < 0 || d < dist[deepest] { deepest = i }
        }
    }
    if kept == 0 { return }
    let normal = referenceIsGeom1 ? refNormal : -refNormal
    let room = ContactManifold.capacity - out.count
    if kept > room {
        // Deepest first, then farthest-point sampling among the candidates.
        let candidate = chosen
        chosen = InlineArray<16, Bool>(repeating: false)
        chosen[deepest] = true
        var minD2 = InlineArray<16, Double>(repeating: .infinity)
        var last = deepest, nChosen = 1
        while nChosen < room {
            var far = -1
            var farD = -1.0
            for i in 0..<pts.count where candidate[i] && !chosen[i] {
                minD2[i] = min(minD2[i], (pts[i] - pts[last]).squaredNorm)
                if minD2[i] > farD { farD = minD2[i]; far = i }
            }
            if far < 0 { break }
            chosen[far] = true; nChosen += 1; last = far
        }
    }
    for i in 0..<pts.count where chosen[i] {
        // The point lies on the incident surface; its projection on the reference plane is q − d·n.
        out.add(pos: pts[i] - (0.5 * dist[i]) * refNormal, normal: normal, dist: dist[i])
    }
}
