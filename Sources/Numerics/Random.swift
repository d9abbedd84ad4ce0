import Foundation

/// Seeded, splittable pseudo-random numbers: xoshiro256++ seeded through SplitMix64.
///
/// There is no global generator in MetaRL. A run has one seed; every environment, task and worker
/// derives its own stream with `split()`, so results do not depend on scheduling or thread count.
public struct RandomSource: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// A generator whose whole state is derived from `seed` by SplitMix64 (never all zero).
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomSource.splitMix(&sm)
        s1 = RandomSource.splitMix(&sm)
        s2 = RandomSource.splitMix(&sm)
        s3 = RandomSource.splitMix(&sm)
    }

    @inlinable
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s0 &+ s3, 23) &+ s0
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always)
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A new, statistically independent stream; advances this one by one draw.
    public mutating func split() -> RandomSource {
        RandomSource(seed: next() ^ 0x6A09_E667_F3BC_C909)
    }

    /// The `index`-th child stream of this generator, without advancing it: stream i of a seed is
    /// the same whichever worker asks for it and in whatever order.
    public func stream(_ index: Int) -> RandomSource {
        var sm = s0 ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15) ^ s2
        return RandomSource(seed: RandomSource.splitMix(&sm) ^ s1)
    }

    /// Uniform in [0, 1), 53 random bits.
    @inlinable
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    @inlinable
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Standard normal by Box–Muller (one value per call; deterministic, no cached spare).
    public mutating func normal() -> Double {
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u1 = 1 - uniform()
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Advances the stream exactly as `count` calls of `normal()` would, without computing them
    /// (a rank of a distributed run passing over the noise of other ranks' rows).
    @inlinable
    public mutating func skipNormals(_ count: Int) {
        for _ in 0..<(2 * count) { _ = next() }
    }
}

