import Foundation
import Numerics

/// A scalar random variable of a task spec. JSON forms (one key each, so a spec reads as data):
/// a bare number (constant), `{"uniform": [low, high]}`, `{"log-uniform": [low, high]}` (uniform in
/// log space; low > 0) and `{"choice": [v1, v2, ...]}` (each value equally likely).
public enum Distribution: Sendable, Equatable, Hashable {
    case constant(Double)
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case choice([Double])

    /// One draw. Every kind consumes exactly one uniform number (constants too), so adding or
    /// changing one variable never shifts the draws of the variables after it.
    @inlinable
    public func sample(_ rng: inout RandomSource) -> Double {
        let u = rng.uniform()
        switch self {
        case .constant(let v): return v
        case .uniform(let lo, let hi): return lo + (hi - lo) * u
        case .logUniform(let lo, let hi): return lo * pow(hi / lo, u)
        case .choice(let values): return values[min(values.count - 1, Int(u * Double(values.count)))]
        }
    }

    /// The smallest and largest value a draw can take.
    public var bounds: (low: Double, high: Double) {
        switch self {
        case .constant(let v): (v, v)
        case .uniform(let lo, let hi), .logUniform(let lo, let hi): (lo, hi)
        case .choice(let values): (values.min() ?? 0, values.max() ?? 0)
        }
    }

    /// Problems with the parameters themselves (empty when well formed).
    func issues(at path: String) -> [SpecIssue] {
        switch self {
        case .constant(let v):
            return v.isFinite ? [] : [SpecIssue(path: path, message: "expected a finite number, found \(v)")]
        case .uniform(let lo, let hi):
            if !(lo.isFinite && hi.isFinite) || lo > hi {
                return [SpecIssue(path: path, message: "uniform needs finite low <= high, found [\(lo), \(hi)]")]
            }
        case .logUniform(let lo, let hi):
            if !(lo.isFinite && hi.isFinite) || lo <= 0 || lo > hi {
                return [SpecIssue(path: path, message: "log-uniform needs 0 < low <= high, found [\(lo), \(hi)]")]
            }
        case .choice(let values):
            if values.isEmpty || !values.allSatisfy(\.isFinite) {
                return [SpecIssue(path: path, message: "choice needs at least one finite value, found \(values)")]
            }
        }
        return []
    }
}

extension Distribution: Codable {
    private enum Key: String, CodingKey {
        case uniform, logUniform = "log-uniform", choice
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let v = try? single.decode(Double.self) {
            self = .constant(v)
            return
        }
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "expected a number or one of {\"uniform\": [lo, hi]}, {\"log-uniform\": [lo, hi]}, {\"choice\": [...]}"))
        }
        let values = try c.decode([Double].self, forKey: key)
        switch key {
        case .uniform, .logUniform:
            guard values.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                    "\(key.rawValue) needs [low, high], found \(values.count) value(s)")
            }
            self = key == .uniform ? .uniform(values[0], values[1]) : .logUniform(values[0], values[1])
        case .choice:
            self = .choice(values)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .constant(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .uniform(let lo, let hi):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode([lo, hi], forKey: .uniform)
        case .logUniform(let lo, let hi):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode([lo, hi], forKey: .logUniform)
        case .choice(let values):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(values, forKey: .choice)
        }
    }
}

/// A point in the world frame whose coordinates are independent distributions (m).
public struct Region: Sendable, Codable, Equatable, Hashable {
    public var x: Distribution
    public var y: Distribution
    public var z: Distribution

    public init(x: Distribution, y: Distribution, z: Distribution) { self.x = x; self.y = y; self.z = z }

    public func sample(_ rng: inout RandomSource) -> Vec3 {
        let px = x.sample(&rng), py = y.sample(&rng), pz = z.sample(&rng)
        return Vec3(px, py, pz)
    }

    func issues(at path: String) -> [SpecIssue] {
        x.issues(at: path + ".x") + y.issues(at: path + ".y") + z.issues(at: path + ".z")
    }
}
