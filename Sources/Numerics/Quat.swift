import Foundation

/// A quaternion in MuJoCo's order (w, x, y, z); unit quaternions are rotations.
///
/// `a * b` is the Hamilton product: rotating by `b` in the frame already rotated by `a`
/// (so body-frame increments multiply on the right).
@frozen
public struct Quat: Hashable, Sendable, CustomStringConvertible {
    public var w: Double
    public var x: Double
    public var y: Double
    public var z: Double

    @inlinable @inline(__always)
    public init(_ w: Double, _ x: Double, _ y: Double, _ z: Double) {
        self.w = w; self.x = x; self.y = y; self.z = z
    }

    public static let identity = Quat(1, 0, 0, 0)

    /// Rotation by `angle` radians about `axis` (normalized here).
    @inlinable
    public init(axis: Vec3, angle: Double) {
        let u = axis.normalized()
        let s = sin(0.5 * angle)
        self.init(cos(0.5 * angle), u.x * s, u.y * s, u.z * s)
    }

    @inlinable @inline(__always)
    public static func * (a: Quat, b: Quat) -> Quat {
        Quat(a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
             a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
             a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
             a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w)
    }

    @inlinable @inline(__always) public var conjugate: Quat { Quat(w, -x, -y, -z) }
    @inlinable @inline(__always) public var squaredNorm: Double { w * w + x * x + y * y + z * z }
    @inlinable @inline(__always) public var norm: Double { squaredNorm.squareRoot() }
    @inlinable @inline(__always) public var vector: Vec3 { Vec3(x, y, z) }

    /// The unit quaternion along self; identity when the norm is below 1e-15.
    @inlinable
    public func normalized() -> Quat {
        let n = norm
        if n < 1e-15 { return .identity }
        let s = 1 / n
        return Quat(w * s, x * s, y * s, z * s)
    }

    /// Rotates a vector: R(q)·v, for a unit quaternion.
    @inlinable @inline(__always)
    public func rotate(_ v: Vec3) -> Vec3 {
        // v + 2w(u×v) + 2u×(u×v), with u the vector part.
        let u = vector
        let t = 2 * u.cross(v)
        return v + w * t + u.cross(t)
    }

    /// Rotates a vector by the inverse rotation: R(q)ᵀ·v.
    @inlinable @inline(__always)
    public func inverseRotate(_ v: Vec3) -> Vec3 { conjugate.rotate(v) }

    /// The rotation matrix; its columns are the rotated frame's axes in the parent frame.
    /// Always inlined: kinematics calls it three times per body and the call was not inlined.
    @inlinable @inline(__always)
    public var matrix: Mat3 {
        let ww = w * w, xx = x * x, yy = y * y, zz = z * z
        let xy = x * y, xz = x * z, yz = y * z, wx = w * x, wy = w * y, wz = w * z
        return Mat3(ww + xx - yy - zz, 2 * (xy - wz), 2 * (xz + wy),
                    2 * (xy + wz), ww - xx + yy - zz, 2 * (yz - wx),
                    2 * (xz - wy), 2 * (yz + wx), ww - xx - yy + zz)
    }

    @inlinable public var isFinite: Bool { w.isFinite && x.isFinite && y.isFinite && z.isFinite }
    @inlinable public var array: [Double] { [w, x, y, z] }

    public var description: String { "(\(w), \(x), \(y), \(z))" }
}

