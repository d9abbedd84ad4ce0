// AutodiffKernels: the hot loops of Autodiff (register-tiled GEMM over raw pointers, vectorizable
// Float exp/tanh), with a non-generic public entry point per kernel.
//
// This one source file is compiled twice (Package.swift): as AutodiffKernels for AVX2+FMA and,
// through a symbolic link, as AutodiffKernelsAVX512 for AVX-512. Autodiff picks one at run time
// from the CPU's features, so the default build is fast on AVX-512 machines and still runs on
// AVX2-only ones. Without FMA in the target, `addProduct` would become a library call, so the
// kernels use separate multiply and add unless AUTODIFF_FMA is defined.
import Foundation

// MARK: - GEMM

/// Depth of one k-block: a 256×n slab of B (64 KiB at n = 64, Float) stays in L2 while every row
/// tile of A streams past it.
let gemmBlockK = 256

@inline(__always)
private func fma<V: SIMD>(_ acc: inout V, _ a: V, _ b: V) where V.Scalar: BinaryFloatingPoint {
    #if AUTODIFF_FMA
    acc.addProduct(a, b)
    #else
    acc += a * b
    #endif
}

@inline(__always)
private func load<V: SIMD>(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
@inline(__always)
private func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

/// C[m×n] (+)= A·B for B row-major (k×n, row stride ldb) and A addressed by strides:
/// element (i, p) at a[i·ars + p·acs] (ars = lda, acs = 1 for A; ars = 1, acs = lda for Aᵀ).
/// `accumulate` adds into C instead of overwriting. Tiles: 4 rows × 2V columns in registers.
@inline(__always)
private func gemmStrided<V: SIMD>(_ vector: V.Type, m: Int, n: Int, k: Int,
                                  a: UnsafePointer<V.Scalar>, ars: Int, acs: Int,
                                  b: UnsafePointer<V.Scalar>, ldb: Int,
                                  c: UnsafeMutablePointer<V.Scalar>, ldc: Int, accumulate: Bool)
where V.Scalar: BinaryFloatingPoint {
    let w = V.scalarCount
    var i = 0
    // Four-row tiles.
    while i &+ 4 <= m {
        let a0 = a + i &* ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars
        let c0 = c + i &* ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        var j = 0
        while j &+ 2 &* w <= n {
            var x00 = V(), x01 = V(), x10 = V(), x11 = V(), x20 = V(), x21 = V(), x30 = V(), x31 = V()
            if accumulate {
                x00 = load(c0 + j); x01 = load(c0 + (j &+ w)); x10 = load(c1 + j); x11 = load(c1 + (j &+ w))
                x20 = load(c2 + j); x21 = load(c2 + (j &+ w)); x30 = load(c3 + j); x31 = load(c3 + (j &+ w))
            }
            var bp = b + j
            var off = 0
            for _ in 0..<k {
                let b0: V = load(bp), b1: V = load(bp + w)
                let s0 = V(repeating: a0[off]), s1 = V(repeating: a1[off]), s2 = V(repeating: a2[off]), s3 = V(repeating: a3[off])
                fma(&x00, s0, b0); fma(&x01, s0, b1); fma(&x10, s1, b0); fma(&x11, s1, b1)
                fma(&x20, s2, b0); fma(&x21, s2, b1); fma(&x30, s3, b0); fma(&x31, s3, b1)
                bp += ldb; off &+= acs
            }
            store(x00, c0 + j); store(x01, c0 + (j &+ w)); store(x10, c1 + j); store(x11, c1 + (j &+ w))
            store(x20, c2 + j); store(x21, c2 + (j &+ w)); store(x30, c3 + j); store(x31, c3 + (j &+ w))
            j &+= 2 &* w
        }
        while j &+ w <= n {
            var x0 = V(), x1 = V(), x2 = V(), x3 = V()
            if accumulate { x0 = load(c0 + j); x1 = load(c1 + j); x2 = load(c2 + j); x3 = load(c3 + j) }
            var bp = b + j
            var off = 0
            for _ in 0..<k {
                let bv: V = load(bp)
                fma(&x0, V(repeating: a0[off]), bv); fma(&x1, V(repeating: a1[off]), bv)
                fma(&x2, V(repeating: a2[off]), bv); fma(&x3, V(repeating: a3[off]), bv)
                bp += ldb; off &+= acs
            }
            store(x0, c0 + j); store(x1, c1 + j); store(x2, c2 + j); store(x3, c3 + j)
            j &+= w
        }
        while j < n {
            var x0 = accumulate ? c0[j] : 0, x1 = accumulate ? c1[j] : 0, x2 = accumulate ? c2[j] : 0, x3 = accumulate ? c3[j] : 0
            var bp = b + j
            var off = 0
            for _ in 0..<k {
                let bv = bp[0]
                x0 += a0[off] * bv; x1 += a1[off] * bv; x2 += a2[off] * bv; x3 += a3[off] * bv
                bp += ldb; off &+= acs
            }
            c0[j] = x0; c1[j] = x1; c2[j] = x2; c3[j] = x3
            j &+= 1
        }
        i &+= 4
    }
    // Remaining rows one at a time (batch-1 inference lands here).
    while i < m {
        let a0 = a + i &* ars, c0 = c + i &* ldc
        var j = 0
        while j &+ 4 &* w <= n {
            var x0 = V(), x1 = V(), x2 = V(), x3 = V()
            if accumulate { x0 = load(c0 + j); x1 = load(c0 + (j &+ w)); x2 = load(c0 + (j &+ 2 &* w)); x3 = load(c0 + (j &+ 3 &* w)) }
            var bp = b + j
            var off = 0
            for _ in 0..<k {
                let s = V(repeating: a0[off])
                fma(&x0, s, load(bp)); fma(&x1, s, load(bp + w)); fma(&x2, s, load(bp + 2 &* w)); fma(&x3, s, load(bp + 3 &* w))
                bp += ldb; off &+= acs
            }
            store(x0, c0 + j); store(x1, c0 + (j &+ w)); store(x2, c0 + (j &+ 2 &* w)); store(x3, c0 + (j &+ 3 &* w))
            j &+= 4 &* w
        }
        while j &+ w <= n {
            var x0 = V()
            if accumulate { x0 = load(c0 + j) }
            var bp = b + j
            var off = 0
            for _ in 0..<k { fma(&x0, V(repeating: a0[off]), load(bp)); bp += ldb; off &+= acs }
            store(x0, c0 + j)
            j &+= w
        }
        while j < n {
            var x0 = accumulate ? c0[j] : 0
            var bp = b + j
            var off = 0
            for _ in 0..<k { x0 += a0[off] * bp[0]; bp += ldb; off &+= acs }
            c0[j] = x0
            j &+= 1
        }
        i &+= 1
    }
}

/// The full GEMM: Bᵀ operands are transposed into a scratch slab (stack for small ones), then
/// k-blocked calls of the register-tiled kernel.
@inline(__always)
private func gemmDriver<V: SIMD>(_ vector: V.Type, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                 a: UnsafePointer<V.Scalar>, lda: Int, b: UnsafePointer<V.Scalar>, ldb: Int,
                                 c: UnsafeMutablePointer<V.Scalar>, ldc: Int)
where V.Scalar: BinaryFloatingPoint {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { (c + i &* ldc).initialize(repeating: 0, count: n) }
        return
    }
    let ars = transposeA ? 1 : lda, acs = transposeA ? lda : 1
    func run(_ bb: UnsafePointer<V.Scalar>, _ ldbb: Int) {
        var p0 = 0
        while p0 < k {
            let kc = min(gemmBlockK, k &- p0)
            gemmStrided(vector, m: m, n: n, k: kc, a: a + p0 &* acs, ars: ars, acs: acs,
                        b: bb + p0 &* ldbb, ldb: ldbb, c: c, ldc: ldc, accumulate: p0 > 0)
            p0 &+= kc
        }
    }
    if transposeB {
        // B is stored n×k; make the k×n copy the kernel wants.
        withUnsafeTemporaryAllocation(of: V.Scalar.self, capacity: k &* n) { t in
            let tp = t.baseAddress!
            for j in 0..<n { let row = b + j &* ldb; for p in 0..<k { tp[p &* n &+ j] = row[p] } }
            run(UnsafePointer(tp), n)
        }
    } else {
        run(b, ldb)
    }
}

// MARK: - Float transcendental kernels

/// a·b + c, fused when the build targets FMA (one rounding, one instruction), else plain.
@inline(__always)
func madd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    #if AUTODIFF_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

/// eˣ in Float, branch-free so loops over it vectorize: n = round(x/ln2), r = x − n·ln2 by
/// Cody–Waite (|r| ≤ ln2/2), Taylor series to r⁷ (truncation ≤ 0.347⁸/8! ≈ 5e−9, below half
/// an ulp), times 2ⁿ built from exponent bits in two halves so 2ⁿ never overflows an exponent field.
@inline(__always)
func fastExpFloat(_ x: Float) -> Float {
    // Inputs outside [−104, 89] give 0 or ∞ anyway (e⁸⁹ > Float.max, e⁻¹⁰⁴ < half the least subnormal).
    let xc = Swift.min(Swift.max(x, -104), 89)
    // 1.5·2²³: adding it rounds x/ln2 to an integer held in the low mantissa bits.
    let t = xc * 1.44269504088896341 + 12582912
    let nf = t - 12582912
    // r = x − n·ln2 in two pieces (Cody–Waite): ln2_hi has 9 significant bits, so n·ln2_hi is exact.
    let r = madd(-nf, -2.12194440e-4, madd(-nf, 0.693359375, xc))
    var p: Float = madd(r, 1.0 / 5040, 1.0 / 720)
    p = madd(p, r, 1.0 / 120)
    p = madd(p, r, 1.0 / 24)
    p = madd(p, r, 1.0 / 6)
    p = madd(p, r, 0.5)
    p = madd(p, r, 1)
    p = madd(p, r, 1)
    let n = Int32(bitPattern: t.bitPattern &- 0x4B40_0000)
    let h = n &>> 1
    let s1 = Float(bitPattern: UInt32(bitPattern: (h &+ 127) &<< 23))
    let s2 = Float(bitPattern: UInt32(bitPattern: (n &- h &+ 127) &<< 23))
    let y = p * s1 * s2
    return x.isNaN ? x : y
}

/// tanh in Float, branch-free: odd Taylor polynomial to x¹⁵ for |x| < 0.5 (next term < 1e−8
/// relative), (1 − e)/(1 + e) with e = e^(−2|x|) above (no cancellation there since e < e⁻¹).
@inline(__always)
func fastTanhFloat(_ x: Float) -> Float {
    let a = Swift.min(Swift.abs(x), 10)    // tanh(10) rounds to 1 in Float
    let z = x * x
    // Taylor coefficients of tanh: −1/3, 2/15, −17/315, 62/2835, −1382/155925, 21844/6081075, −929569/638512875.
    var q: Float = madd(z, -0.0014558343870513183, 0.0035921280365724811)
    q = madd(q, z, -0.0088632355299021966)
    q = madd(q, z, 0.021869488536155203)
    q = madd(q, z, -0.053968253968253968)
    q = madd(q, z, 0.13333333333333333)
    let q3 = madd(q, z, -0.33333333333333333)
    let small = x + x * z * q3
    let e = fastExpFloat(-2 * a)
    let big = (1 - e) / (1 + e)
    let signed = x < 0 ? -big : big
    return a < 0.5 ? small : signed
}

// MARK: - Entry points

/// The kernels of this compilation.
public enum Kernels {
    /// True when compiled with fused multiply-add (a -target-cpu with FMA).
    public static var fusedMultiplyAdd: Bool {
        #if AUTODIFF_FMA
        return true
        #else
        return false
        #endif
    }

    /// C[m×n] = op(A)·op(B) in Float (see `TensorScalar.gemm` for the layout).
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        // Columns in multiples of 16 with 16-lane tiles, the rest (e.g. a 4-wide action head)
        // with 4-lane tiles.
        let wide = n & ~15
        if wide > 0 {
            gemmDriver(SIMD16<Float>.self, transposeA: transposeA, transposeB: transposeB, m: m, n: wide, k: k,
                       a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        }
        if wide < n {
            gemmDriver(SIMD4<Float>.self, transposeA: transposeA, transposeB: transposeB, m: m, n: n - wide, k: k,
                       a: a, lda: lda, b: transposeB ? b + wide * ldb : b + wide, ldb: ldb, c: c + wide, ldc: ldc)
        }
    }

    /// C[m×n] = op(A)·op(B) in Double.
    public static func dgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                             c: UnsafeMutablePointer<Double>, ldc: Int) {
        gemmDriver(SIMD8<Double>.self, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                   a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
    }

    /// y[i] = eˣ⁽ⁱ⁾ in Float, within 2 ulp of the correctly rounded value.
    public static func vexpf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = fastExpFloat(x[i]) }
    }
    /// y[i] = tanh x[i] in Float.
    public static func vtanhf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = fastTanhFloat(x[i]) }
    }
    /// y[i] = log(1 + eˣ⁽ⁱ⁾) in Float, as max(x, 0) + log1p(e^−|x|).
    public static func vsoftplusf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { let v = x[i]; y[i] = Swift.max(v, 0) + Foundation.log1p(fastExpFloat(-Swift.abs(v))) }
    }
}
