/// A 3-vector of Doubles: positions (m), velocities, axes, forces.
///
/// A plain struct rather than `SIMD3<Double>`: its operations compile to straight-line scalar code
/// whose evaluation order we control, which keeps trajectories bit-reproducible.
@frozen
public struct Vec3: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var z: Double

    @inlinable @inline(__always)
    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x; self.y = y; self.z = z
    }

    public static let zero = Vec3(0, 0, 0)
    public static let unitX = Vec3(1, 0, 0)
    public static let unitY = Vec3(0, 1, 0)
    public static let unitZ = Vec3(0, 0, 1)

    @inlinable
    public subscript(i: Int) -> Double {
        get {
            switch i {
            case 0: return x
            case 1: return y
            default: precondition(i == 2, "Vec3 index out of range"); return z
            }
        }
        set {
            switch i {
            case 0: x = newValue
            case 1: y = newValue
            default: precondition(i == 2, "Vec3 index out of range"); z = newValue
            }
        }
    }

    @inlinable @inline(__always) public static func + (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x + b.x, a.y + b.y, a.z + b.z) }
    @inlinable @inline(__always) public static func - (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x - b.x, a.y - b.y, a.z - b.z) }
    @inlinable @inline(__always) public static prefix func - (a: Vec3) -> Vec3 { Vec3(-a.x, -a.y, -a.z) }
    @inlinable @inline(__always) public static func * (s: Double, a: Vec3) -> Vec3 { Vec3(s * a.x, s * a.y, s * a.z) }
    @inlinable @inline(__always) public static func * (a: Vec3, s: Double) -> Vec3 { Vec3(a.x * s, a.y * s, a.z * s) }
    @inlinable @inline(__always) public static func / (a: Vec3, s: Double) -> Vec3 { Vec3(a.x / s, a.y / s, a.z / s) }
    @inlinable @inline(__always) public static func += (a: inout Vec3, b: Vec3) { a = a + b }
    @inlinable @inline(__always) public static func -= (a: inout Vec3, b: Vec3) { a = a - b }
    @inlinable @inline(__always) public static func *= (a: inout Vec3, s: Double) { a = a * s }

    /// Component-wise product.
    @inlinable @inline(__always) public func scaled(by b: Vec3) -> Vec3 { Vec3(x * b.x, y * b.y, z * b.z) }

    @inlinable @inline(__always) public func dot(_ b: Vec3) -> Double { x * b.x + y * b.y + z * b.z }
    @inlinable @inline(__always) public func cross(_ b: Vec3) -> Vec3 {
        Vec3(y * b.z - z * b.y, z * b.x - x * b.z, x * b.y - y * b.x)
    }
    @inlinable @inline(__always) public var squaredNorm: Double { x * x + y * y + z * z }
    @inlinable @inline(__always) public var norm: Double { squaredNorm.squareRoot() }

    /// The unit vector along self; `fallback` when the norm is below `epsilon`.
    @inlinable
    public func normalized(epsilon: Double = 1e-15, fallback: Vec3 = .unitX) -> Vec3 {
        let n = norm
        return n < epsilon ? fallback : self / n
    }

    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
    @inlinable public var array: [Double] { [x, y, z] }

    public var description: String { "(\(x), \(y), \(z))" }
}

/// JSON form: `[x, y, z]`.
extension Vec3: Codable {
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(try c.decode(Double.self), try c.decode(Double.self), try c.decode(Double.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x); try c.encode(y); try c.encode(z)
    }
}
