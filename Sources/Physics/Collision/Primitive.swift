import Numerics

// Closed-form narrowphase for planes, spheres and capsules (and sphere–box).
// Every routine takes geom1 first (the lower geom type), appends the points with dist <= margin
// and reports normals from geom1 to geom2.

// MARK: - Geometry helpers

/// Closest point to `p` on segment [a, b]; returns the parameter t ∈ [0, 1].
func closestSegmentParameter(_ p: Vec3, _ a: Vec3, _ b: Vec3) -> Double {
    let ab = b - a
    let l2 = ab.squaredNorm
    // A zero-length segment is its endpoint.
    if l2 < 1e-300 { return 0 }
    return min(max((p - a).dot(ab) / l2, 0), 1)
}

/// Closest points between segments [p1, q1] and [p2, q2]: parameters (s, t) ∈ [0, 1]².
/// Parallel segments take s at the start of the first and t to match (callers handle that case).
func closestSegmentSegment(_ p1: Vec3, _ q1: Vec3, _ p2: Vec3, _ q2: Vec3) -> (Double, Double) {
    let d1 = q1 - p1, d2 = q2 - p2, r = p1 - p2
    let a = d1.squaredNorm, e = d2.squaredNorm, f = d2.dot(r)
    // Degenerate (point) segments: 1e-300 only guards the division.
    if a < 1e-300 && e < 1e-300 { return (0, 0) }
    if a < 1e-300 { return (0, min(max(f / e, 0), 1)) }
    let c = d1.dot(r)
    if e < 1e-300 { return (min(max(-c / a, 0), 1), 0) }
    let b = d1.dot(d2)
    let denom = a * e - b * b
    // Relative 1e-12 of a·e: below it the segments are parallel to working precision.
    var s = denom > 1e-12 * a * e ? min(max((b * f - c * e) / denom, 0), 1) : 0
    var t = (b * s + f) / e
    if t < 0 {
        t = 0; s = min(max(-c / a, 0), 1)
    } else if t > 1 {
        t = 1; s = min(max((b - c) / a, 0), 1)
    }
    return (s, t)
}

/// Unit vector along d, or a fixed world axis when d vanishes (concentric shapes): any normal is
/// then equally right, and a fixed one keeps results deterministic.
func safeDirection(_ d: Vec3) -> Vec3 {
    let n = d.norm
    return n > 1e-15 ? d / n : .unitZ
}

// MARK: - Plane with X (plane normal = its local +z)

/// Plane–sphere: one point under the sphere centre.
func collidePlaneSphere(_ plane: GeomPose, _ r: Double, _ c: Vec3, margin: Double, _ out: inout ContactManifold,
                        tangentHint: Vec3 = .zero) {
    let n = plane.rot.column2
    let dist = (c - plane.pos).dot(n) - r
    if dist <= margin {
        out.add(pos: c - (r + 0.5 * dist) * n, normal: n, dist: dist, tangentHint: tangentHint)
    }
}

/// Plane–capsule: each end cap as a sphere, so a capsule lying on the plane gets two points; the
/// first tangent follows the capsule axis, as in MuJoCo.
func collidePlaneCapsule(_ plane: GeomPose, _ s: GeomShape, _ p: GeomPose, margin: Double, _ out: inout ContactManifold) {
    let axis = p.rot.column2
    collidePlaneSphere(plane, s.size.x, p.pos + s.size.y * axis, margin: margin, &out, tangentHint: axis)
    collidePlaneSphere(plane, s.size.x, p.pos - s.size.y * axis, margin: margin, &out, tangentHint: axis)
}

/// Plane–box: every corner within the margin (4 for a box resting on a face).
func collidePlaneBox(_ plane: GeomPose, _ s: GeomShape, _ p: GeomPose, margin: Double, _ out: inout ContactManifold) {
    let n = plane.rot.column2
    let h = s.size
    let ex = p.rot.column0 * h.x, ey = p.rot.column1 * h.y, ez = p.rot.column2 * h.z
    let c0 = (p.pos - plane.pos).dot(n)
    let dx = ex.dot(n), dy = ey.dot(n), dz = ez.dot(n)
    for k in 0..<8 {
        let sx: Double = (k & 1) != 0 ? 1 : -1, sy: Double = (k & 2) != 0 ? 1 : -1, sz: Double = (k & 4) != 0 ? 1 : -1
        let dist = c0 + sx * dx + sy * dy + sz * dz
        if dist <= margin {
            let v = p.pos + sx * ex + sy * ey + sz * ez
            out.add(pos: v - (0.5 * dist) * n, normal: n, dist: dist)
        }
    }
}

/// Plane–cylinder: on the cap nearer the plane, its deepest rim point and the two rim points at
/// ±120° (a cylinder standing on its face rests on a triangle), plus the matching rim point on the
/// far cap (a cylinder lying on its side rests on a line).
func collidePlaneCylinder(_ plane: GeomPose, _ s: GeomShape, _ p: GeomPose, margin: Double, _ out: inout ContactManifold) {
    let n = plane.rot.column2
    let a = p.rot.column2
    let r = s.size.x, h = s.size.y
    let na = n.dot(a)
    // Near cap: the one whose centre is lower along n.
    let capSign: Double = na > 0 ? -1 : 1
    // Rim direction toward the plane: −n projected on the cap plane.
    var u = a * na - n
    let un = u.norm
    // Below 1e-9 (upright to ~1e-9 rad) the projection is noise: use the cylinder's own x axis.
    u = un > 1e-9 ? u / un : p.rot.column0
    let w = a.cross(u)
    let near = p.pos + (capSign * h) * a
    let far = p.pos - (capSign * h) * a
    let c120 = -0.5, s120 = 0.75.squareRoot()
    for k in 0..<4 {
        let v: Vec3
        switch k {
        case 0: v = near + r * u
        case 1: v = near + r * (c120 * u + s120 * w)
        case 2: v = near + r * (c120 * u - s120 * w)
        default: v = far + r * u
        }
        let dist = (v - plane.pos).dot(n)
        if dist <= margin { out.add(pos: v - (0.5 * dist) * n, normal: n, dist: dist) }
    }
}

// MARK: - Spheres and capsules

/// Sphere–sphere (also the core of sphere–capsule and capsule–capsule): centres c1, c2.
func collideSphereSphere(_ c1: Vec3, _ r1: Double, _ c2: Vec3, _ r2: Double, margin: Double, _ out: inout ContactManifold) {
    let d = c2 - c1
    let l = d.norm
    let dist = l - r1 - r2
    guard dist <= margin else { return }
    let n = safeDirection(d)
    out.add(surface1: c1 + r1 * n, surface2: c2 - r2 * n, normal: n)
}

/// Sphere–capsule: the sphere against the nearest point of the capsule's segment.
func collideSphereCapsule(_ c: Vec3, _ r: Double, _ s: GeomShape, _ p: GeomPose, margin: Double, _ out: inout ContactManifold) {
    let axis = p.rot.column2 * s.size.y
    let a = p.pos - axis, b = p.pos + axis
    let t = closestSegmentParameter(c, a, b)
    collideSphereSphere(c, r, a + t * (b - a), s.size.x, margin: margin, &out)
}

/// Capsule–capsule, by MuJoCo 3.3's rule (so contacts match it point for point):
/// - Non-parallel axes: the unclamped closest parameters of the two axis lines, clamped once
///   each way (segment 1 first, then segment 2 with segment 1 re-solved and clamped), then a
///   sphere–sphere test between the two points. This is not always the exact segment–segment
///   minimum (both ends clamped can miss it), but it is the rule MuJoCo's trajectories follow.
/// - Parallel axes: each end of segment 1 against its clamped projection on segment 2, then,
///   while fewer than two contacts are found, each end of segment 2 against its projection on
///   segment 1. Normals join the two points, so they tilt when the capsules are offset sideways.
func collideCapsuleCapsule(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                           margin: Double, _ out: inout ContactManifold) {
    let r1 = s1.size.x, r2 = s2.size.x
    // Half-axes (axis × half-length); parameters x1, x2 ∈ [−1, 1] run along them.
    let h1 = s1.size.y * p1.rot.column2, h2 = s2.size.y * p2.rot.column2
    let dif = p1.pos - p2.pos
    // Normal equations of min |p1 + x1·h1 − p2 − x2·h2|²: [ma mb; mb mc]·[x1; x2] = [u; v].
    let ma = h1.dot(h1), mb = -h1.dot(h2), mc = h2.dot(h2)
    let u = -h1.dot(dif), v = h2.dot(dif)
    let det = ma * mc - mb * mb
    // MuJoCo's mjMINVAL (1e-15): below it the axes count as parallel (det = |h1|²|h2|² sin²θ).
    let parallelDet = 1e-15
    // Parameter on segment 2 closest to the point x1 on segment 1 (and vice versa); a
    // zero-length segment has only its centre.
    @inline(__always) func onSecond(_ x1: Double) -> Double { mc > 0 ? (v - mb * x1) / mc : 0 }
    @inline(__always) func onFirst(_ x2: Double) -> Double { ma > 0 ? (u - mb * x2) / ma : 0 }
    @inline(__always) func clamp1(_ x: Double) -> Double { min(max(x, -1), 1) }

    if abs(det) >= parallelDet {
        var x1 = (mc * u - mb * v) / det
        var x2 = (ma * v - mb * u) / det
        if x1 > 1 || x1 < -1 {
            x1 = clamp1(x1)
            x2 = onSecond(x1)
        }
        if x2 > 1 || x2 < -1 {
            x2 = clamp1(x2)
            x1 = clamp1(onFirst(x2))
        }
        collideSphereSphere(p1.pos + x1 * h1, r1, p2.pos + x2 * h2, r2, margin: margin, &out)
        return
    }
    let before = out.count
    for k in 0..<2 {
        let e1: Double = k == 0 ? 1 : -1
        collideSphereSphere(p1.pos + e1 * h1, r1, p2.pos + clamp1(onSecond(e1)) * h2, r2, margin: margin, &out)
    }
    for k in 0..<2 where out.count - before < 2 {
        let e2: Double = k == 0 ? 1 : -1
        collideSphereSphere(p1.pos + clamp1(onFirst(e2)) * h1, r1, p2.pos + e2 * h2, r2, margin: margin, &out)
    }
}

/// Sphere–box: closest box point to the centre; a centre inside the box exits through the nearest face.
func collideSphereBox(_ c: Vec3, _ r: Double, _ s: GeomShape, _ p: GeomPose, margin: Double, _ out: inout ContactManifold) {
    let h = s.size
    let l = p.inverseApply(c)
    let q = Vec3(min(max(l.x, -h.x), h.x), min(max(l.y, -h.y), h.y), min(max(l.z, -h.z), h.z))
    let d = q - l
    if d.squaredNorm > 0 {
        // Centre outside the box: the normal runs from the centre to the closest box point.
        let dist = d.norm - r
        guard dist <= margin else { return }
        let n = p.rot * (d / d.norm)
        out.add(surface1: c + r * n, surface2: p.apply(q), normal: n)
        return
    }
    // Centre inside: the face of least depth; the sphere leaves through it.
    let depth = Vec3(h.x - abs(l.x), h.y - abs(l.y), h.z - abs(l.z))
    var k = 0
    if depth.y < depth[k] { k = 1 }
    if depth.z < depth[k] { k = 2 }
    let sign: Double = l[k] >= 0 ? 1 : -1
    var face = l
    face[k] = sign * h[k]
    var local = Vec3.zero
    local[k] = -sign
    let n = p.rot * local
    out.add(surface1: c + r * n, surface2: p.apply(face), normal: n)
}
