import Foundation
import Numerics
import RL

// Objects the arm manipulates, as data: a catalog file names each object's shape, size, mass,
// friction, centre-of-mass offset and fragility, in a train list and a held-out list. Meta-test
// only ever touches held-out objects.

/// Object shapes (the engine's geom types that an object may have).
public enum Shape: String, Sendable, Codable, CaseIterable, Hashable {
    case box, cylinder, sphere, capsule
}

/// One object's physical properties. Every field can be hidden from the policy.
public struct ObjectSpec: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var shape: Shape
    /// MJCF geom size (m): box half-sizes (x, y, z); sphere (r); cylinder (r, half-height),
    /// upright; capsule (r, half-length of the segment), lying along world x so that the
    /// gripper (closing along world y) squeezes it across its diameter.
    public var size: [Double]
    /// kg.
    public var mass: Double
    /// Sliding friction coefficient of the object's surface. The object geom has contact priority,
    /// so this coefficient governs its contacts with the pads and the table.
    public var friction: Double
    /// Centre of mass relative to the geometric centre, object frame (m); absent = centred.
    public var comOffset: [Double]?
    /// The squeeze (mean pad normal force, N, averaged over a control period) above which the
    /// object breaks: the episode ends as a failure.
    public var fragility: Double

    public init(name: String, shape: Shape, size: [Double], mass: Double, friction: Double,
                comOffset: [Double]? = nil, fragility: Double) {
        self.name = name; self.shape = shape; self.size = size; self.mass = mass
        self.friction = friction; self.comOffset = comOffset; self.fragility = fragility
    }

    /// Half the object's extent along world x, y and z in its resting pose (m).
    public var halfExtents: Vec3 {
        switch shape {
        case .box: Vec3(size[0], size[1], size[2])
        case .sphere: Vec3(size[0], size[0], size[0])
        case .cylinder: Vec3(size[0], size[0], size[1])
        case .capsule: Vec3(size[1] + size[0], size[0], size[0])
        }
    }

    /// The squeeze per pad at which two pads just hold the object against gravity by friction:
    /// 2·μ·F = m·g (N), with g = 9.81 m/s².
    public var holdingSqueeze: Double { mass * 9.81 / (2 * friction) }

    /// Number of size parameters each shape takes.
    static func sizeCount(_ shape: Shape) -> Int {
        switch shape { case .box: 3; case .sphere: 1; case .cylinder, .capsule: 2 }
    }

    func issues(at path: String) -> [SpecIssue] {
        var out: [SpecIssue] = []
        let n = ObjectSpec.sizeCount(shape)
        if size.count != n {
            out.append(SpecIssue(path: path + ".size", message: "a \(shape.rawValue) takes \(n) size value(s), found \(size.count): \(size)"))
        } else if let bad = size.first(where: { !($0 > 0 && $0 <= 0.2) }) {
            // 0.2 m half-size: anything larger cannot be near the gripper (0.08 m opening).
            out.append(SpecIssue(path: path + ".size", message: "sizes must be in (0, 0.2] m, found \(bad)"))
        } else if halfExtents.y > 0.037 {
            // The open gripper spans 0.08 m between pads; keep a 3 mm clearance on each side.
            out.append(SpecIssue(path: path + ".size", message: "width across the gripper (y) must be <= 0.074 m, found \(2 * halfExtents.y)"))
        }
        if !(mass > 0 && mass <= 5) {
            out.append(SpecIssue(path: path + ".mass", message: "expected a mass in (0, 5] kg, found \(mass)"))
        }
        if !(friction > 0 && friction <= 3) {
            out.append(SpecIssue(path: path + ".friction", message: "expected a friction coefficient in (0, 3], found \(friction)"))
        }
        if !(fragility > 0 && fragility.isFinite) {
            out.append(SpecIssue(path: path + ".fragility", message: "expected a positive squeeze force (N), found \(fragility)"))
        }
        if let c = comOffset {
            if c.count != 3 || !c.allSatisfy(\.isFinite) {
                out.append(SpecIssue(path: path + ".comOffset", message: "expected 3 finite numbers (m), found \(c)"))
            } else if size.count == n {
                let h = halfExtents
                if abs(c[0]) > h.x || abs(c[1]) > h.y || abs(c[2]) > h.z {
                    out.append(SpecIssue(path: path + ".comOffset", message: "centre of mass \(c) lies outside the object"))
                }
            }
        }
        return out
    }
}

/// A named set of objects with an explicit train and held-out split.
public struct ObjectCatalog: Sendable, Codable, Equatable {
    public var name: String
    public var train: [ObjectSpec]
    public var heldout: [ObjectSpec]

    public init(name: String, train: [ObjectSpec], heldout: [ObjectSpec]) {
        self.name = name; self.train = train; self.heldout = heldout
    }

    public func objects(_ split: Split) -> [ObjectSpec] { split == .train ? train : heldout }

    func issues() -> [SpecIssue] {
        var out: [SpecIssue] = []
        if train.isEmpty { out.append(SpecIssue(path: "train", message: "needs at least one object, found none")) }
        if heldout.isEmpty { out.append(SpecIssue(path: "heldout", message: "needs at least one object, found none")) }
        for (i, o) in train.enumerated() { out += o.issues(at: "train[\(i)]") }
        for (i, o) in heldout.enumerated() { out += o.issues(at: "heldout[\(i)]") }
        var seen: Set<String> = []
        for (list, objects) in [("train", train), ("heldout", heldout)] {
            for (i, o) in objects.enumerated() {
                if !seen.insert(o.name).inserted {
                    out.append(SpecIssue(path: "\(list)[\(i)].name", message: "duplicate object name '\(o.name)'"))
                }
            }
        }
        return out
    }
}
