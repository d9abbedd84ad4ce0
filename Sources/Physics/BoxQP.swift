// The constraint solver's core: a strictly convex quadratic program with box bounds,
//
//     minimize ½ fᵀ H f + bᵀ f   subject to  lo ≤ f ≤ hi,
//
// which is MuJoCo's soft-constraint problem in dual form: H = J M⁻¹ Jᵀ + R, b = J a₀ − a_ref,
// f the constraint forces (pyramidal contact edges and joint limits have lo = 0, hi = ∞).
// R > 0 makes H positive definite, so the solution is unique and any convergent method reaches
// the same forces as MuJoCo's primal Newton solver.
//
// Method: projected Gauss–Seidel sweeps (cheap, robust, warm-startable) to find the active set,
// then projected-Newton steps on the free variables (a Cholesky solve of H restricted to them,
// with a projected backtracking line search) until the KKT conditions hold to the tolerance.
// The Newton phase turns PGS's slow linear convergence on stiff stacks into an exact answer in a
// few iterations.
//
// The step itself now solves the primal form (ConstraintSolver.swift), whose Hessian is nv × nv
// rather than nefc × nefc; this dual solver stays as the independent reference the tests check
// the pipeline's forces against (ConstraintSolverTests).

/// Reusable scratch for `BoxQP.solve`; sized once for the largest problem, never grown in a step.
public struct BoxQP: Sendable {
    public private(set) var capacity: Int
    private var gradient: [Double]
    private var direction: [Double]
    private var trial: [Double]
    private var factor: [Double]
    private var freeIndex: [Int]

    /// Statistics of the last solve.
    public struct Result: Sendable, Equatable {
        /// PGS sweeps and Newton iterations taken.
        public var sweeps = 0, newtonIterations = 0
        /// Largest violation of the KKT conditions at exit, scaled as the tolerance is.
        public var residual = 0.0
        public var converged = false
    }

    public init(capacity: Int) {
        self.capacity = capacity
        gradient = [Double](repeating: 0, count: capacity)
        direction = [Double](repeating: 0, count: capacity)
        trial = [Double](repeating: 0, count: capacity)
        factor = [Double](repeating: 0, count: capacity * capacity)
        freeIndex = [Int](repeating: 0, count: capacity)
    }

    /// Grows the scratch (allocates); call outside hot loops when a larger problem appears.
    public mutating func reserve(_ n: Int) {
        if n > capacity { self = BoxQP(capacity: max(n, 2 * capacity)) }
    }

    /// Solves the problem of size `n` in place: `f` holds the warm start on entry (it is first
    /// projected onto the box) and the solution on exit.
    ///
    /// - Parameters:
    ///   - H: n×n row-major, symmetric positive definite.
    ///   - maxIterations: budget shared by PGS sweeps and Newton iterations.
    ///   - tolerance: KKT residual tolerance, relative to 1 + max|b|.
    @discardableResult
    public mutating func solve(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>,
                               lo: UnsafePointer<Double>, hi: UnsafePointer<Double>,
                               f: UnsafeMutablePointer<Double>,
                               maxIterations: Int, tolerance: Double) -> Result {
        precondition(n <= capacity, "BoxQP capacity \(capacity) < problem size \(n); call reserve first")
        var result = Result()
        if n == 0 { result.converged = true; return result }
        var scale = 1.0
        for i in 0..<n { f[i] = min(max(f[i], lo[i]), hi[i]); scale = max(scale, 1 + abs(b[i])) }
        let tol = tolerance * scale

        return gradient.withUnsafeMutableBufferPointer { g in
            direction.withUnsafeMutableBufferPointer { d in
                trial.withUnsafeMutableBufferPointer { t in
                    factor.withUnsafeMutableBufferPointer { L in
                        freeIndex.withUnsafeMutableBufferPointer { free in
                            Self.run(n: n, H: H, b: b, lo: lo, hi: hi, f: f, g: g.baseAddress!, d: d.baseAddress!,
                                     t: t.baseAddress!, L: L.baseAddress!, free: free.baseAddress!,
                                     maxIterations: maxIterations, tol: tol, result: &result)
                            return result
                        }
                    }
                }
            }
        }
    }

    // MARK: - Phases

    private static func run(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>,
                            lo: UnsafePointer<Double>, hi: UnsafePointer<Double>, f: UnsafeMutablePointer<Double>,
                            g: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
                            t: UnsafeMutablePointer<Double>, L: UnsafeMutablePointer<Double>,
                            free: UnsafeMutablePointer<Int>, maxIterations: Int, tol: Double,
                            result: inout Result) {
        // A few PGS sweeps settle which bounds are active; more than ~8 rarely changes the active
        // set but costs as much as a Newton step on these sizes.
        let sweepBudget = min(8, max(1, maxIterations / 2))
        var iterations = 0
        while iterations < sweepBudget {
            sweep(n: n, H: H, b: b, lo: lo, hi: hi, f: f)
            iterations += 1
            result.sweeps += 1
            gradientOf(n: n, H: H, b: b, f: f, g: g)
            if kktResidual(n: n, lo: lo, hi: hi, f: f, g: g) <= tol { break }
        }
        gradientOf(n: n, H: H, b: b, f: f, g: g)
        var residual = kktResidual(n: n, lo: lo, hi: hi, f: f, g: g)
        while residual > tol && iterations < maxIterations {
            iterations += 1
            result.newtonIterations += 1
            if !newtonStep(n: n, H: H, b: b, lo: lo, hi: hi, f: f, g: g, d: d, t: t, L: L, free: free) {
                // No descent possible from the Newton direction (numerically converged or H
                // ill-conditioned on the free set): fall back to a PGS sweep, which always descends.
                sweep(n: n, H: H, b: b, lo: lo, hi: hi, f: f)
                result.sweeps += 1
            }
            gradientOf(n: n, H: H, b: b, f: f, g: g)
            residual = kktResidual(n: n, lo: lo, hi: hi, f: f, g: g)
        }
        result.residual = residual
        result.converged = residual <= tol
    }

    /// One Gauss–Seidel sweep with projection onto the box.
    @inline(__always)
    private static func sweep(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>,
                              lo: UnsafePointer<Double>, hi: UnsafePointer<Double>, f: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let row = H + i &* n
            var r = b[i]
            for j in 0..<n { r += row[j] * f[j] }
            let updated = f[i] - r / row[i]
            f[i] = min(max(updated, lo[i]), hi[i])
        }
    }

    @inline(__always)
    private static func gradientOf(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                   f: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let row = H + i &* n
            var r = b[i]
            for j in 0..<n { r += row[j] * f[j] }
            g[i] = r
        }
    }

    /// The largest violation of the KKT conditions: g = 0 where lo < f < hi, g ≥ 0 at lo,
    /// g ≤ 0 at hi.
    @inline(__always)
    private static func kktResidual(n: Int, lo: UnsafePointer<Double>, hi: UnsafePointer<Double>,
                                    f: UnsafePointer<Double>, g: UnsafePointer<Double>) -> Double {
        var worst = 0.0
        for i in 0..<n {
            var v = g[i]
            if f[i] <= lo[i] { v = min(v, 0) }
            if f[i] >= hi[i] { v = max(v, 0) }
            worst = max(worst, abs(v))
        }
        return worst
    }

    @inline(__always)
    private static func cost(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>, f: UnsafePointer<Double>) -> Double {
        var c = 0.0
        for i in 0..<n {
            let row = H + i &* n
            var hf = 0.0
            for j in 0..<n { hf += row[j] * f[j] }
            c += f[i] * (0.5 * hf + b[i])
        }
        return c
    }

    /// A projected-Newton step: free variables are those not held at a bound by their gradient.
    /// Returns false when the step does not decrease the cost.
    private static func newtonStep(n: Int, H: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                   lo: UnsafePointer<Double>, hi: UnsafePointer<Double>,
                                   f: UnsafeMutablePointer<Double>, g: UnsafePointer<Double>,
                                   d: UnsafeMutablePointer<Double>, t: UnsafeMutablePointer<Double>,
                                   L: UnsafeMutablePointer<Double>, free: UnsafeMutablePointer<Int>) -> Bool {
        // A variable at a bound whose gradient pushes it outward stays fixed.
        var m = 0
        for i in 0..<n {
            d[i] = 0
            let heldLow = f[i] <= lo[i] && g[i] >= 0
            let heldHigh = f[i] >= hi[i] && g[i] <= 0
            if !(heldLow || heldHigh) { free[m] = i; m += 1 }
        }
        if m == 0 { return false }
        // Cholesky of H restricted to the free set (m×m, lower triangle in L).
        for r in 0..<m {
            for c in 0...r {
                var s = H[free[r] &* n &+ free[c]]
                for k in 0..<c { s -= L[r &* m &+ k] * L[c &* m &+ k] }
                if r == c {
                    // H is positive definite; a non-positive pivot means it is numerically singular.
                    guard s > 0 else { return false }
                    L[r &* m &+ r] = s.squareRoot()
                } else {
                    L[r &* m &+ c] = s / L[c &* m &+ c]
                }
            }
        }
        // Solve L Lᵀ x = −g_F, x stored in t[0..<m].
        for r in 0..<m {
            var s = -g[free[r]]
            for k in 0..<r { s -= L[r &* m &+ k] * t[k] }
            t[r] = s / L[r &* m &+ r]
        }
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = t[r]
            for k in (r + 1)..<m { s -= L[k &* m &+ r] * t[k] }
            t[r] = s / L[r &* m &+ r]
        }
        for r in 0..<m { d[free[r]] = t[r] }

        // Projected backtracking line search on the cost (Armijo with a small constant).
        let c0 = cost(n: n, H: H, b: b, f: f)
        var slope = 0.0
        for i in 0..<n { slope += g[i] * d[i] }
        if slope >= 0 { return false }
        var step = 1.0
        for _ in 0..<30 {
            for i in 0..<n { t[i] = min(max(f[i] + step * d[i], lo[i]), hi[i]) }
            var decrease = 0.0
            for i in 0..<n { decrease += g[i] * (t[i] - f[i]) }
            let c = cost(n: n, H: H, b: b, f: t)
            if c <= c0 + 1e-4 * decrease {
                for i in 0..<n { f[i] = t[i] }
                return c < c0
            }
            step *= 0.5
        }
        return false
    }
}
