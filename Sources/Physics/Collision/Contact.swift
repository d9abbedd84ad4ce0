import Numerics

// Contacts as the collision stage produces them and constraint assembly consumes them.
//
// Conventions are MuJoCo's: the normal points from geom1 to geom2, `dist` is the signed distance
// between the two surfaces along it (negative = penetration), and `pos` lies midway between the
// surfaces, so geom1's surface point is pos − ½·dist·normal and geom2's is pos + ½·dist·normal.

// MARK: - Mixed contact parameters

/// The per-contact parameters obtained by mixing the two geoms' (see `mixContactParameters`).
public struct ContactParameters: Sendable, Equatable {
    /// (slide, slide, spin, roll, roll) friction coefficients, MuJoCo's 5-vector.
    public var friction: InlineArray<5, Double>
    /// Contact dimensionality: 1 frictionless, 3 sliding friction, 4 + torsional, 6 + rolling.
    public var condim: Int
    /// (time constant s, damping ratio), or (−stiffness, −damping) in direct form.
    public var solref: (Double, Double)
    /// (dmin, dmax, width m, midpoint, power).
    public var solimp: InlineArray<5, Double>
    /// Contacts exist while dist <= margin (m); the first `gap` of the margin is inactive.
    public var margin: Double
    public var gap: Double

    /// MuJoCo's geom defaults: friction (1, 1, 0.005, 0.0001, 0.0001), condim 3,
    /// solref (0.02, 1), solimp (0.9, 0.95, 0.001, 0.5, 2), margin = gap = 0.
    public init() {
        friction = [1, 1, 0.005, 0.0001, 0.0001]
        condim = 3
        solref = (0.02, 1)
        solimp = [0.9, 0.95, 0.001, 0.5, 2]
        margin = 0
        gap = 0
    }

    /// The distance below which the contact constraint is active: margin − gap (MuJoCo's
    /// `includemargin`, the `margin` of the contact's constraint rows).
    public var includeMargin: Double { margin - gap }

    public static func == (a: ContactParameters, b: ContactParameters) -> Bool {
        for i in 0..<5 where a.friction[i] != b.friction[i] || a.solimp[i] != b.solimp[i] { return false }
        return a.condim == b.condim && a.solref == b.solref && a.margin == b.margin && a.gap == b.gap
    }
}

// MARK: - Contact

/// One contact point between two geoms, in world coordinates.
public struct Contact: Sendable {
    /// Midpoint between the two surfaces (m, world frame).
    public var pos: Vec3
    /// Unit normal from geom1 to geom2 (world frame).
    public var normal: Vec3
    /// Signed surface distance along `normal` (m); negative = penetration depth.
    public var dist: Double
    /// Geom indices; geom1 has the lower (or equal) geom type, as in MuJoCo.
    public var geom1: Int
    public var geom2: Int
    /// Preferred first tangent direction (need not be unit or orthogonal; zero = none): the
    /// capsule axis for plane–capsule contacts, as MuJoCo sets it.
    public var tangentHint: Vec3
    /// Mixed parameters, filled by the pipeline (`mixContactParameters`).
    public var parameters: ContactParameters

    public init(pos: Vec3, normal: Vec3, dist: Double, geom1: Int, geom2: Int, tangentHint: Vec3 = .zero,
                parameters: ContactParameters = ContactParameters()) {
        self.pos = pos; self.normal = normal; self.dist = dist
        self.geom1 = geom1; self.geom2 = geom2; self.tangentHint = tangentHint; self.parameters = parameters
    }

    /// Two unit tangents completing the normal to a right-handed frame (normal, t1, t2), as
    /// MuJoCo builds the contact frame (world frame).
    @inlinable
    public var tangents: (Vec3, Vec3) { contactTangents(normal, hint: tangentHint) }
}

/// Two unit tangents (t1, t2) with (n, t1, t2) right-handed, for a unit normal n: MuJoCo's
/// contact frame (mju_makeFrame), so pyramid edges point the same way as MuJoCo's. t1 is
/// (0, 1, 0), or (0, 0, 1) when |n.y| ≥ ½, made orthogonal to n; t2 = n × t1.
/// A `hint` of norm ≥ ½ (MuJoCo's test) replaces that default before orthogonalization.
@inlinable
public func contactTangents(_ n: Vec3, hint: Vec3 = .zero) -> (Vec3, Vec3) {
    // |n.y| < ½ keeps (0, 1, 0) at least 30° away from n, so the projection never degenerates.
    let y: Vec3 = hint.squaredNorm >= 0.25 ? hint : (abs(n.y) < 0.5 ? .unitY : .unitZ)
    var t1 = y - n.dot(y) * n
    let len = t1.norm
    if len < 1e-12 {
        // A hint along the normal (a capsule standing on a plane): fall back to the default axis.
        let d: Vec3 = abs(n.y) < 0.5 ? .unitY : .unitZ
        t1 = (d - n.dot(d) * n).normalized()
    } else {
        t1 = t1 / len
    }
    return (t1, n.cross(t1))
}

// MARK: - Manifold of one pair

/// One point of a pair's contact manifold: position, normal (geom1 → geom2), signed distance,
/// and an optional first-tangent hint (see `Contact.tangentHint`).
public struct ContactPoint: Sendable {
    public var pos: Vec3
    public var normal: Vec3
    public var dist: Double
    public var tangentHint: Vec3

    @inlinable
    public init(pos: Vec3, normal: Vec3, dist: Double, tangentHint: Vec3 = .zero) {
        self.pos = pos; self.normal = normal; self.dist = dist; self.tangentHint = tangentHint
    }
}

/// Up to `capacity` contact points between two shapes; stored inline, never allocates.
public struct ContactManifold: Sendable {
    /// At most 8 points per pair: a box face clipped against another box face has ≤ 8 corners.
    public static let capacity = 8
    @usableFromInline var points = InlineArray<8, ContactPoint>(repeating: ContactPoint(pos: .zero, normal: .unitZ, dist: 0))
    public private(set) var count = 0

    public init() {}

    @inlinable public var isEmpty: Bool { count == 0 }

    public subscript(i: Int) -> ContactPoint {
        precondition(i >= 0 && i < count, "manifold index out of range")
        return points.span[i]
    }

    /// Adds a point; beyond capacity the point is dropped (callers reduce before that).
    public mutating func add(pos: Vec3, normal: Vec3, dist: Double, tangentHint: Vec3 = .zero) {
        guard count < ContactManifold.capacity else { return }
        points[count] = ContactPoint(pos: pos, normal: normal, dist: dist, tangentHint: tangentHint)
        count += 1
    }

    /// Adds the contact between surface point `p1` of geom1 and `p2` of geom2 along `normal`:
    /// dist = (p2 − p1)·normal, pos = their midpoint.
    public mutating func add(surface1 p1: Vec3, surface2 p2: Vec3, normal: Vec3) {
        add(pos: 0.5 * (p1 + p2), normal: normal, dist: (p2 - p1).dot(normal))
    }

    /// Overwrites point i.
    public mutating func replace(_ i: Int, with p: ContactPoint) {
        precondition(i >= 0 && i < count, "manifold index out of range")
        points[i] = p
    }

    /// Empties the manifold, keeping its storage: points past `count` are never read, so a reused
    /// manifold behaves as a fresh one without re-initializing its 8 slots.
    public mutating func removeAll() { count = 0 }

    /// The same contacts seen from the other geom: normals negated, points and distances kept.
    public mutating func flip(from start: Int = 0) {
        for i in start..<count { points[i].normal = -points[i].normal }
    }

    /// The points as an array (allocates: for tests and tools, not the step loop).
    public var array: [ContactPoint] { (0..<count).map { points[$0] } }
}

// MARK: - Contact buffer

/// The step's contacts: a fixed-capacity buffer allocated once (with `Data`), reused every step.
/// Appending past capacity drops the contact and sets `overflowed`, never allocates.
public struct ContactBuffer: Sendable {
    /// Maximum number of contacts kept per step.
    public let capacity: Int
    @usableFromInline var storage: [Contact]
    public private(set) var count = 0
    /// Set when a contact was dropped because the buffer was full (cleared by `removeAll`).
    public private(set) var overflowed = false

    /// A buffer holding up to `capacity` contacts, allocated here once.
    public init(capacity: Int) {
        precondition(capacity >= 0, "capacity must be non-negative")
        self.capacity = capacity
        storage = [Contact](repeating: Contact(pos: .zero, normal: .unitZ, dist: 0, geom1: -1, geom2: -1),
                            count: capacity)
    }

    public subscript(i: Int) -> Contact {
        get { precondition(i >= 0 && i < count, "contact index out of range"); return storage[i] }
        set { precondition(i >= 0 && i < count, "contact index out of range"); storage[i] = newValue }
    }

    /// Empties the buffer (keeps its storage) and clears `overflowed`.
    public mutating func removeAll() { count = 0; overflowed = false }

    /// Appends a contact, or drops it and sets `overflowed` when full.
    public mutating func append(_ c: Contact) {
        guard count < capacity else { overflowed = true; return }
        storage[count] = c
        count += 1
    }

    /// The contacts as an array (allocates: for tests and tools, not the step loop).
    public var array: [Contact] { Array(storage[0..<count]) }
}
