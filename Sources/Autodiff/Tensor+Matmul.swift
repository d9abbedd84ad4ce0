// Matrix products: 2-D and batched (rank 3), with either operand transposed in place (no copies).

/// op(a)·op(b) where op transposes the last two axes when asked.
///
/// Shapes: a [m, k] (or [k, m] when `transposeA`), b [k, n] (or [n, k] when `transposeB`) → [m, n].
/// Batched: a [B, m, k], b [B, k, n] → [B, m, n]; a rank-3 `a` with a rank-2 `b` multiplies every
/// batch by the same matrix (one large product over B·m rows).
@inlinable public func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>,
                                 transposeA: Bool = false, transposeB: Bool = false) -> Tensor<S> {
    if a.rank == 3 && b.rank == 2 && !transposeA {
        // Shared weights: fold the batch into rows.
        let (bt, m, k) = (a.shape[0], a.shape[1], a.shape[2])
        let flat = matmul(a.reshaped(to: .matrix(bt * m, k)), b, transposeB: transposeB)
        return flat.reshaped(to: Shape([bt, m, flat.shape[1]]))
    }
    precondition((a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0]),
                 "matmul: unsupported shapes \(a.shape), \(b.shape)")
    let batched = a.rank == 3
    let batch = batched ? a.shape[0] : 1
    let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1], br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
    let m = transposeA ? ac : ar, k = transposeA ? ar : ac
    let kb = transposeB ? bc : br, n = transposeB ? br : bc
    precondition(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let shape: Shape = batched ? Shape([batch, m, n]) : .matrix(m, n)
    let pa = UnsafePointer(a.storage.base), pb = UnsafePointer(b.storage.base)
    let out = Tensor<S>(shape: shape) { c in
        for t in 0..<batch {
            S.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                   a: pa + t &* ar &* ac, lda: ac, b: pb + t &* br &* bc, ldb: bc,
                   c: c + t &* m &* n, ldc: n)
        }
    }
    return Tensor.record2(.matmul(transposeA, transposeB), a, b, out)
}

extension Tensor {
    /// x·W + b for x [batch, in], W [in, out], b [out]: one dense layer.
    @inlinable public func affine(_ weight: Tensor, _ bias: Tensor) -> Tensor {
        matmul(self, weight) + bias
    }
}
