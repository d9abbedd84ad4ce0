// The constraint solver: MuJoCo's soft-constraint problem in primal form, solved by Newton's
// method on the accelerations (nv unknowns) rather than on the forces (nefc unknowns):
//
//     minimize over a   ½ (a − a₀)ᵀ M (a − a₀) + Σ_{r: z_r < 0} ½ D_r z_r²,   z = J a − a_ref,
//
// with a₀ = M⁻¹ qfrcSmooth and D = 1/R. Every row here is one-sided (pyramid edges, limits), so a
// row is active (quadratic) where z_r < 0 and exerts f_r = −D_r z_r ≥ 0 there. This is the
// dual of the box QP  min ½ fᵀ(J M⁻¹ Jᵀ + R) f + fᵀ(J a₀ − a_ref), f ≥ 0  (BoxQP.swift): both
// have the same unique solution, the one MuJoCo's Newton solver converges to.
//
// Why primal: the cost is piecewise quadratic and strictly convex (M > 0). A Newton step solves
// the quadratic of the current active set exactly with one nv × nv Cholesky (nv is small: 6 for a
// free box, 9 for the arm), and an exact line search along the piecewise quadratic keeps descent.
// Once the active set stops changing the step lands on the exact minimizer, so a warm-started
// step usually takes one iteration, whatever the number of contact rows, and the answer is exact
// to rounding, not to a tolerance.

/// Solves for the constrained acceleration with the rows in `s` (J, aref, D filled for `n`
/// rows) and writes the row forces to `s.force` (and the acceleration to `s.qacc`).
///
/// - Parameters:
///   - M: the joint-space inertia, nv × nv, row-major, symmetric.
///   - qfrcSmooth: every force but the constraints' (nv).
///   - warmstart: the previous step's acceleration (nv), the starting point.
///   - maxIterations: Newton iterations at most.
///   - tolerance: stop when a step improves the cost by less than this, scaled as MuJoCo does by
///     1 / (mean diagonal of M · nv); an unchanged active set stops the iteration before that.
/// - Returns: iterations taken (`newtonIterations`), the last scaled improvement (`residual`, 0
///   when the final step was exact) and whether it converged.
func solvePrimalNewton(n: Int, nv: Int, _ s: ConstraintStorage, M: UnsafePointer<Double>,
                       qfrcSmooth: UnsafePointer<Double>, warmstart: UnsafePointer<Double>,
                       maxIterations: Int, tolerance: Double) -> BoxQP.Result {
    let J = s.J, D = s.D, aref = s.aref, jar = s.jar, jd = s.jdelta, DJ = s.DJ, weight = s.weight
    let cap = s.capacity  // J and DJ: entry (row r, dof i) at [i·cap + r]
    let a = s.qacc, g = s.grad, sg = s.smoothGrad, delta = s.delta, Md = s.Mdelta, H = s.hessian
    var result = BoxQP.Result()

    // Start from the previous step's acceleration. (MuJoCo also tries a₀ and keeps the cheaper;
    // the minimizer is unique and Newton reaches it from anywhere, so only the iteration count
    // could differ, and a warm start is the better guess in a running simulation.)
    for i in 0..<nv { a[i] = warmstart[i] }
    for r in 0..<n { jar[r] = -aref[r] }
    for i in 0..<nv { axpy(a[i], J + i &* cap, jar, n) }

    // MuJoCo's scale of the cost: 1 / (mean inertia · nv).
    var trace = 0.0
    for i in 0..<nv { trace += M[i &* nv &+ i] }
    let scale = 1 / max(softMinimum, trace)

    while result.newtonIterations < maxIterations {
        result.newtonIterations += 1
        // Gradient M a − qfrcSmooth + Σ_active D z Jᵀ, and Hessian M + Σ_active D J Jᵀ (lower
        // triangle), as dot products along the rows with J scaled by D on the active rows.
        for r in 0..<n { weight[r] = jar[r] < 0 ? D[r] : 0 }
        for i in 0..<nv {
            let column = J + i &* cap, scaled = DJ + i &* cap
            for r in 0..<n { scaled[r] = weight[r] * column[r] }
        }
        for i in 0..<nv {
            let row = M + i &* nv
            var v = 0.0
            for j in 0..<nv { v += row[j] * a[j] }
            sg[i] = v - qfrcSmooth[i]
            let di = DJ + i &* cap
            g[i] = sg[i] + dot(di, jar, n)
            let h = H + i &* nv
            for j in 0...i { h[j] = row[j] + dot(di, J + j &* cap, n) }
        }
        // Newton direction δ = −H⁻¹ g through the Cholesky factor H = L Lᵀ (in place).
        guard choleskyFactor(H, nv) else { break }  // SHOULD NOT OCCUR: H ⪰ M > 0
        for i in 0..<nv { delta[i] = -g[i] }
        choleskySolve(H, nv, delta)

        // Exact line search on φ(α) = cost(a + α δ).
        var quad = 0.0, lin = 0.0
        for i in 0..<nv {
            let row = M + i &* nv
            var v = 0.0
            for j in 0..<nv { v += row[j] * delta[j] }
            Md[i] = v
            quad += delta[i] * v
            lin += delta[i] * sg[i]
        }
        for r in 0..<n { jd[r] = 0 }
        for i in 0..<nv { axpy(delta[i], J + i &* cap, jd, n) }
        let (alpha, change) = exactLineSearch(n: n, z: jar, dz: jd, D: D, quad: quad, lin: lin)
        if !(alpha > 0) { result.converged = true; break }  // no descent left: at the minimum

        for i in 0..<nv { a[i] += alpha * delta[i] }
        // z is affine in a: update it along the step instead of recomputing J a.
        var activeSetChanged = false
        for r in 0..<n {
            let z = jar[r] + alpha * jd[r]
            if (z < 0) != (jar[r] < 0) { activeSetChanged = true }
            jar[r] = z
        }
        // Same active set before and after: the step solved that set's quadratic exactly, and
        // its gradient is the true gradient, so a is the minimizer (to rounding).
        if !activeSetChanged { result.residual = 0; result.converged = true; break }
        result.residual = -change * scale
        if result.residual < tolerance { result.converged = true; break }
    }

    for r in 0..<n { s.force[r] = jar[r] < 0 ? -D[r] * jar[r] : 0 }
    return result
}

/// y[k] += alpha·x[k] for k < n.
@inline(__always)
func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    for k in 0..<n { y[k] += alpha * x[k] }
}

/// Σ a[k]·b[k] for k < n, in two SIMD lanes with two accumulators (a fixed order: deterministic).
@inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var acc0 = SIMD2<Double>(), acc1 = SIMD2<Double>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var k = 0
    while k &+ 4 <= n {
        acc0 += ra.loadUnaligned(fromByteOffset: k &* 8, as: SIMD2<Double>.self)
            * rb.loadUnaligned(fromByteOffset: k &* 8, as: SIMD2<Double>.self)
        acc1 += ra.loadUnaligned(fromByteOffset: (k &+ 2) &* 8, as: SIMD2<Double>.self)
            * rb.loadUnaligned(fromByteOffset: (k &+ 2) &* 8, as: SIMD2<Double>.self)
        k &+= 4
    }
    var sum = (acc0 + acc1).sum()
    while k < n { sum += a[k] * b[k]; k &+= 1 }
    return sum
}

/// In-place Cholesky factor (lower triangle, row-major) of the symmetric n × n matrix whose
/// lower triangle `a` holds. Returns false on a non-positive pivot.
@inline(__always)
func choleskyFactor(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Bool {
    for i in 0..<n {
        let ri = a + i &* n
        for j in 0...i {
            let rj = a + j &* n
            var v = ri[j]
            for k in 0..<j { v -= ri[k] * rj[k] }
            if i == j {
                guard v > 0 else { return false }
                ri[i] = v.squareRoot()
            } else {
                ri[j] = v / rj[j]
            }
        }
    }
    return true
}

/// Solves L Lᵀ x = b in place (x holds b) with a factor from `choleskyFactor`.
@inline(__always)
func choleskySolve(_ l: UnsafePointer<Double>, _ n: Int, _ x: UnsafeMutablePointer<Double>) {
    for i in 0..<n {
        let ri = l + i &* n
        var v = x[i]
        for k in 0..<i { v -= ri[k] * x[k] }
        x[i] = v / ri[i]
    }
    var i = n - 1
    while i >= 0 {
        var v = x[i]
        for k in (i + 1)..<max(i + 1, n) { v -= l[k &* n &+ i] * x[k] }
        x[i] = v / l[i &* n &+ i]
        i -= 1
    }
}

/// The exact minimizer α > 0 of the convex piecewise quadratic
///
///     φ(α) = ½ α² quad + α lin + Σ_{r: z_r + α dz_r < 0} ½ D_r (z_r + α dz_r)²,
///
/// and φ(α) − φ(0). φ′ is piecewise linear and nondecreasing; its breakpoints are where a row
/// changes sides. From a bracket [lo, hi] with φ′(lo) < 0 < φ′(hi), a Newton step from either
/// end is exact when no breakpoint lies between the end and the step's landing point; otherwise
/// the landing point replaces one end, which then lies past at least one more breakpoint.
/// Returns α = 0 when φ′(0) ≥ 0 (no descent).
@inline(__always)
func exactLineSearch(n: Int, z: UnsafePointer<Double>, dz: UnsafePointer<Double>, D: UnsafePointer<Double>,
                     quad: Double, lin: Double) -> (alpha: Double, change: Double) {
    // φ′(x), the slopes of φ′ just right and just left of x, and whether no row changes sides
    // strictly between `ref` and x.
    @inline(__always) func probe(_ x: Double, from ref: Double) -> (slope: Double, right: Double, left: Double, samePiece: Bool) {
        var dv = x * quad + lin, right = quad, left = quad
        var same = true
        for r in 0..<n {
            let dzr = dz[r]
            if dzr == 0 { continue }
            let zx = z[r] + x * dzr
            let zref = z[r] + ref * dzr
            if (zx < 0 && zref > 0) || (zx > 0 && zref < 0) { same = false }
            let w = D[r] * dzr * dzr
            if zx < 0 {
                dv += D[r] * zx * dzr
                right += w; left += w
            } else if zx == 0 {
                if dzr < 0 { right += w } else { left += w }
            }
        }
        return (dv, right, left, same)
    }

    let start = probe(0, from: 0)
    guard start.slope < 0, quad > 0 else { return (0, 0) }
    var lo = 0.0, slopeLo = start.slope, curvatureLo = start.right
    var hi = Double.infinity, slopeHi = 0.0, curvatureHi = 0.0
    var alpha = -1.0
    // Each probe either lands on the root or passes a breakpoint; 2·n + 8 bounds that, with
    // bisection as the fallback for a degenerate bracket.
    for _ in 0..<(2 &* n &+ 8) {
        var x = lo - slopeLo / curvatureLo
        var ref = lo
        var newton = true
        if !(x < hi) {
            x = hi - slopeHi / curvatureHi
            ref = hi
            if !(x > lo && x < hi) { x = 0.5 * (lo + hi); newton = false }
        }
        let p = probe(x, from: ref)
        if (newton && p.samePiece) || p.slope == 0 { alpha = x; break }
        if p.slope < 0 {
            lo = x; slopeLo = p.slope; curvatureLo = p.right
        } else {
            hi = x; slopeHi = p.slope; curvatureHi = p.left
        }
    }
    if alpha < 0 { alpha = lo }  // not pinned down: lo still descends (φ′(lo) < 0)

    var change = alpha * (0.5 * alpha * quad + lin)
    for r in 0..<n {
        let z0 = z[r], za = z0 + alpha * dz[r]
        if za < 0 { change += 0.5 * D[r] * za * za }
        if z0 < 0 { change -= 0.5 * D[r] * z0 * z0 }
    }
    return (alpha, change)
}
