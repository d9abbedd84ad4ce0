// The scalar types' kernels: Float and Double conformances to `TensorScalar`. The loops themselves
// live in AutodiffKernels (AVX2+FMA) and its twin AutodiffKernelsAVX512; `KernelPath.active` picks
// one when the process starts. `Tensor` code reaches them through `TensorScalar`'s static
// requirements: one indirect call per op, never per element.
import Foundation
import AutodiffKernels
import AutodiffKernelsAVX512

/// Which compilation of the kernels runs.
public enum KernelPath: String, Sendable {
    /// AutodiffKernels: AVX2+FMA by default (or the portable baseline, see Package.swift).
    case avx2
    /// AutodiffKernelsAVX512: compiled for AVX-512 (F, CD, BW, DQ, VL).
    case avx512

    /// AVX-512 when the CPU has it (from /proc/cpuinfo), unless METARL_KERNELS=avx2 asks for the
    /// AVX2 path (for comparisons). Read once; the same for every thread.
    public static let active: KernelPath = {
        if ProcessInfo.processInfo.environment["METARL_KERNELS"] == "avx2" { return .avx2 }
        return CPUFeatures.hasAVX512 && AutodiffKernelsAVX512.Kernels.fusedMultiplyAdd ? .avx512 : .avx2
    }()
}

/// What the kernels in use were built for: "avx512", "fma" (AVX2+FMA) or "baseline".
public var kernelTarget: String {
    switch KernelPath.active {
    case .avx512: return "avx512"
    case .avx2: return AutodiffKernels.Kernels.fusedMultiplyAdd ? "fma" : "baseline"
    }
}

/// x86 features read from the kernel's view of the CPU.
public enum CPUFeatures {
    /// True when the CPU reports every AVX-512 subset that `-target-cpu skylake-avx512` may use.
    public static let hasAVX512: Bool = {
        #if arch(x86_64) && os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "fma", "avx2"].allSatisfy(flags.contains)
        #else
        return false
        #endif
    }()
}

extension Float: TensorScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch KernelPath.active {
        case .avx512:
            AutodiffKernelsAVX512.Kernels.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        case .avx2:
            AutodiffKernels.Kernels.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                          a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        }
    }
    public static func vExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch KernelPath.active {
        case .avx512: AutodiffKernelsAVX512.Kernels.vexpf(x, y, n)
        case .avx2: AutodiffKernels.Kernels.vexpf(x, y, n)
        }
    }
    public static func vLog(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = Foundation.log(x[i]) }
    }
    public static func vTanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch KernelPath.active {
        case .avx512: AutodiffKernelsAVX512.Kernels.vtanhf(x, y, n)
        case .avx2: AutodiffKernels.Kernels.vtanhf(x, y, n)
        }
    }
    public static func vSoftplus(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch KernelPath.active {
        case .avx512: AutodiffKernelsAVX512.Kernels.vsoftplusf(x, y, n)
        case .avx2: AutodiffKernels.Kernels.vsoftplusf(x, y, n)
        }
    }
    public static func scalarLog(_ x: Float) -> Float { Foundation.log(x) }
    public static func scalarExp(_ x: Float) -> Float { Foundation.exp(x) }
}

// MARK: - Double: libm, because Double is the accuracy path

extension Double: TensorScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        switch KernelPath.active {
        case .avx512:
            AutodiffKernelsAVX512.Kernels.dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        case .avx2:
            AutodiffKernels.Kernels.dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                          a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        }
    }
    public static func vExp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] = Foundation.exp(x[i]) }
    }
    public static func vLog(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] = Foundation.log(x[i]) }
    }
    public static func vTanh(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] = Foundation.tanh(x[i]) }
    }
    public static func vSoftplus(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { let v = x[i]; y[i] = Swift.max(v, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(v))) }
    }
    public static func scalarLog(_ x: Double) -> Double { Foundation.log(x) }
    public static func scalarExp(_ x: Double) -> Double { Foundation.exp(x) }
}
