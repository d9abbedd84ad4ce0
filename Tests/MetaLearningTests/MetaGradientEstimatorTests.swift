import Testing
import Foundation
import Autodiff
import Numerics
@testable import MetaLearning

/// The meta-gradient estimators on METAGRAD.md's exactly solvable problem: a one-step Gaussian
/// bandit a ∼ N(μ, σ²) with a hidden goal g ∼ N(m, s_g²), reward −(a − g)², one inner step of
/// size α on K pre-update actions, M post-update actions at μ'. Each estimator's mean over many
/// tasks is compared with its closed-form expectation (METAGRAD.md), within its standard error.
@Suite("MetaLearning: meta-gradient estimators against METAGRAD.md's closed forms")
struct MetaGradientEstimatorTests {
    // METAGRAD.md's worked example.
    let mu = 0.5, sigma = 1.0, alpha = 0.1, goalMean = -0.5, goalStd = 1.0
    let K = 10, M = 10
    var delta: Double { mu - goalMean }

    // Closed forms (METAGRAD.md), with δ = μ − m, c_K = (1 − 2α)² + 14α²/K.
    var cK: Double { (1 - 2 * alpha) * (1 - 2 * alpha) + 14 * alpha * alpha / Double(K) }
    var objective: Double {
        let d = delta, s2 = goalStd * goalStd, v = sigma * sigma, k = Double(K)
        return -v - cK * (d * d + s2) - alpha * alpha * (d * d * d * d + 6 * d * d * s2 + 3 * s2 * s2) / (k * v)
            - 15 * alpha * alpha * v / k
    }
    var exactGradient: Double {
        let d = delta, s2 = goalStd * goalStd, v = sigma * sigma, k = Double(K)
        return -2 * cK * d - 4 * alpha * alpha * (d * d * d + 3 * d * s2) / (k * v)
    }
    var naiveMean: Double {
        let d = delta, s2 = goalStd * goalStd, v = sigma * sigma, k = Double(K)
        return -2 * d - 2 * alpha * d * (d * d + 3 * s2 - v) / v
            + 4 * alpha * alpha * d * ((k + 1) * (d * d + 3 * s2) + (k + 5) * v) / (k * v)
    }
    var lvcMean: Double {
        let d = delta, s2 = goalStd * goalStd, v = sigma * sigma, k = Double(K)
        return exactGradient - 12 * alpha * alpha * d * (d * d + 3 * s2 + 5 * v) / (k * v)
    }
    var firstOrderMean: Double { -2 * (1 - 2 * alpha) * delta }

    @Test("the closed forms as transcribed reproduce METAGRAD.md's worked-example table")
    func closedForms() {
        #expect(abs(objective - -2.333) < 5e-4)
        #expect(abs(exactGradient - -1.324) < 5e-4)
        #expect(abs(naiveMean - -2.364) < 5e-4)
        #expect(abs(lvcMean - -1.432) < 5e-4)
        #expect(abs(firstOrderMean - -1.600) < 5e-4)
    }

    /// Per-task meta-gradients and post-update mean returns for `tasks` tasks, in chunks; the
    /// same seed gives every estimator the same goals and noise.
    func sample(_ estimator: MetaGradientEstimator, tasks: Int, chunk: Int, seed: UInt64) -> (gradient: [Double], postReturn: [Double]) {
        var rng = RandomSource(seed: seed)
        var gradientsOut: [Double] = [], returnsOut: [Double] = []
        let logStd = T([1], [log(sigma)])
        let muLeaf = T([1, 1, 1], [mu]).requiringGradient()
        var done = 0
        while done < tasks {
            let b = min(chunk, tasks - done)
            var goals = [Double](), pre = [Double](), preNoise = [Double](), postNoise = [Double]()
            for _ in 0..<b { goals.append(goalMean + goalStd * rng.normal()) }
            for _ in 0..<(b * K) { preNoise.append(rng.normal()) }
            for _ in 0..<(b * M) { postNoise.append(rng.normal()) }
            pre = preNoise.map { mu + sigma * $0 }
            let rewards = (0..<(b * K)).map { i in -(pre[i] - goals[i / K]) * (pre[i] - goals[i / K]) }
            // One copy of μ per task, so the gradient with respect to it is per task.
            let muTask = muLeaf * T.ones([b, 1, 1])
            let preLL = DiagonalGaussian.logLikelihood(T([b, K, 1], pre), mean: muTask, logStd: logStd)   // [b, K]
            let inner = innerObjective(logLikelihood: preLL, weights: T([b, K], rewards), episodes: K,
                                       kind: estimator.innerObjective).sum()
            let step = gradient(of: inner, wrt: muTask, createGraph: estimator.differentiatesThroughAdaptation)
            let muPrime = muTask + (estimator.differentiatesThroughAdaptation ? step : step.detached()).scaled(by: alpha)
            // Post-update actions at μ' with no gradient path through the sample.
            let muPrimeValues = muPrime.scalars
            let post = (0..<(b * M)).map { i in muPrimeValues[i / M] + sigma * postNoise[i] }
            let postRewards = (0..<(b * M)).map { i in -(post[i] - goals[i / M]) * (post[i] - goals[i / M]) }
            let meanPostReturn = (0..<b).map { t in postRewards[(t * M)..<((t + 1) * M)].reduce(0, +) / Double(M) }
            let postLL = DiagonalGaussian.logLikelihood(T([b, M, 1], post), mean: muPrime, logStd: logStd)  // [b, M]
            let outer = outerSurrogate(postLogLikelihood: postLL, postOldLogLikelihood: postLL.detached(),
                                       postAdvantages: T([b, M], postRewards), postEpisodes: M,
                                       preLogLikelihood: preLL, preOldLogLikelihood: preLL.detached(),
                                       preWeight: T([b], meanPostReturn), estimator: estimator).sum()
            gradientsOut += gradient(of: outer, wrt: muTask).scalars
            returnsOut += meanPostReturn
            done += b
        }
        return (gradientsOut, returnsOut)
    }

    func meanAndStandardError(_ x: [Double]) -> (mean: Double, se: Double) {
        let n = Double(x.count), mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }

    // 2·10⁵ tasks: the exact estimator's s.e. ≈ 9.79/√N ≈ 0.022, so the naive bias (≈ 1.04) is
    // ≈ 47 s.e. away and LVC's (≈ 0.108) sits ≈ 17 of LVC's own s.e. (≈ 0.0064) from dJ/dμ.
    static let tasks = 200_000
    static let chunk = 20_000

    @Test("exact (full-graph DiCE): mean within 4 s.e. of dJ/dμ; post-update return matches J")
    func exact() {
        let (g, r) = sample(.exact, tasks: Self.tasks, chunk: Self.chunk, seed: 11)
        let (mean, se) = meanAndStandardError(g)
        #expect(abs(mean - exactGradient) < 4 * se, "exact \(mean) ± \(se) vs dJ/dμ \(exactGradient)")
        let (j, jse) = meanAndStandardError(r)
        #expect(abs(j - objective) < 4 * jse, "J \(j) ± \(jse) vs \(objective)")
    }

    @Test("naive surrogate: mean within 4 s.e. of its own closed form and more than 10 s.e. off dJ/dμ")
    func naive() {
        let (g, _) = sample(.naive, tasks: Self.tasks, chunk: Self.chunk, seed: 11)
        let (mean, se) = meanAndStandardError(g)
        #expect(abs(mean - naiveMean) < 4 * se, "naive \(mean) ± \(se) vs \(naiveMean)")
        let (_, exactSE) = meanAndStandardError(sample(.exact, tasks: Self.tasks, chunk: Self.chunk, seed: 12).gradient)
        #expect(abs(mean - exactGradient) > 10 * max(se, exactSE), "naive \(mean) vs dJ/dμ \(exactGradient)")
    }

    @Test("LVC: mean within 4 s.e. of its closed form, and measurably off dJ/dμ (its known bias)")
    func lvc() {
        let (g, _) = sample(.lvc, tasks: Self.tasks, chunk: Self.chunk, seed: 11)
        let (mean, se) = meanAndStandardError(g)
        #expect(abs(mean - lvcMean) < 4 * se, "LVC \(mean) ± \(se) vs \(lvcMean)")
        #expect(abs(mean - exactGradient) > 4 * se, "LVC \(mean) vs dJ/dμ \(exactGradient)")
    }

    @Test("first order: mean within 4 s.e. of −2(1 − 2α)δ")
    func firstOrder() {
        let (g, _) = sample(.firstOrder, tasks: Self.tasks, chunk: Self.chunk, seed: 11)
        let (mean, se) = meanAndStandardError(g)
        #expect(abs(mean - firstOrderMean) < 4 * se, "first-order \(mean) ± \(se) vs \(firstOrderMean)")
    }

    @Test("wiring check: the four estimators' per-task values on METAGRAD.md's K = 2, M = 1 example")
    func wiring() {
        // μ = 0.5, g = 0.2, a = (1.0, −0.3), a' = μ' + 0.4, evaluated through the module's functions.
        let logStd = T([1], [0])
        let expected: [MetaGradientEstimator: Double] = [.exact: -0.0567367208, .naive: -0.2012275208,
                                                         .lvc: -0.1981450504, .firstOrder: -0.1926544]
        for (estimator, value) in expected {
            let muLeaf = T([1, 1, 1], [0.5]).requiringGradient()
            let pre = T([1, 2, 1], [1.0, -0.3])
            let preLL = DiagonalGaussian.logLikelihood(pre, mean: muLeaf, logStd: logStd)
            let inner = innerObjective(logLikelihood: preLL, weights: T([1, 2], [-0.64, -0.25]), episodes: 2,
                                       kind: estimator.innerObjective).sum()
            let muPrime = innerStep(Parameters(["mu": muLeaf]), objective: inner, stepSize: 0.1,
                                    createGraph: estimator.differentiatesThroughAdaptation)["mu"]
            let a = muPrime.scalars[0] + 0.4, r = -(a - 0.2) * (a - 0.2)
            let postLL = DiagonalGaussian.logLikelihood(T([1, 1, 1], [a]), mean: muPrime, logStd: logStd)
            let outer = outerSurrogate(postLogLikelihood: postLL, postOldLogLikelihood: postLL.detached(),
                                       postAdvantages: T([1, 1], [r]), postEpisodes: 1,
                                       preLogLikelihood: preLL, preOldLogLikelihood: preLL.detached(),
                                       preWeight: T([1], [r]), estimator: estimator).sum()
            #expect(abs(gradient(of: outer, wrt: muLeaf).scalars[0] - value) < 1e-10, "\(estimator)")
        }
    }
}
