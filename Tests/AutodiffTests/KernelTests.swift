import Testing
import Foundation
import Autodiff
import AutodiffKernels
import AutodiffKernelsAVX512

/// The Float kernels (SIMD matmul, polynomial exp/tanh) against Double references.
@Suite("Float kernels vs Double references")
struct KernelTests {
    @Test("Float matmul, all transposes, awkward sizes, k-blocking", arguments: [
        (1, 64, 39), (5, 37, 300), (13, 17, 3), (64, 64, 64), (7, 33, 600), (4, 32, 1), (0, 3, 2), (3, 5, 0),
    ])
    func gemm(_ size: (Int, Int, Int)) {
        let (m, n, k) = size
        var rng = TestRNG(seed: UInt64(m * 1000 + n * 10 + k))
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randomTensor(ta ? [k, m] : [m, k], &rng), b = randomTensor(tb ? [n, k] : [k, n], &rng)
                let c = matmul(a.converted(to: Float.self), b.converted(to: Float.self), transposeA: ta, transposeB: tb)
                #expect(c.shape == [m, n])
                let av = a.scalars, bv = b.scalars
                for i in 0..<m {
                    for j in 0..<n {
                        var ref = 0.0, mag = 0.0
                        for p in 0..<k {
                            let x = ta ? av[p * m + i] : av[i * k + p], y = tb ? bv[j * k + p] : bv[p * n + j]
                            ref += x * y; mag += abs(x * y)
                        }
                        // Float rounding of inputs and sums: a few ulps of Σ|a·b|.
                        let got = Double(c[flat: i * n + j])
                        #expect(abs(got - ref) <= 4e-7 * mag * Double(max(k, 1)).squareRoot() + 1e-30, "(\(i),\(j)) \(got) vs \(ref)")
                    }
                }
            }
        }
    }

    @Test("Float exp, tanh, sigmoid within a few ulps of libm in Double")
    func transcendental() {
        var xs: [Float] = [0, -0, 1e-30, -1e-30, 1e-8, 0.49999, 0.5, 0.50001, -0.5, 9.9, 10, 20, -20, 88.7, -87, -103, 89, -105]
        var x: Float = -30
        while x < 30 { xs.append(x); x += 0.0137 }
        let t = Tensor<Float>(xs)
        let e = t.exp().scalars, th = t.tanh().scalars, sg = t.sigmoid().scalars
        for (i, v) in xs.enumerated() {
            let d = Double(v)
            let refE = exp(d), refT = tanh(d), refS = 1 / (1 + exp(-d))
            if refE < Double(Float.greatestFiniteMagnitude) && refE > Double(Float.leastNormalMagnitude) {
                #expect(abs(Double(e[i]) - refE) <= 3e-7 * refE, "exp(\(v)) = \(e[i]) vs \(refE)")
            }
            #expect(abs(Double(th[i]) - refT) <= 3e-7 * max(abs(refT), 1e-38), "tanh(\(v)) = \(th[i]) vs \(refT)")
            #expect(abs(Double(sg[i]) - refS) <= 3e-7 * max(refS, 1e-30) || abs(Double(sg[i]) - refS) < 1e-7, "sigmoid(\(v))")
        }
        #expect(Tensor<Float>([89, -105]).exp().scalars == [.infinity, 0])
        #expect(Tensor<Float>([.nan]).exp().scalars[0].isNaN && Tensor<Float>([.nan]).tanh().scalars[0].isNaN)
        #expect(Tensor<Float>([.infinity, -.infinity]).tanh().scalars == [1, -1])
    }

    @Test("a Float MLP forward agrees with the same network in Double")
    func mlpFloatVsDouble() {
        var rng = TestRNG(seed: 31)
        let net = MLP<Double>(sizes: [39, 64, 64, 4], using: &rng)
        let netF = MLP<Float>(sizes: [39, 64, 64, 4], using: &rng)
        let thetaF = net.parameters.converted(to: Float.self)
        let x = randomTensor([7, 39], &rng)
        let yd = net(x), yf = netF(x.converted(to: Float.self), parameters: thetaF)
        for (a, b) in zip(yf.scalars, yd.scalars) { #expect(abs(Double(a) - b) < 1e-5) }
    }
}

@Suite("Allocator tuning")
struct AllocatorTests {
    @Test("mallopt is found and accepts the settings")
    func configure() {
        #if os(Linux)
        #expect(configureAllocatorForTensors())
        #endif
    }
}

/// The two compilations of AutodiffKernels (AVX2+FMA and AVX-512) must compute the same numbers:
/// same operations in the same order, fused multiply-adds in both. Checked bit for bit, so a
/// result never depends on which machine ran it.
@Suite("AVX2 and AVX-512 kernel compilations agree")
struct KernelPathTests {
    @Test("GEMM (all transposes) and exp/tanh/softplus, bit for bit", arguments: [(1, 64, 39), (5, 37, 300), (64, 64, 64), (9, 4, 64)])
    func samePaths(_ size: (Int, Int, Int)) throws {
        guard CPUFeatures.hasAVX512 else { return }   // the AVX-512 compilation cannot run here
        let (m, n, k) = size
        var rng = TestRNG(seed: 77)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) }, b = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
        for ta in [false, true] {
            for tb in [false, true] {
                var c1 = [Float](repeating: 0, count: m * n), c2 = c1
                let lda = ta ? m : k, ldb = tb ? k : n
                AutodiffKernels.Kernels.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c1, ldc: n)
                AutodiffKernelsAVX512.Kernels.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c2, ldc: n)
                #expect(c1 == c2, "sgemm \(size) ta=\(ta) tb=\(tb)")
            }
        }
        let x = (0..<1000).map { _ in Float(rng.uniform(-30, 30)) }
        var y1 = [Float](repeating: 0, count: x.count), y2 = y1
        AutodiffKernels.Kernels.vexpf(x, &y1, x.count); AutodiffKernelsAVX512.Kernels.vexpf(x, &y2, x.count)
        #expect(y1 == y2)
        AutodiffKernels.Kernels.vtanhf(x, &y1, x.count); AutodiffKernelsAVX512.Kernels.vtanhf(x, &y2, x.count)
        #expect(y1 == y2)
        AutodiffKernels.Kernels.vsoftplusf(x, &y1, x.count); AutodiffKernelsAVX512.Kernels.vsoftplusf(x, &y2, x.count)
        #expect(y1 == y2)
    }

    @Test("the AVX-512 path is chosen exactly when the CPU has AVX-512 and it was built for it")
    func dispatch() {
        let forced = ProcessInfo.processInfo.environment["METARL_KERNELS"] == "avx2"
        // A portable build (METARL_TARGET_CPU=x86-64) compiles both without CPU flags: no point.
        let built = AutodiffKernelsAVX512.Kernels.fusedMultiplyAdd
        #expect(KernelPath.active == (CPUFeatures.hasAVX512 && built && !forced ? .avx512 : .avx2))
    }
}
