import Foundation
import Testing
import Reports

/// |a − b| ≤ tol·max(1, |b|) (b is the reference).
private func isClose(_ a: Double, _ b: Double, tol: Double = 1e-12) -> Bool {
    abs(a - b) <= tol * max(1, abs(b))
}

extension SplitMix64 {
    /// Standard normal by Box–Muller, for synthetic scores (1 − u keeps log's argument in (0, 1]).
    mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// scores[task][run] = taskMeans[task] + N(0, 1) noise.
private func normalScores(taskMeans: [Double], runs: Int, rng: inout SplitMix64) -> [[Double]] {
    taskMeans.map { mu in (0..<runs).map { _ in mu + rng.normal() } }
}

@Suite("Point estimates")
struct PointEstimateTests {
    @Test("mean: hand-computed values, exact for constant and offset data")
    func meanValues() {
        #expect(mean([1, 2, 3, 4]) == 2.5)
        #expect(mean([3, 1, 4, 1.5]) == 2.375)
        #expect(mean([-7]) == -7)
        // 0.1 summed 100 times is not 10 in floating point; the shifted sum returns 0.1 exactly.
        #expect(mean([Double](repeating: 0.1, count: 100)) == 0.1)
        #expect(mean([1e9 + 1, 1e9 + 2, 1e9 + 3]) == 1e9 + 2)
    }

    @Test("mean: NaN propagates, infinities follow IEEE 754 whatever their position")
    func meanNonFinite() {
        #expect(mean([1, .nan, 3]).isNaN)
        #expect(mean([.nan, 1]).isNaN)
        #expect(mean([.infinity, 1]) == .infinity)
        #expect(mean([1, .infinity]) == .infinity)
        #expect(mean([-.infinity, 2, 3]) == -.infinity)
        #expect(mean([.infinity, -.infinity]).isNaN)
    }

    // References: python3 -c "import scipy.stats as st; print(repr(float(st.trim_mean(x, 0.25))))"
    // with scipy 1.17.1, numpy 2.4.6 (rliable's aggregate_iqm is exactly this call). For n = 5 and
    // n = 10 a fractionally weighted IQM would give 2.85 and 3.61 instead.
    @Test("IQM matches scipy.stats.trim_mean(x, 0.25)", arguments: [
        ([3.0, 1.0, 4.0, 1.5], 2.25),                                      // n = 4: cut 1 each end
        ([5.0, -2.0, 9.0, 0.5, 3.0], 2.8333333333333335),                  // n = 5: cut 1
        ([8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0], 4.5),                   // n = 8: cut 2
        ([10.0, 0.1, 9.0, 0.2, 8.0, 0.3, 7.0, 0.4, 6.0, 0.5], 3.6999999999999997), // n = 10: cut 2
        ([7.0, 1.0, 6.0, 2.0, 5.0, 3.0, 100.0], 4.6),                      // n = 7: the outlier goes
        ([2.5], 2.5),                                                      // n ≤ 3: nothing is cut
        ([1.0, 4.0], 2.5),
        ([3.0, 1.0, 2.0], 2.0),
    ])
    func iqm(xs: [Double], scipy: Double) {
        #expect(isClose(interquartileMean(xs), scipy))
        // The order of the scores does not matter.
        #expect(isClose(interquartileMean(xs.reversed()), scipy))
    }

    @Test("IQM of data with a NaN is NaN, wherever the NaN sorts")
    func iqmNaN() {
        #expect(interquartileMean([1, 2, .nan, 4, 5]).isNaN)
        #expect(interquartileMean([.nan, 1, 2, 3]).isNaN)
    }

    // References: numpy.percentile([0.3, -1.2, 2.5, 0.9, 0.0, 1.7, -0.4], 100 * p), numpy 2.4.6.
    @Test("quantile matches numpy.percentile's default linear method", arguments: [
        (0.025, -1.0799999999999998), (0.975, 2.38), (0.5, 0.3), (0.0, -1.2), (1.0, 2.5), (0.1, -0.72),
    ])
    func quantileValues(p: Double, numpy: Double) {
        #expect(isClose(quantile([0.3, -1.2, 2.5, 0.9, 0.0, 1.7, -0.4], p), numpy))
    }
}

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test("the stream for seed 0 is the published SplitMix64 reference stream")
    func referenceStream() {
        // Steele–Lea–Flood splitmix64 from state 0 (also reproduced by a 6-line Python port).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("index(below:) stays in range and is uniform")
    func indexUniform() {
        var rng = SplitMix64(seed: 9)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[rng.index(below: 3)] += 1 }
        // Each count is Binomial(30000, 1/3): sd ≈ 82, so ±400 is about 5 sd.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        #expect((0..<100).allSatisfy { _ in rng.index(below: 1) == 0 })
    }
}

@Suite("Stratified bootstrap")
struct StratifiedBootstrapTests {
    static let small: [[Double]] = [[0.1, 0.5, 0.2, 0.9], [3.0, 2.5, 2.0, 4.0], [1.0, 1.1, 0.7, 1.3]]

    @Test("the same seed gives the identical interval; different seeds differ")
    func reproducible() {
        let a = stratifiedBootstrapCI(scores: Self.small, statistic: mean, seed: 42)
        let b = stratifiedBootstrapCI(scores: Self.small, statistic: mean, seed: 42)
        let c = stratifiedBootstrapCI(scores: Self.small, statistic: mean, seed: 43)
        #expect(a.lo == b.lo && a.hi == b.hi)
        #expect(a.lo != c.lo || a.hi != c.hi)
        #expect(a.lo < mean(Self.small.flatMap { $0 }) && mean(Self.small.flatMap { $0 }) < a.hi)
    }

    @Test("a 50% interval lies inside the 95% interval from the same resamples")
    func nested() {
        let wide = stratifiedBootstrapCI(scores: Self.small, statistic: mean, confidence: 0.95, seed: 1)
        let narrow = stratifiedBootstrapCI(scores: Self.small, statistic: mean, confidence: 0.5, seed: 1)
        #expect(wide.lo < narrow.lo && narrow.lo < narrow.hi && narrow.hi < wide.hi)
    }

    @Test("constant data gives lo == hi == the value, for the mean and the IQM")
    func degenerate() {
        let scores = [[Double]](repeating: [Double](repeating: 0.1, count: 4), count: 3)
        for statistic in [mean, interquartileMean] as [([Double]) -> Double] {
            let ci = stratifiedBootstrapCI(scores: scores, statistic: statistic, resamples: 200, seed: 3)
            #expect(ci.lo == 0.1 && ci.hi == 0.1)
        }
        let s = summarize(scores: scores, seed: 3)
        #expect(s == Summary(mean: 0.1, iqm: 0.1, ci95: [0.1, 0.1], iqmCI95: [0.1, 0.1]))
    }

    @Test("ragged strata: each task's runs are resampled within that task; one run is always itself")
    func ragged() {
        // Task values are disjoint, so every position of a replicate shows which task it came from.
        let scores: [[Double]] = [[5], [10, 20, 30], [100, 200]]
        var replicates = [[Double]]()
        let ci = stratifiedBootstrapCI(scores: scores, statistic: { sample in
            replicates.append(sample)
            return mean(sample)
        }, resamples: 300, seed: 11)
        #expect(replicates.count == 300)
        for r in replicates {
            #expect(r.count == 6)
            #expect(r[0] == 5)
            #expect(r[1...3].allSatisfy { [10, 20, 30].contains($0) })
            #expect(r[4...5].allSatisfy { [100, 200].contains($0) })
        }
        // Resampling with replacement: some replicates repeat a run, and every run gets drawn.
        #expect(replicates.contains { Set($0[1...3]).count < 3 })
        #expect(Set(replicates.flatMap { $0 }) == [5, 10, 20, 30, 100, 200])
        let pooled = mean(scores.flatMap { $0 })
        #expect(ci.lo < pooled && pooled < ci.hi)
    }

    @Test("the 95% interval of the mean covers the true mean in about 91% of data sets")
    func coverage() {
        // 400 data sets of 20 tasks × 5 runs; task t has true mean t, so the true pooled mean is
        // 9.5. Conditional on the tasks, Var(mean) = 100·1/100²; the stratified bootstrap estimates
        // it with each task's plug-in variance (divisor 5, not 4), i.e. 0.8× too small, so its 95%
        // percentile interval is ±1.96·√0.8 ≈ ±1.75 true standard errors: coverage ≈ 92%, not 95%
        // (91% measured over 8 × 400 data sets; 88.5–93.3% per 400). With 400 trials the rate has
        // sd ≈ 1.4%, so [85%, 98%] is about 4 sd below and 5 above. A 50% interval fails (~45%
        // measured), and so do intervals that resample whole tasks or pool all scores ignoring
        // tasks: the spread of task means makes them ~6× and ~13× too wide (100% measured for tasks).
        var rng = SplitMix64(seed: 2021)
        let taskMeans = (0..<20).map(Double.init)
        let truth = mean(taskMeans)
        var covered = 0
        for trial in 0..<400 {
            let scores = normalScores(taskMeans: taskMeans, runs: 5, rng: &rng)
            let ci = stratifiedBootstrapCI(scores: scores, statistic: mean, resamples: 500, seed: UInt64(trial))
            if ci.lo <= truth && truth <= ci.hi { covered += 1 }
        }
        let rate = Double(covered) / 400
        #expect(rate >= 0.85 && rate <= 0.98, "coverage \(rate)")
    }

    @Test("quadrupling the runs halves the interval's width (1/√n)")
    func widthShrinks() {
        // Width ∝ √(plug-in variance / n): 8 → 32 runs per task gives 2·√((7/8)/(31/32)) ≈ 1.90.
        // Averaging 10 data sets keeps the ratio's noise near 2.5%, so [1.7, 2.1] is about ±4 sd.
        var rng = SplitMix64(seed: 77)
        let taskMeans = (0..<20).map { Double($0) / 4 }
        func averageWidth(runs: Int) -> Double {
            let widths = (0..<10).map { i -> Double in
                let scores = normalScores(taskMeans: taskMeans, runs: runs, rng: &rng)
                let ci = stratifiedBootstrapCI(scores: scores, statistic: mean, resamples: 1000, seed: UInt64(i))
                return ci.hi - ci.lo
            }
            return mean(widths)
        }
        let ratio = averageWidth(runs: 8) / averageWidth(runs: 32)
        #expect(ratio > 1.7 && ratio < 2.1, "width ratio \(ratio)")
    }

    @Test("a NaN score makes both bounds NaN")
    func nanScores() {
        var scores = Self.small
        scores[1][2] = .nan
        let ci = stratifiedBootstrapCI(scores: scores, statistic: mean, resamples: 100, seed: 5)
        #expect(ci.lo.isNaN && ci.hi.isNaN)
        let iqmCI = stratifiedBootstrapCI(scores: scores, statistic: interquartileMean, resamples: 100, seed: 5)
        #expect(iqmCI.lo.isNaN && iqmCI.hi.isNaN)
    }

    @Test("a task without runs stops with a precondition failure")
    func emptyTask() async {
        await #expect(processExitsWith: .failure) {
            _ = stratifiedBootstrapCI(scores: [[1, 2], []], statistic: mean, seed: 0)
        }
    }

    @Test("the mean of no scores stops with a precondition failure")
    func emptyMean() async {
        await #expect(processExitsWith: .failure) { _ = mean([]) }
    }
}

@Suite("Summary")
struct SummaryTests {
    @Test("summarize: point estimates of the pooled scores, intervals from the bootstrap with its seed")
    func values() {
        let scores = StratifiedBootstrapTests.small
        let s = summarize(scores: scores, seed: 8)
        let pooled = scores.flatMap { $0 }
        #expect(s.mean == mean(pooled))
        #expect(s.iqm == interquartileMean(pooled))
        let meanCI = stratifiedBootstrapCI(scores: scores, statistic: mean, seed: 8)
        let iqmCI = stratifiedBootstrapCI(scores: scores, statistic: interquartileMean, seed: 8)
        #expect(s.ci95 == [meanCI.lo, meanCI.hi])
        #expect(s.iqmCI95 == [iqmCI.lo, iqmCI.hi])
        #expect(s.ci95[0] < s.mean && s.mean < s.ci95[1])
        #expect(s.iqmCI95[0] < s.iqm && s.iqm < s.iqmCI95[1])
    }

    @Test("JSON is an object with mean, iqm, ci95 and iqm_ci95, and decodes back")
    func json() throws {
        let s = Summary(mean: 1.5, iqm: 1.25, ci95: [1, 2], iqmCI95: [0.75, 2.5])
        let data = try JSONEncoder().encode(s)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["mean", "iqm", "ci95", "iqm_ci95"])
        #expect(object["mean"] as? Double == 1.5)
        #expect(object["ci95"] as? [Double] == [1, 2])
        #expect(object["iqm_ci95"] as? [Double] == [0.75, 2.5])
        #expect(try JSONDecoder().decode(Summary.self, from: data) == s)
    }

    @Test("an interval that is not two numbers is rejected when decoding")
    func badInterval() {
        let json = Data(#"{"mean": 1, "iqm": 1, "ci95": [0, 1, 2], "iqm_ci95": [0, 2]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Summary.self, from: json) }
    }

    @Test("NaN scores give a NaN summary, which JSONEncoder refuses to write")
    func nanSummary() {
        let s = summarize(scores: [[1, .nan], [2, 3]], seed: 1)
        #expect(s.mean.isNaN && s.iqm.isNaN && s.ci95.allSatisfy(\.isNaN) && s.iqmCI95.allSatisfy(\.isNaN))
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(s) }
    }
}
