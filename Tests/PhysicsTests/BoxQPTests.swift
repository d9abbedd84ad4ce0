import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

/// Brute force oracle: try every split of the variables into "at lower bound", "at upper bound"
/// and "free", solve the free part exactly, and keep the one point that satisfies KKT.
private func bruteForce(n: Int, H: [Double], b: [Double], lo: [Double], hi: [Double]) -> [Double]? {
    // Each variable may be free (0), at its lower bound (1) or at its upper bound (2), where finite.
    let states: [[Int]] = (0..<n).map { i in [0] + (lo[i].isFinite ? [1] : []) + (hi[i].isFinite ? [2] : []) }
    var digit = [Int](repeating: 0, count: n)
    var pattern: [Int] { (0..<n).map { states[$0][digit[$0]] } }
    func next() -> Bool {  // odometer over all combinations
        for i in 0..<n {
            digit[i] += 1
            if digit[i] < states[i].count { return true }
            digit[i] = 0
        }
        return false
    }
    repeat {
        let pattern = pattern
        var f = [Double](repeating: 0, count: n)
        var freeSet: [Int] = []
        for i in 0..<n {
            switch pattern[i] {
            case 1: f[i] = lo[i]
            case 2: f[i] = hi[i]
            default: freeSet.append(i)
            }
        }
        // Solve H_FF f_F = −(b_F + H_FB f_B) by Gaussian elimination with partial pivoting.
        let m = freeSet.count
        var a = [Double](repeating: 0, count: m * (m + 1))
        for (r, i) in freeSet.enumerated() {
            var rhs = -b[i]
            for j in 0..<n where pattern[j] != 0 { rhs -= H[i * n + j] * f[j] }
            for (c, j) in freeSet.enumerated() { a[r * (m + 1) + c] = H[i * n + j] }
            a[r * (m + 1) + m] = rhs
        }
        for c in 0..<m {
            let p = (c..<m).max { abs(a[$0 * (m + 1) + c]) < abs(a[$1 * (m + 1) + c]) }!
            if p != c { for k in 0...m { a.swapAt(c * (m + 1) + k, p * (m + 1) + k) } }
            for r in (c + 1)..<max(c + 1, m) {
                let factor = a[r * (m + 1) + c] / a[c * (m + 1) + c]
                for k in c...m { a[r * (m + 1) + k] -= factor * a[c * (m + 1) + k] }
            }
        }
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = a[r * (m + 1) + m]
            for k in (r + 1)..<max(r + 1, m) { s -= a[r * (m + 1) + k] * f[freeSet[k]] }
            f[freeSet[r]] = s / a[r * (m + 1) + r]
        }
        // KKT: free values inside the box, bound gradients pointing outward.
        var ok = true
        for i in 0..<n {
            var g = b[i]
            for j in 0..<n { g += H[i * n + j] * f[j] }
            switch pattern[i] {
            case 0: ok = ok && f[i] >= lo[i] - 1e-12 && f[i] <= hi[i] + 1e-12
            case 1: ok = ok && g >= -1e-12
            default: ok = ok && g <= 1e-12
            }
        }
        if ok { return f }
    } while next()
    return nil
}

private func randomSPD(_ n: Int, _ rng: inout RandomSource, conditioning: Double) -> [Double] {
    // G Gᵀ + εI: strictly positive definite, with off-diagonal coupling like J M⁻¹ Jᵀ + R.
    var g = [Double](repeating: 0, count: n * n)
    for i in 0..<(n * n) { g[i] = rng.normal() }
    var h = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { for k in 0..<n { h[i * n + j] += g[i * n + k] * g[j * n + k] } } }
    for i in 0..<n { h[i * n + i] += conditioning }
    return h
}

@Suite("Box-constrained QP (constraint solver core)")
struct BoxQPTests {
    @Test("matches a brute-force active-set oracle on random problems")
    func randomProblems() {
        var rng = RandomSource(seed: 2024)
        var solver = BoxQP(capacity: 8)
        for trial in 0..<200 {
            let n = 1 + trial % 7
            let H = randomSPD(n, &rng, conditioning: trial % 3 == 0 ? 1e-3 : 0.5)
            let b = (0..<n).map { _ in 3 * rng.normal() }
            // Mix the bound kinds the engine uses: f ≥ 0 (contacts, limits), free, and boxes.
            let lo = (0..<n).map { i in i % 3 == 2 ? -Double.infinity : (i % 4 == 3 ? -1 : 0) }
            let hi = (0..<n).map { i in i % 4 == 3 ? 1 : Double.infinity }
            guard let expected = bruteForce(n: n, H: H, b: b, lo: lo, hi: hi) else {
                Issue.record("oracle found no KKT point (trial \(trial))"); continue
            }
            var f = [Double](repeating: 0, count: n)
            let result = solver.solve(n: n, H: H, b: b, lo: lo, hi: hi, f: &f, maxIterations: 100, tolerance: 1e-12)
            #expect(result.converged, "trial \(trial)")
            #expect(maxAbsDifference(f, expected) < 1e-8, "trial \(trial): \(f) vs \(expected)")
        }
    }

    @Test("without active bounds the answer is H⁻¹(−b)")
    func unconstrained() {
        let H = [4.0, 1, 0, 1, 3, 1, 0, 1, 2]
        let b = [-1.0, -2, -3]
        var f = [0.0, 0, 0]
        let inf = Double.infinity
        solverSolve(H, b, [-inf, -inf, -inf], [inf, inf, inf], &f)
        // Check H f = −b directly.
        for i in 0..<3 {
            let r = (0..<3).reduce(0.0) { $0 + H[i * 3 + $1] * f[$1] }
            #expect(abs(r + b[i]) < 1e-12)
        }
    }

    @Test("a warm start at the solution is accepted without iterating")
    func warmStart() {
        var rng = RandomSource(seed: 3)
        let n = 6
        let H = randomSPD(n, &rng, conditioning: 0.1)
        let b = (0..<n).map { _ in rng.normal() }
        let lo = [Double](repeating: 0, count: n), hi = [Double](repeating: .infinity, count: n)
        var f = [Double](repeating: 0, count: n)
        var solver = BoxQP(capacity: n)
        solver.solve(n: n, H: H, b: b, lo: lo, hi: hi, f: &f, maxIterations: 100, tolerance: 1e-13)
        let again = solver.solve(n: n, H: H, b: b, lo: lo, hi: hi, f: &f, maxIterations: 100, tolerance: 1e-10)
        #expect(again.converged)
        #expect(again.newtonIterations == 0 && again.sweeps == 1)
    }

    private func solverSolve(_ H: [Double], _ b: [Double], _ lo: [Double], _ hi: [Double], _ f: inout [Double]) {
        var solver = BoxQP(capacity: b.count)
        let r = solver.solve(n: b.count, H: H, b: b, lo: lo, hi: hi, f: &f, maxIterations: 50, tolerance: 1e-14)
        #expect(r.converged)
    }
}
