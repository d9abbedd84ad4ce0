import RL

// The linear feature baseline of the MAML paper (inherited from rllab): per task, the discounted
// return is regressed by ridge regression on features of each step, and the fit is used on the
// same episodes it was fitted to. Solved in Double by Cholesky on the normal equations; the
// problem is small (d = 2·obs + 4 unknowns).

/// V(s_t) ≈ wᵀ φ(s_t, t) with φ = (clip(o, ±10), clip(o, ±10)², t/100, (t/100)², (t/100)³, 1),
/// w refit per task by ridge regression on the discounted returns.
public struct LinearFeatureBaseline: Sendable, Equatable {
    /// λ of the ridge term λ‖w‖². 1e-5 as in rllab: enough to make the normal equations solvable
    /// when a feature is constant (a coordinate that never moves), too small to bias the fit.
    public var regularization: Double
    /// Observations are clipped to ±this before squaring, so one wild coordinate cannot dominate.
    public static let observationClip = 10.0
    /// Time is scaled by 1/100 (rllab's constant): t³ stays O(1) over a 100-step episode.
    public static let timeScale = 0.01

    public init(regularization: Double = 1e-5) { self.regularization = regularization }

    /// Number of features for an observation of size `n`.
    public static func featureCount(observationSize n: Int) -> Int { 2 * n + 4 }

    /// Writes φ(s_t, t) for episode `e`, step `t` of `batch` into `out` (featureCount numbers).
    @inlinable
    public static func features(_ batch: EpisodeBatch, episode e: Int, step t: Int, into out: inout [Double], at offset: Int) {
        let n = batch.observationSize
        let base = (e * batch.horizon + t) * n
        for j in 0..<n {
            let o = min(max(Double(batch.observations[base + j]), -observationClip), observationClip)
            out[offset + j] = o
            out[offset + n + j] = o * o
        }
        let s = Double(t) * timeScale
        out[offset + 2 * n] = s
        out[offset + 2 * n + 1] = s * s
        out[offset + 2 * n + 2] = s * s * s
        out[offset + 2 * n + 3] = 1
    }

    /// The design matrix (rows × featureCount, row-major) of every real step of `episodes`, in
    /// episode then time order, and the matching entries of `targets` (E × T).
    public static func design(_ batch: EpisodeBatch, episodes: [Int], targets: [Double]) -> (features: [Double], targets: [Double]) {
        let d = featureCount(observationSize: batch.observationSize)
        let rows = episodes.reduce(0) { $0 + batch.lengths[$1] }
        var f = [Double](repeating: 0, count: rows * d)
        var y = [Double](repeating: 0, count: rows)
        var r = 0
        for e in episodes {
            for t in 0..<batch.lengths[e] {
                features(batch, episode: e, step: t, into: &f, at: r * d)
                y[r] = targets[e * batch.horizon + t]
                r += 1
            }
        }
        return (f, y)
    }

    /// argmin_w ‖F w − y‖² + λ‖w‖² for F (rows × d, row-major). If the Cholesky factorization
    /// fails (a non-positive pivot from rounding), λ is multiplied by 10 and the solve retried, up
    /// to 5 times (rllab's rule); after that, w = 0 (the baseline then subtracts nothing).
    public func fit(features f: [Double], targets y: [Double], featureCount d: Int) -> [Double] {
        let rows = y.count
        precondition(f.count == rows * d, "fit: \(f.count) features for \(rows) × \(d)")
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        for r in 0..<rows {
            let row = r * d
            for i in 0..<d {
                let fi = f[row + i]
                rhs[i] += fi * y[r]
                for j in 0...i { gram[i * d + j] += fi * f[row + j] }
            }
        }
        var lambda = regularization
        for _ in 0..<5 {
            var a = gram
            for i in 0..<d { a[i * d + i] += lambda }
            if let w = choleskySolve(&a, rhs, d), w.allSatisfy(\.isFinite) { return w }
            lambda *= 10
        }
        return [Double](repeating: 0, count: d)
    }

    /// Values for every step of `batch` (E × T, 0 past each length): for each task, w is fitted
    /// to `returns` (E × T) over that task's episodes and evaluated on them.
    public func values(for batch: EpisodeBatch, returns: [Double]) -> [Double] {
        let d = Self.featureCount(observationSize: batch.observationSize)
        var out = [Double](repeating: 0, count: batch.episodeCount * batch.horizon)
        let tasks = Set(batch.taskIndices).sorted()
        var phi = [Double](repeating: 0, count: d)
        for task in tasks {
            let episodes = batch.episodes(ofTask: task)
            let (f, y) = Self.design(batch, episodes: episodes, targets: returns)
            let w = fit(features: f, targets: y, featureCount: d)
            for e in episodes {
                for t in 0..<batch.lengths[e] {
                    Self.features(batch, episode: e, step: t, into: &phi, at: 0)
                    var v = 0.0
                    for i in 0..<d { v += w[i] * phi[i] }
                    out[e * batch.horizon + t] = v
                }
            }
        }
        return out
    }
}

/// Solves A x = b for symmetric A (d × d, row-major; only the lower triangle is read) by
/// Cholesky, overwriting A with its factor. nil when A is not numerically positive-definite.
func choleskySolve(_ a: inout [Double], _ b: [Double], _ d: Int) -> [Double]? {
    for j in 0..<d {
        var diag = a[j * d + j]
        for k in 0..<j { diag -= a[j * d + k] * a[j * d + k] }
        guard diag > 0, diag.isFinite else { return nil }
        let l = diag.squareRoot()
        a[j * d + j] = l
        for i in (j + 1)..<d {
            var s = a[i * d + j]
            for k in 0..<j { s -= a[i * d + k] * a[j * d + k] }
            a[i * d + j] = s / l
        }
    }
    // L z = b, then Lᵀ x = z.
    var x = b
    for i in 0..<d {
        var s = x[i]
        for k in 0..<i { s -= a[i * d + k] * x[k] }
        x[i] = s / a[i * d + i]
    }
    var i = d - 1
    while i >= 0 {
        var s = x[i]
        for k in (i + 1)..<d { s -= a[k * d + i] * x[k] }
        x[i] = s / a[i * d + i]
        i -= 1
    }
    return x
}
