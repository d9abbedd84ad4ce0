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

    @inline(__always)
    mutating func append(_ p: Vec3) {
        if count < Feature.capacity { v[count] = p; count += 1 }
    }
}

/// Keeps the points p of `poly` with m·p ≤ o (Sutherland–Hodgman; a 2-point feature is an open
/// segment, a 1-point feature a point).
func clip(_ poly: Feature, normal m: Vec3, offset o: Double) -> Feature {
    var out = Feature()
    let n = poly.count
    if n == 0 { return out }
    if n == 1 {
        if m.dot(poly.v[0]) <= o { out.append(poly.v[0]) }
        return out
    }
    if n == 2 {
        let a = poly.v[0], b = poly.v[1]
        let da = m.dot(a) - o, db = m.dot(b) - o
        if da <= 0 && db <= 0 { return poly }
        if da > 0 && db > 0 { return out }
        let x = a + (da / (da - db)) * (b - a)
        if da <= 0 { out.append(a); out.append(x) } else { out.append(x); out.append(b) }
        return out
    }
    var prev = poly.v[n - 1]
    var dPrev = m.dot(prev) - o
    for i in 0..<n {
        let cur = poly.v[i]
        let dCur = m.dot(cur) - o
        if dCur <= 0 {
            if dPrev > 0 { out.append(prev + (dPrev / (dPrev - dCur)) * (cur - prev)) }
            out.append(cur)
        } else if dPrev <= 0 {
            out.append(prev + (dPrev / (dPrev - dCur)) * (cur - prev))
        }
        prev = cur; dPrev = dCur
    }
    return out
}

/// Clips `incident` to the slab over `reference` (side planes through its edges, perpendicular
/// to `refNormal`; for a 2-point reference, the two planes through its ends perpendicular to it).
func clipToReference(_ incident: Feature, reference: Feature, refNormal: Vec3) -> Feature {
    var poly = incident
    let n = reference.count
    if n == 2 {
        let a = reference.v[0], b = reference.v[1]
        let e = b - a
        poly = clip(poly, normal: -e, offset: -e.dot(a))
        poly = clip(poly, normal: e, offset: e.dot(b))
        return poly
    }
    var centroid = Vec3.zero
    for i in 0..<n { centroid += reference.v[i] }
    centroid = centroid / Double(n)
    for i in 0..<n {
        let a = reference.v[i], b = reference.v[(i + 1) % n]
        var m = (b - a).cross(refNormal)
        // Orient each side plane outward, away from the reference centroid.
        if m.dot(centroid - a) > 0 { m = -m }
        poly = clip(poly, normal: m, offset: m.dot(a))
        if poly.count == 0 { break }
    }
    return poly
}

/// Emits the clipped incident points as contacts: dist = height above the reference plane
/// (through `refPoint` with outward normal `refNormal`), kept when dist <= margin. `referenceIsGeom1`
/// says which geom owns the reference face, so the normal still runs geom1 → geom2.
/// At most 8 points are kept: the deepest, then greedily the point farthest from those kept.
func emitClipped(_ pts: Feature, refPoint: Vec3, refNormal: Vec3, referenceIsGeom1: Bool,
                 margin: Double, _ out: inout ContactManifold) {
    var keep = Feature()
    var keepDist = InlineArray<16, Double>(repeating: 0)
    for i in 0..<pts.count {
        let d = refNormal.dot(pts.v[i] - refPoint)
        if d <= margin {
            keepDist[keep.count] = d
            keep.append(pts.v[i])
        }
    }
    let normal = referenceIsGeom1 ? refNormal : -refNormal
    let room = ContactManifold.capacity - out.count
    var chosen = InlineArray<16, Bool>(repeating: false)
    var nChosen = 0
    if keep.count <= room {
        for i in 0..<keep.count { chosen[i] = true }
        nChosen = keep.count
    } else {
        // Deepest first, then farthest-point sampling: a spread-out support polygon.
        var best = 0
        for i in 1..<keep.count where keepDist[i] < keepDist[best] { best = i }
        chosen[best] = true; nChosen = 1
        var minD2 = InlineArray<16, Double>(repeating: .infinity)
        var last = best
        while nChosen < room {
            var far = -1
            var farD = -1.0
            for i in 0..<keep.count where !chosen[i] {
                minD2[i] = min(minD2[i], (keep.v[i] - keep.v[last]).squaredNorm)
                if minD2[i] > farD { farD = minD2[i]; far = i }
            }
            if far < 0 { break }
            chosen[far] = true; nChosen += 1; last = far
        }
    }
    for i in 0..<keep.count where chosen[i] {
        let q = keep.v[i], d = keepDist[i]
        // q lies on the incident surface; its projection on the reference plane is q − d·refNormal.
        out.add(pos: q - (0.5 * d) * refNormal, normal: normal, dist: d)
    }
}
