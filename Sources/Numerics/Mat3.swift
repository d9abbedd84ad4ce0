/// A 3×3 matrix of Doubles, row-major: inertia tensors, rotations.
@frozen
public struct Mat3: Hashable, Sendable, CustomStringConvertible {
    public var m00, m01, m02: Double
    public var m10, m11, m12: Double
    public var m20, m21, m22: Double

    @inlinable @inline(__always)
    public init(_ m00: Double, _ m01: Double, _ m02: Double,
                _ m10: Double, _ m11: Double, _ m12: Double,
                _ m20: Double, _ m21: Double, _ m22: Double) {
        self.m00 = m00; self.m01 = m01; self.m02 = m02
        self.m10 = m10; self.m11 = m11; self.m12 = m12
        self.m20 = m20; self.m21 = m21; self.m22 = m22
    }

    /// A matrix whose columns are `c0`, `c1`, `c2`.
    @inlinable
    public init(columns c0: Vec3, _ c1: Vec3, _ c2: Vec3) {
        self.init(c0.x, c1.x, c2.x, c0.y, c1.y, c2.y, c0.z, c1.z, c2.z)
    }

    @inlinable
    public static func diagonal(_ d: Vec3) -> Mat3 { Mat3(d.x, 0, 0, 0, d.y, 0, 0, 0, d.z) }

    public static let identity = Mat3(1, 0, 0, 0, 1, 0, 0, 0, 1)
    public static let zero = Mat3(0, 0, 0, 0, 0, 0, 0, 0, 0)

    @inlinable public var row0: Vec3 { Vec3(m00, m01, m02) }
    @inlinable public var row1: Vec3 { Vec3(m10, m11, m12) }
    @inlinable public var row2: Vec3 { Vec3(m20, m21, m22) }
    @inlinable public var column0: Vec3 { Vec3(m00, m10, m20) }
    @inlinable public var column1: Vec3 { Vec3(m01, m11, m21) }
    @inlinable public var column2: Vec3 { Vec3(m02, m12, m22) }

    @inlinable public subscript(row: Int, column: Int) -> Double {
        get {
            switch (row, column) {
            case (0, 0): return m00
            case (0, 1): return m01
            case (0, 2): return m02
            case (1, 0): return m10
            case (1, 1): return m11
            case (1, 2): return m12
            case (2, 0): return m20
            case (2, 1): return m21
            default: precondition(row == 2 && column == 2, "Mat3 index out of range"); return m22
            }
        }
        set {
            switch (row, column) {
            case (0, 0): m00 = newValue
            case (0, 1): m01 = newValue
            case (0, 2): m02 = newValue
            case (1, 0): m10 = newValue
            case (1, 1): m11 = newValue
            case (1, 2): m12 = newValue
            case (2, 0): m20 = newValue
            case (2, 1): m21 = newValue
            default: precondition(row == 2 && column == 2, "Mat3 index out of range"); m22 = newValue
            }
        }
    }

    @inlinable public var transposed: Mat3 { Mat3(m00, m10, m20, m01, m11, m21, m02, m12, m22) }
    @inlinable public var trace: Double { m00 + m11 + m22 }

    @inlinable @inline(__always)
    public static func * (a: Mat3, v: Vec3) -> Vec3 {
        Vec3(a.m00 * v.x + a.m01 * v.y + a.m02 * v.z,
             a.m10 * v.x + a.m11 * v.y + a.m12 * v.z,
             a.m20 * v.x + a.m21 * v.y + a.m22 * v.z)
    }

    @inlinable
    public static func * (a: Mat3, b: Mat3) -> Mat3 {
        Mat3(columns: a * b.column0, a * b.column1, a * b.column2)
    }

    @inlinable public static func + (a: Mat3, b: Mat3) -> Mat3 {
        Mat3(a.m00 + b.m00, a.m01 + b.m01, a.m02 + b.m02,
             a.m10 + b.m10, a.m11 + b.m11, a.m12 + b.m12,
             a.m20 + b.m20, a.m21 + b.m21, a.m22 + b.m22)
    }
    @inlinable public static func - (a: Mat3, b: Mat3) -> Mat3 { a + (-1) * b }
    @inlinable public static func * (s: Double, a: Mat3) -> Mat3 {
        Mat3(s * a.m00, s * a.m01, s * a.m02, s * a.m10, s * a.m11, s * a.m12, s * a.m20, s * a.m21, s * a.m22)
    }

    /// Rᵀ·v, the product with the transpose.
    @inlinable @inline(__always)
    public func transposeTimes(_ v: Vec3) -> Vec3 {
        Vec3(m00 * v.x + m10 * v.y + m20 * v.z,
             m01 * v.x + m11 * v.y + m21 * v.z,
             m02 * v.x + m12 * v.y + m22 * v.z)
    }

    /// The skew-symmetric matrix [v]× with [v]×·u = v × u.
    @inlinable
    public static func cross(_ v: Vec3) -> Mat3 { Mat3(0, -v.z, v.y, v.z, 0, -v.x, -v.y, v.x, 0) }

    public var description: String { "[\(row0), \(row1), \(row2)]" }
}
