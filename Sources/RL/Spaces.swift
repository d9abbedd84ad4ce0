/// A box of real vectors: each coordinate between `low` and `high`, with a name for humans.
public struct BoxSpace: Sendable, Codable, Equatable {
    public let low: [Double]
    public let high: [Double]
    public let names: [String]

    public init(low: [Double], high: [Double], names: [String]? = nil) {
        precondition(low.count == high.count, "BoxSpace: low and high differ in length")
        precondition(zip(low, high).allSatisfy { $0 <= $1 }, "BoxSpace: low must not exceed high")
        self.low = low
        self.high = high
        self.names = names ?? low.indices.map { "a\($0)" }
        precondition(self.names.count == low.count, "BoxSpace: one name per coordinate")
    }

    /// The cube [−bound, bound]^size.
    public init(size: Int, bound: Double, names: [String]? = nil) {
        self.init(low: Array(repeating: -bound, count: size), high: Array(repeating: bound, count: size), names: names)
    }

    public var size: Int { low.count }

    /// Clamps `x` into the box, coordinate by coordinate (NaN becomes the midpoint, so a broken
    /// policy output can never reach the simulator).
    @inlinable
    public func clip(_ x: Double, _ i: Int) -> Double {
        if x.isNaN { return 0.5 * (low[i] + high[i]) }
        return min(max(x, low[i]), high[i])
    }
}

/// What a policy can know about an environment: observation layout, action space, horizon and
/// control period. Never contains task parameters.
public struct EnvironmentSpec: Sendable, Codable, Equatable {
    /// The family name, e.g. "reach" or "point-navigation".
    public var name: String
    /// One name per observation coordinate; the observation size is their count.
    public var observationNames: [String]
    public var action: BoxSpace
    /// Maximum steps per episode.
    public var horizon: Int
    /// Simulated seconds per environment step (0 for environments without physics).
    public var controlPeriod: Double

    public init(name: String, observationNames: [String], action: BoxSpace, horizon: Int, controlPeriod: Double) {
        self.name = name; self.observationNames = observationNames; self.action = action
        self.horizon = horizon; self.controlPeriod = controlPeriod
    }

    public var observationSize: Int { observationNames.count }
    public var actionSize: Int { action.size }
}
