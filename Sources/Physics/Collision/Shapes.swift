import Numerics

// Geom shapes in world poses, their support functions and bounding boxes: the vocabulary every
// narrowphase routine speaks. Nothing here depends on Data, only on a shape and a pose.

/// A geom's shape: type and MJCF size (see `GeomType`). Only the collision-relevant part of a Geom.
public struct GeomShape: Sendable {
    public var type: GeomType
    /// plane (unused), sphere (r), capsule (r, half-length), cylinder (r, half-length), box (half-sizes).
    public var size: Vec3

    @inlinable
    public init(_ type: GeomType, size: Vec3) { self.type = type; self.size = size }

    /// Shapes by their MJCF sizes (m): radius, half-length, half-sizes.
    public static func sphere(_ r: Double) -> GeomShape { GeomShape(.sphere, size: Vec3(r, 0, 0)) }
    public static func capsule(radius r: Double, halfLength h: Double) -> GeomShape { GeomShape(.capsule, size: Vec3(r, h, 0)) }
    public static func cylinder(radius r: Double, halfLength h: Double) -> GeomShape { GeomShape(.cylinder, size: Vec3(r, h, 0)) }
    public static func box(_ half: Vec3) -> GeomShape { GeomShape(.box, size: half) }
    public static let plane = GeomShape(.plane, size: Vec3(0, 0, 0))

    /// The radius by which the shape exceeds its "core" (sphere: a point, capsule: a segment);
    /// boxes and cylinders are their own cores.
    @inlinable
    public var coreRadius: Double {
        switch type {
        case .sphere, .capsule: size.x
        case .plane, .box, .cylinder: 0
        }
    }

    /// Support point of the core in the shape's own frame: argmax over the core of x·d.
    /// Ties (a zero component of d) resolve to the + side, so results are deterministic.
    @inlinable
    public func coreSupportLocal(_ d: Vec3) -> Vec3 {
        switch type {
        case .sphere, .plane:
            return .zero
        case .capsule:
            return Vec3(0, 0, d.z >= 0 ? size.y : -size.y)
        case .box:
            return Vec3(d.x >= 0 ? size.x : -size.x, d.y >= 0 ? size.y : -size.y, d.z >= 0 ? size.z : -size.z)
        case .cylinder:
            let rho = (d.x * d.x + d.y * d.y).squareRoot()
            // Below 1e-14 the radial direction is undefined: any rim point (or the axis) is a support.
            let s = rho > 1e-14 ? size.x / rho : 0
            return Vec3(d.x * s, d.y * s, d.z >= 0 ? size.y : -size.y)
        }
    }

    /// Support value of the whole shape (core + radius) along a unit direction in the local frame.
    @inlinable
    public func supportValueLocal(_ u: Vec3) -> Double {
        coreSupportLocal(u).dot(u) + coreRadius
    }

    /// Half-extents of the local-frame bounding box (planes: infinite).
    @inlinable
    public var localHalfExtents: Vec3 {
        switch type {
        case .plane: Vec3(.infinity, .infinity, .infinity)
        case .sphere: Vec3(size.x, size.x, size.x)
        case .capsule: Vec3(size.x, size.x, size.x + size.y)
        case .cylinder: Vec3(size.x, size.x, size.y)
        case .box: size
        }
    }
}

/// A rigid pose in the world: position (m) and rotation whose columns are the local axes.
public struct GeomPose: Sendable {
    public var pos: Vec3
    public var rot: Mat3

    @inlinable
    public init(pos: Vec3, rot: Mat3 = .identity) { self.pos = pos; self.rot = rot }
    @inlinable
    public init(pos: Vec3, quat: Quat) { self.pos = pos; self.rot = quat.normalized().matrix }

    public static let identity = GeomPose(pos: .zero)

    /// World point of a local point.
    @inlinable @inline(__always)
    public func apply(_ p: Vec3) -> Vec3 { pos + rot * p }
    /// Local coordinates of a world point.
    @inlinable @inline(__always)
    public func inverseApply(_ p: Vec3) -> Vec3 { rot.transposeTimes(p - pos) }

    /// self ∘ other: the pose of a frame given in self's coordinates.
    @inlinable
    public func compose(_ other: GeomPose) -> GeomPose { GeomPose(pos: apply(other.pos), rot: rot * other.rot) }
}

// MARK: - World-frame helpers

extension GeomShape {
    /// Support point of the core in the world, for a world direction d (need not be unit).
    @inlinable @inline(__always)
    public func coreSupport(_ d: Vec3, _ pose: GeomPose) -> Vec3 {
        pose.apply(coreSupportLocal(pose.rot.transposeTimes(d)))
    }

    /// Support value of the whole shape along a unit world direction u: max over the shape of x·u.
    @inlinable
    public func supportValue(_ u: Vec3, _ pose: GeomPose) -> Double {
        supportValueLocal(pose.rot.transposeTimes(u)) + pose.pos.dot(u)
    }

    /// World axis-aligned bounding box, grown by `margin` on every side.
    @inlinable
    public func aabb(_ pose: GeomPose, margin: Double) -> AABB {
        if type == .plane {
            return AABB(lo: Vec3(-.infinity, -.infinity, -.infinity), hi: Vec3(.infinity, .infinity, .infinity))
        }
        let e = localHalfExtents
        let r = pose.rot
        // Extent of a rotated box along world axis i: Σ_j |R_ij| e_j (exact for boxes, tight-ish otherwise).
        let hx = abs(r.m00) * e.x + abs(r.m01) * e.y + abs(r.m02) * e.z + margin
        let hy = abs(r.m10) * e.x + abs(r.m11) * e.y + abs(r.m12) * e.z + margin
        let hz = abs(r.m20) * e.x + abs(r.m21) * e.y + abs(r.m22) * e.z + margin
        let h = Vec3(hx, hy, hz)
        return AABB(lo: pose.pos - h, hi: pose.pos + h)
    }
}

/// World axis-aligned bounding box.
public struct AABB: Sendable, Equatable {
    /// Lower and upper corners (m, world frame); ±infinity for planes.
    public var lo: Vec3
    public var hi: Vec3

    @inlinable public init(lo: Vec3, hi: Vec3) { self.lo = lo; self.hi = hi }

    /// Closed-interval overlap on all three axes.
    @inlinable
    public func overlaps(_ b: AABB) -> Bool {
        lo.x <= b.hi.x && b.lo.x <= hi.x && lo.y <= b.hi.y && b.lo.y <= hi.y && lo.z <= b.hi.z && b.lo.z <= hi.z
    }
}
