import Numerics

// Narrowphase dispatch: one routine per pair of geom types, called with the lower type first
// (MuJoCo's order: plane < sphere < capsule < cylinder < box).

/// Contacts between two geoms at world poses, with dist ≤ `margin` (MuJoCo keeps dist = margin too).
///
/// Pure function of shapes and poses. Normals run from the first geom to the second in the order
/// given; swapping the arguments negates the normals and keeps points and distances.
/// - Returns: up to `ContactManifold.capacity` points (box on plane: 4; box face on box face: up
///   to 8; cylinder standing on a plane: 3).
///
/// This convenience form builds the general convex path's scratch (≈ 20 kB, zeroed) for pairs
/// that need it; the step loop uses `collide(_:_:_:_:margin:scratch:)` with a reused one.
public func collide(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                    margin: Double = 0) -> ContactManifold {
    // Capsule–box may fall back to GJK/EPA (see `dispatch`), so it needs scratch too.
    if usesConvexPath(s1.type, s2.type) || isCapsuleBox(s1.type, s2.type) {
        var scratch = ConvexScratch()
        return collide(s1, p1, s2, p2, margin: margin, scratch: &scratch)
    }
    var out = ContactManifold()
    if s1.type.rawValue > s2.type.rawValue {
        dispatchPrimitive(s2, p2, s1, p1, margin: margin, &out)
        out.flip()
    } else if s1.type == s2.type && !sameTypeFirst(s1, p1, s2, p2) {
        dispatchPrimitive(s2, p2, s1, p1, margin: margin, &out)
        out.flip()
    } else {
        dispatchPrimitive(s1, p1, s2, p2, margin: margin, &out)
    }
    return out
}

/// `collide` with caller-owned scratch for the GJK/EPA pairs: no allocation, no zeroing.
public func collide(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                    margin: Double = 0, scratch: inout ConvexScratch) -> ContactManifold {
    var out = ContactManifold()
    if s1.type.rawValue > s2.type.rawValue {
        collideOrdered(s2, p2, s1, p1, margin: margin, &out, &scratch)
        out.flip()
    } else {
        collideOrdered(s1, p1, s2, p2, margin: margin, &out, &scratch)
    }
    return out
}

/// Pairs that go through GJK/EPA (no closed form): cylinder with anything but a plane.
@inline(__always)
func usesConvexPath(_ t1: GeomType, _ t2: GeomType) -> Bool {
    if t1 == .plane || t2 == .plane { return false }
    return t1 == .cylinder || t2 == .cylinder
}

/// Capsule with box, in either order.
@inline(__always)
func isCapsuleBox(_ t1: GeomType, _ t2: GeomType) -> Bool {
    (t1 == .capsule && t2 == .box) || (t1 == .box && t2 == .capsule)
}

/// Dispatch for type(s1) ≤ type(s2). Two geoms of the same type run in a canonical order
/// (`sameTypeFirst`), so that swapping them gives exactly the flipped contacts even where the
/// algorithm treats its two arguments differently (reference-face choice, GJK start).
func collideOrdered(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                    margin: Double, _ out: inout ContactManifold, _ scratch: inout ConvexScratch) {
    if s1.type == s2.type && !sameTypeFirst(s1, p1, s2, p2) {
        let before = out.count
        dispatch(s2, p2, s1, p1, margin: margin, &out, &scratch)
        out.flip(from: before)
    } else {
        dispatch(s1, p1, s2, p2, margin: margin, &out, &scratch)
    }
}

/// Whether geom 1 goes first among two of the same type: the larger size (x, then y, then z)
/// first, a criterion blind to rigid motion; equal sizes fall back to world position.
func sameTypeFirst(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose) -> Bool {
    let a = s1.size, b = s2.size
    if a.x != b.x { return a.x > b.x }
    if a.y != b.y { return a.y > b.y }
    if a.z != b.z { return a.z > b.z }
    let u = p1.pos, v = p2.pos
    if u.x != v.x { return u.x < v.x }
    if u.y != v.y { return u.y < v.y }
    return u.z <= v.z
}

func dispatch(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
              margin: Double, _ out: inout ContactManifold, _ scratch: inout ConvexScratch) {
    if usesConvexPath(s1.type, s2.type) {
        collideConvex(s1, p1, s2, p2, margin: margin, &out, &scratch)
    } else if s1.type == .capsule && s2.type == .box {
        // MuJoCo's closed form, except where it finds nothing although the capsule's segment
        // passes through the box (its search measures distance from outside only, so a segment
        // piercing two opposite faces can miss): then GJK/EPA gives the penetration contact.
        let before = out.count
        collideCapsuleBox(s1, p1, s2, p2, margin: margin, &out)
        if out.count == before && capsuleSegmentMeetsBox(s1, p1, s2, p2) {
            collideConvex(s1, p1, s2, p2, margin: margin, &out, &scratch)
        }
    } else {
        dispatchPrimitive(s1, p1, s2, p2, margin: margin, &out)
    }
}

/// Closed-form pairs, type(s1) ≤ type(s2).
func dispatchPrimitive(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                       margin: Double, _ out: inout ContactManifold) {
    switch (s1.type, s2.type) {
    case (.plane, .plane):
        return  // two infinite planes: no meaningful contact (MuJoCo skips them too)
    case (.plane, .sphere):
        collidePlaneSphere(p1, s2.size.x, p2.pos, margin: margin, &out)
    case (.plane, .capsule):
        collidePlaneCapsule(p1, s2, p2, margin: margin, &out)
    case (.plane, .cylinder):
        collidePlaneCylinder(p1, s2, p2, margin: margin, &out)
    case (.plane, .box):
        collidePlaneBox(p1, s2, p2, margin: margin, &out)
    case (.sphere, .sphere):
        collideSphereSphere(p1.pos, s1.size.x, p2.pos, s2.size.x, margin: margin, &out)
    case (.sphere, .capsule):
        collideSphereCapsule(p1.pos, s1.size.x, s2, p2, margin: margin, &out)
    case (.sphere, .box):
        collideSphereBox(p1.pos, s1.size.x, s2, p2, margin: margin, &out)
    case (.capsule, .capsule):
        collideCapsuleCapsule(s1, p1, s2, p2, margin: margin, &out)
    case (.box, .box):
        collideBoxBox(s1, p1, s2, p2, margin: margin, &out)
    default:
        preconditionFailure("dispatchPrimitive: \(s1.type)–\(s2.type) is not a closed-form pair in type order")  // SHOULD NOT OCCUR
    }
}
