import Testing
import Numerics
import PolicyGradient
import RL
import TestSupport
import Autodiff
import Foundation

/// min ‖F w − y‖² + λ‖w‖² by Householder QR of the stacked system [F; √λ I] w = [y; 0]:
/// a direct least-squares solve, independent of the baseline's normal equations and Cholesky.
private func ridgeByQR(_ f: [Double], _ y: [Double], rows: Int, cols d: Int, lambda: Double) -> [Double] {
    let m = rows + d
    var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: m)
    var b = [Double](repeating: 0, count: m)
    for r in 0..<rows { for c in 0..<d { a[r][c] = f[r * d + c] }; b[r] = y[r] }
    for c in 0..<d { a[rows + c][c] = lambda.squareRoot() }
    for k in 0..<d {
        var norm = 0.0
        for i in k..<m { norm += a[i][k] * a[i][k] }
        norm = norm.squareRoot()
        let alpha = a[k][k] > 0 ? -norm : norm
        var v = [Double](repeating: 0, count: m)
        for i in k..<m { v[i] = a[i][k] }
        v[k] -= alpha
        let vv = v[k...].reduce(0) { $0 + $1 * $1 }
        guard vv > 0 else { continue }
        for j in k..<d {
            var s = 0.0
            for i in k..<m { s += v[i] * a[i][j] }
            for i in k..<m { a[i][j] -= 2 * s / vv * v[i] }
        }
        var s = 0.0
        for i in k..<m { s += v[i] * b[i] }
        for i in k..<m { b[i] -= 2 * s / vv * v[i] }
    }
    var w = [Double](repeating: 0, count: d)
    for i in stride(from: d - 1, through: 0, by: -1) {
        var s = b[i]
        for j in (i + 1)..<d { s -= a[i][j] * w[j] }
        w[i] = s / a[i][i]
    }
    return w
}

/// Two tasks, three episodes each, of varying lengths, with random observations and returns.
private func randomBatch() -> (EpisodeBatch, [Double]) {
    var rng = RandomSource(seed: 12)
    var batch = EpisodeBatch(episodeCount: 6, horizon: 30, observationSize: 2, actionSize: 1)
    batch.lengths = [30, 17, 25, 30, 9, 22]
    batch.taskIndices = [0, 0, 0, 1, 1, 1]
    for i in batch.observations.indices { batch.observations[i] = Float(rng.uniform(-2, 2)) }
    var returns = [Double](repeating: 0, count: 6 * 30)
    for i in returns.indices { returns[i] = rng.uniform(-30, 5) }
    return (batch, returns)
}

@Suite("Linear feature baseline")
struct LinearFeatureBaselineTests {
    @Test("features by hand: (o, o², t/100, (t/100)², (t/100)³, 1), observations clipped to ±10")
    func features() {
        var batch = EpisodeBatch(episodeCount: 1, horizon: 50, observationSize: 2, actionSize: 1)
        batch.lengths = [50]
        batch.observations[2 * 40] = 0.5; batch.observations[2 * 40 + 1] = -12
        var phi = [Double](repeating: 0, count: 8)
        LinearFeatureBaseline.features(batch, episode: 0, step: 40, into: &phi, at: 0)
        #expect(maxAbsDifference(phi, [0.5, -10, 0.25, 100, 0.4, 0.16, 0.064, 1]) < 1e-15)
    }

    @Test("the ridge fit equals a direct least-squares (QR) solve of the same problem")
    func againstQR() {
        let (batch, returns) = randomBatch()
        let d = LinearFeatureBaseline.featureCount(observationSize: 2)
        for lambda in [1e-5, 0.3] {
            let (f, y) = LinearFeatureBaseline.design(batch, episodes: [0, 1, 2], targets: returns)
            let w = LinearFeatureBaseline(regularization: lambda).fit(features: f, targets: y, featureCount: d)
            let reference = ridgeByQR(f, y, rows: y.count, cols: d, lambda: lambda)
            #expect(maxAbsDifference(w, reference) < 1e-7 * (1 + reference.map(abs).max()!), "λ \(lambda)")
        }
    }

    @Test("recovers an exactly linear value function; each task is fitted on its own episodes")
    func perTask() {
        let (batch, _) = randomBatch()
        // Task 0: V = 3·o₀ − o₁² + 2t/100; task 1: V = −5 + (t/100)³·40.
        var returns = [Double](repeating: 0, count: 6 * 30)
        for e in 0..<6 {
            for t in 0..<batch.lengths[e] {
                let o0 = Double(batch.observations[(e * 30 + t) * 2]), o1 = Double(batch.observations[(e * 30 + t) * 2 + 1])
                let s = Double(t) / 100
                returns[e * 30 + t] = batch.taskIndices[e] == 0 ? 3 * o0 - o1 * o1 + 2 * s : -5 + 40 * s * s * s
            }
        }
        // λ tiny: this checks recovery and the per-task split, not the ridge bias (QR test above).
        let values = LinearFeatureBaseline(regularization: 1e-10).values(for: batch, returns: returns)
        var worst = 0.0
        for e in 0..<6 { for t in 0..<batch.lengths[e] { worst = max(worst, abs(values[e * 30 + t] - returns[e * 30 + t])) } }
        #expect(worst < 1e-3)
        #expect(values[1 * 30 + 17] == 0 && values[4 * 30 + 9] == 0)   // padding untouched
    }
}

@Suite("Policy checkpoints")
struct PolicyCheckpointTests {
    @Test("JSON round trip restores the same policy outputs; bad shapes are named")
    func roundTrip() throws {
        var rng = RandomSource(seed: 2)
        let policy = GaussianMLPPolicy<Float>(config: PolicyConfig(hiddenSizes: [7, 5], initialStd: 0.4),
                                              observationSize: 3, actionSize: 2, using: &rng)
        let checkpoint = PolicyCheckpoint(policy: policy, parameters: policy.parameters)
        let data = try JSONEncoder().encode(checkpoint)
        let (restored, θ) = try JSONDecoder().decode(PolicyCheckpoint.self, from: data).restore()
        let x = Tensor<Float>.randomNormal(.matrix(4, 3), using: &rng)
        #expect(restored.distribution(x, parameters: θ).mean.scalars == policy.distribution(x, parameters: policy.parameters).mean.scalars)
        #expect(θ.flattened().scalars == policy.parameters.flattened().scalars)
        var bad = checkpoint
        bad.tensors[2].shape = [5, 7]
        #expect(throws: PolicyCheckpoint.Invalid.self) { try bad.restore() }
        do { _ = try bad.restore() } catch { #expect("\(error)".contains("layer1.weight")) }
    }
}
