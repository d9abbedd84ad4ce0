import Foundation

// Aggregate scores over tasks × runs the way rliable (Agarwal et al. 2021, "Deep Reinforcement
// Learning at the Edge of the Statistical Precipice") reports them: the mean and the interquartile
// mean (IQM), each with a stratified-bootstrap percentile confidence interval.
//
// Reports knows only plain numbers: scores come in as `[[Double]]`, indexed scores[task][run].
//
// Input errors. Empty inputs and out-of-range parameters are programmer errors and stop with a
// precondition failure. NaN is never silently dropped or reordered: it propagates, so a NaN score
// makes the mean, the IQM and both confidence bounds NaN, and a `Summary` holding NaN fails to
// encode with `JSONEncoder`'s default strategy (a diverged run cannot slip into a report as a
// plausible number). ±∞ are ordinary, ordered values (their mean follows IEEE 754: +∞ and −∞
// together give NaN).

// MARK: - Point estimates

/// The arithmetic mean, (1/n) Σᵢ xᵢ, summed in index order 0, 1, …, n−1.
///
/// Computed as x₀ + (1/n) Σᵢ (xᵢ − x₀). The order is fixed, so the result is bit-identical across
/// runs and platforms; it agrees with `numpy.mean` (which sums pairwise) to rounding.
///
/// - Precondition: `xs` is not empty.
public func mean(_ xs: [Double]) -> Double {
    precondition(!xs.isEmpty, "mean of an empty array")
    // Shifting by the first value makes constant data come back exactly (the deviations sum to 0)
    // and removes the cancellation error of scores like 1000 ± 1. A non-finite first value is not
    // a usable shift (∞ − ∞ would be NaN), so then the plain sum is used.
    let shift = xs[0].isFinite ? xs[0] : 0
    var sum = 0.0
    // An indexed loop, not for-in: the bootstrap calls this B times, and in debug builds for-in
    // goes through unspecialized iterators (measured ~6x slower).
    var i = 0
    while i < xs.count {
        sum += xs[i] - shift
        i += 1
    }
    return shift + sum / Double(xs.count)
}

/// The interquartile mean (IQM): the mean of the sorted scores with the lowest and highest
/// ⌊n/4⌋ removed, exactly as rliable's `aggregate_iqm`, which is
/// `scipy.stats.trim_mean(scores, proportiontocut=0.25, axis=None)`.
///
/// With x₍₁₎ ≤ … ≤ x₍ₙ₎ the sorted scores and k = ⌊0.25·n⌋:
///
///     IQM = 1/(n − 2k) · Σ_{i=k+1}^{n−k} x₍ᵢ₎
///
/// There is no fractional weighting of the boundary scores: scipy cuts the integer
/// `int(0.25 * n)` from each end. So for n divisible by 4 this is exactly the middle 50%; for
/// other n slightly more than half the scores are kept (n = 5: the middle 3, n = 10: the middle
/// 6), and for n ≤ 3 nothing is cut and the IQM is the mean. rliable applies it to all runs of all
/// tasks pooled, which is how `summarize` uses it.
///
/// - Returns: NaN if any score is NaN.
/// - Precondition: `xs` is not empty.
public func interquartileMean(_ xs: [Double]) -> Double {
    precondition(!xs.isEmpty, "interquartile mean of an empty array")
    // Sorting with `<` puts NaN at an unspecified place, so the trimmed slice would be arbitrary.
    if xs.contains(where: \.isNaN) { return .nan }
    let sorted = xs.sorted()
    // Integer division is scipy's int(0.25 * n): both round toward zero for n ≥ 0.
    let cut = sorted.count / 4
    return mean(Array(sorted[cut..<(sorted.count - cut)]))
}

/// The p-quantile by linear interpolation between order statistics, `numpy.percentile`'s default
/// (`method="linear"`, Hyndman–Fan type 7), which is what rliable's percentile intervals use.
///
/// With x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎ the sorted values, h = p·(n − 1), j = ⌊h⌋ and t = h − j:
///
///     Q(p) = x₍ⱼ₎ + t·(x₍ⱼ₊₁₎ − x₍ⱼ₎)
///
/// - Returns: NaN if any value is NaN.
/// - Precondition: `xs` is not empty and 0 ≤ p ≤ 1.
public func quantile(_ xs: [Double], _ p: Double) -> Double {
    precondition(!xs.isEmpty, "quantile of an empty array")
    precondition(p >= 0 && p <= 1, "quantile level \(p) is outside [0, 1]")
    if xs.contains(where: \.isNaN) { return .nan }
    return quantile(sorted: xs.sorted(), p)
}

/// `quantile` of values already sorted ascending, NaN-free.
func quantile(sorted xs: [Double], _ p: Double) -> Double {
    let h = p * Double(xs.count - 1)
    let j = min(Int(h.rounded(.down)), xs.count - 1)
    let t = h - Double(j)
    let a = xs[j], b = xs[min(j + 1, xs.count - 1)]
    // numpy's _lerp: stepping from the nearer neighbour keeps the result inside [a, b] (a + (b−a)·t
    // alone can overshoot b by an ulp for t near 1) and agrees with numpy bit for bit.
    return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t)
}

// MARK: - Seeded random numbers

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit-state generator whose output stream is fixed
/// by its seed, so a bootstrap with a given seed is bit-identical on every run and platform.
///
/// Written here rather than taken from Numerics so that Reports depends on Foundation only.
/// Its statistical quality (it passes BigCrush) is ample for drawing resampling indices.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// A generator whose stream is determined by `seed` alone (any value, zero included).
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits, so every value is a multiple of 2⁻⁵³.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in 0..<n, exactly unbiased (Lemire 2019, "Fast Random Integer Generation
    /// in an Interval").
    ///
    /// Spelled out here, rather than `Int.random(in:using:)`, because the standard library does
    /// not promise which draws its algorithm consumes; this one is fixed, so resamples are too.
    ///
    /// - Precondition: n ≥ 1.
    public mutating func index(below n: Int) -> Int {
        precondition(n >= 1, "index(below:) needs n ≥ 1, got \(n)")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            // Reject the 2⁶⁴ mod n low products that would favour small indices.
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }
}

// MARK: - Stratified bootstrap

/// A confidence interval for `statistic` of all scores pooled, by rliable's `StratifiedBootstrap`
/// with percentile intervals (`get_interval_estimates(..., method="percentile")`).
///
/// `scores[task][run]`: tasks are strata, runs (e.g. seeds) are the resampled units. Each of the
/// B = `resamples` replicates draws, for every task t independently, nₜ runs with replacement from
/// that task's nₜ runs; the replicates of all tasks are concatenated (task 0's first) and
/// `statistic` is applied to the flat array, giving θ*₁ … θ*_B. With α = 1 − `confidence`,
///
///     CI = [Q(α/2), Q(1 − α/2)]   over θ*₁ … θ*_B   (Q as in `quantile`)
///
/// This is the interval for re-running the experiment with new seeds on the same tasks (rliable's
/// default `task_bootstrap=False`). Tasks may have different numbers of runs (rliable needs a
/// rectangular matrix; the definition carries over unchanged); a task with one run contributes its
/// single value to every replicate.
///
/// The draws are fixed by `seed`: replicate by replicate, task by task, run slot by run slot, one
/// `SplitMix64.index(below: nₜ)` each. Same seed, same interval, bit for bit. (rliable draws from
/// NumPy's generator, so the two agree in distribution, not in digits.)
///
/// - Parameters:
///   - confidence: the interval's nominal coverage, 1 − α.
///   - resamples: B. The default 2000 puts the Monte Carlo error of the 2.5% and 97.5% quantiles
///     near 0.06 bootstrap standard errors (sd ≈ √(p(1−p)/B)/φ(z_p)), small next to the interval's
///     ±1.96; rliable's `get_interval_estimates` defaults to 50 000, its performance profiles to 2000.
/// - Returns: (NaN, NaN) if any replicate's statistic is NaN (e.g. a NaN score).
/// - Precondition: `scores` and every task's runs are non-empty, 0 < `confidence` < 1,
///   `resamples` ≥ 1.
public func stratifiedBootstrapCI(
    scores: [[Double]],
    statistic: ([Double]) -> Double,
    confidence: Double = 0.95,
    resamples: Int = 2000,
    seed: UInt64
) -> (lo: Double, hi: Double) {
    precondition(!scores.isEmpty, "bootstrap of no tasks")
    precondition(scores.allSatisfy { !$0.isEmpty }, "bootstrap with a task that has no runs")
    precondition(confidence > 0 && confidence < 1, "confidence \(confidence) is outside (0, 1)")
    precondition(resamples >= 1, "bootstrap needs at least one resample, got \(resamples)")

    var rng = SplitMix64(seed: seed)
    let total = scores.reduce(0) { $0 + $1.count }
    // One buffer reused by every replicate: filling it in place avoids B allocations.
    var sample = [Double](repeating: 0, count: total)
    var replicates = [Double]()
    replicates.reserveCapacity(resamples)
    for _ in 0..<resamples {
        // Resample runs within each task (the strata), never across tasks. Indexed loops for
        // `mean`'s reason: this is the hot loop, B·Σnₜ draws.
        var k = 0
        for runs in scores {
            let n = runs.count
            let end = k + n
            while k < end {
                sample[k] = runs[rng.index(below: n)]
                k += 1
            }
        }
        replicates.append(statistic(sample))
    }
    if replicates.contains(where: \.isNaN) { return (.nan, .nan) }
    replicates.sort()
    let alpha = 1 - confidence
    return (quantile(sorted: replicates, alpha / 2), quantile(sorted: replicates, 1 - alpha / 2))
}

// MARK: - Summary

/// The headline numbers of an evaluation: the mean and IQM of all runs of all tasks pooled, each
/// with its 95% stratified-bootstrap percentile interval.
///
/// JSON: `{"mean": m, "iqm": q, "ci95": [lo, hi], "iqm_ci95": [lo, hi]}`.
public struct Summary: Codable, Equatable, Sendable {
    /// Mean of all scores pooled. With the same number of runs on every task this equals rliable's
    /// `aggregate_mean` (the mean of per-task means); with ragged tasks, tasks with more runs
    /// weigh more.
    public let mean: Double
    /// Interquartile mean of all scores pooled (rliable's `aggregate_iqm`).
    public let iqm: Double
    /// 95% confidence interval of `mean`, [lo, hi].
    public let ci95: [Double]
    /// 95% confidence interval of `iqm`, [lo, hi].
    public let iqmCI95: [Double]

    enum CodingKeys: String, CodingKey {
        case mean, iqm, ci95
        case iqmCI95 = "iqm_ci95"
    }

    /// - Precondition: both intervals have exactly two elements.
    public init(mean: Double, iqm: Double, ci95: [Double], iqmCI95: [Double]) {
        precondition(ci95.count == 2 && iqmCI95.count == 2, "an interval is [lo, hi]")
        self.mean = mean
        self.iqm = iqm
        self.ci95 = ci95
        self.iqmCI95 = iqmCI95
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mean = try c.decode(Double.self, forKey: .mean)
        iqm = try c.decode(Double.self, forKey: .iqm)
        ci95 = try c.decode([Double].self, forKey: .ci95)
        iqmCI95 = try c.decode([Double].self, forKey: .iqmCI95)
        for (key, interval) in [(CodingKeys.ci95, ci95), (.iqmCI95, iqmCI95)] where interval.count != 2 {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "an interval is [lo, hi]; got \(interval.count) numbers")
        }
    }
}

/// Mean and IQM of `scores[task][run]` pooled, with 95% stratified-bootstrap percentile intervals
/// from 2000 resamples (`stratifiedBootstrapCI`).
///
/// Both intervals use `seed`, so they are computed from the same 2000 resampled data sets.
///
/// - Precondition: `scores` and every task's runs are non-empty.
public func summarize(scores: [[Double]], seed: UInt64) -> Summary {
    precondition(!scores.isEmpty && scores.allSatisfy { !$0.isEmpty }, "summary of a task with no runs")
    let pooled = scores.flatMap { $0 }
    let meanCI = stratifiedBootstrapCI(scores: scores, statistic: mean, seed: seed)
    let iqmCI = stratifiedBootstrapCI(scores: scores, statistic: interquartileMean, seed: seed)
    return Summary(mean: mean(pooled), iqm: interquartileMean(pooled),
                   ci95: [meanCI.lo, meanCI.hi], iqmCI95: [iqmCI.lo, iqmCI.hi])
}
