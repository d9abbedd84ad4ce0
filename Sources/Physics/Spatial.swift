import Numerics

// Spatial (6-D) algebra in MuJoCo's COM-based convention: every spatial quantity of a body is
// expressed in world orientation about one reference point per kinematic tree, the centre of mass
// of that tree's subtree (`Data.subtreeCom[root]`). A motion vector is (angular, linear velocity
// of the material point at the reference point); a force vector is (torque about the reference
// point, force). Using one point per tree keeps the lever arms short (better conditioning than the
// world origin for a body far away) and makes parent/child quantities addable without transforms.

/// A spatial motion (angular; linear at the tree's reference point) or force (torque; force) vector.
@frozen
public struct SpatialVector: Sendable, Hashable {
    public var angular: Vec3
    public var linear: Vec3

    @inlinable @inline(__always)
    public init(angular: Vec3, linear: Vec3) { self.angular = angular; self.linear = linear }

    public static let zero = SpatialVector(angular: .zero, linear: .zero)

    @inlinable @inline(__always)
    public static func + (a: SpatialVector, b: SpatialVector) -> SpatialVector {
        SpatialVector(angular: a.angular + b.angular, linear: a.linear + b.linear)
    }
    @inlinable @inline(__always)
    public static func * (s: Double, a: SpatialVector) -> SpatialVector {
        SpatialVector(angular: s * a.angular, linear: s * a.linear)
    }
    @inlinable @inline(__always)
    public static func += (a: inout SpatialVector, b: SpatialVector) { a = a + b }

    /// The pairing of a motion with a force (power): ω·τ + v·f.
    @inlinable @inline(__always)
    public func dot(_ f: SpatialVector) -> Double { angular.dot(f.angular) + linear.dot(f.linear) }

    /// Motion cross product self ×ₘ m: the rate of change of a motion vector `m` fixed in a frame
    /// moving with velocity self.
    @inlinable @inline(__always)
    public func crossMotion(_ m: SpatialVector) -> SpatialVector {
        SpatialVector(angular: angular.cross(m.angular),
                      linear: angular.cross(m.linear) + linear.cross(m.angular))
    }

    /// Force cross product self ×* f: the rate of change of a force vector `f` fixed in a frame
    /// moving with velocity self.
    @inlinable @inline(__always)
    public func crossForce(_ f: SpatialVector) -> SpatialVector {
        SpatialVector(angular: angular.cross(f.angular) + linear.cross(f.linear),
                      linear: angular.cross(f.linear))
    }
}

/// Rigid-body inertia about the tree's reference point, world orientation: rotational inertia
/// `I` about the point (kg·m²), first moment `h = m·(com − point)` (kg·m) and mass `m` (kg).
/// Composite (summed) inertias have the same form.
@frozen
public struct SpatialInertia: Sendable, Hashable {
    public var I: Mat3
    public var h: Vec3
    public var m: Double

    @inlinable @inline(__always)
    public init(I: Mat3, h: Vec3, m: Double) { self.I = I; self.h = h; self.m = m }

    public static let zero = SpatialInertia(I: .zero, h: .zero, m: 0)

    /// A body of mass `m` with principal inertia `diag(inertia)` in the frame `rot` (world), centre
    /// of mass at `offset` = com − reference point: parallel-axis theorem to the point.
    @inlinable
    public init(mass: Double, inertia: Vec3, rot: Mat3, offset c: Vec3) {
        // R·diag(i)·Rᵀ, written out so it stays symmetric to the last bit.
        let r = rot
        func e(_ a: Int, _ b: Int) -> Double {
            r[a, 0] * inertia.x * r[b, 0] + r[a, 1] * inertia.y * r[b, 1] + r[a, 2] * inertia.z * r[b, 2]
        }
        let xx = e(0, 0), yy = e(1, 1), zz = e(2, 2), xy = e(0, 1), xz = e(0, 2), yz = e(1, 2)
        // + m(|c|²𝟙 − c cᵀ)
        let cx = c.x, cy = c.y, cz = c.z
        I = Mat3(xx + mass * (cy * cy + cz * cz), xy - mass * cx * cy, xz - mass * cx * cz,
                 xy - mass * cx * cy, yy + mass * (cx * cx + cz * cz), yz - mass * cy * cz,
                 xz - mass * cx * cz, yz - mass * cy * cz, zz + mass * (cx * cx + cy * cy))
        h = mass * c
        m = mass
    }

    @inlinable @inline(__always)
    public static func + (a: SpatialInertia, b: SpatialInertia) -> SpatialInertia {
        SpatialInertia(I: a.I + b.I, h: a.h + b.h, m: a.m + b.m)
    }
    @inlinable @inline(__always)
    public static func += (a: inout SpatialInertia, b: SpatialInertia) { a = a + b }

    /// The momentum (force vector) of a body moving with spatial velocity `v`:
    /// (I·ω + h×v₀, m·v₀ − h×ω).
    @inlinable @inline(__always)
    public static func * (a: SpatialInertia, v: SpatialVector) -> SpatialVector {
        SpatialVector(angular: a.I * v.angular + a.h.cross(v.linear),
                      linear: a.m * v.linear - a.h.cross(v.angular))
    }
}

/// A world-frame force and torque applied at a body's centre of mass (`Data.xfrcApplied`).
@frozen
public struct Wrench: Sendable, Hashable {
    /// Force (N), world frame.
    public var force: Vec3
    /// Torque (N·m), world frame.
    public var torque: Vec3

    @inlinable
    public init(force: Vec3 = .zero, torque: Vec3 = .zero) { self.force = force; self.torque = torque }

    public static let zero = Wrench()
}
