import Testing
import Autodiff

/// Every op's first and second derivatives against central finite differences, in Double.
@Suite("Op derivatives vs finite differences")
struct OpDerivativeTests {
    @Test("binary arithmetic with broadcasting")
    func arithmetic() {
        var rng = TestRNG(seed: 1)
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([2, 3], []), ([], [2, 2])]
        for (sa, sb) in shapes {
            let a = randomTensor(sa, &rng), b = randomTensor(sb, &rng, 0.5, 2)
            checkDerivatives("add \(sa) \(sb)", [a, b]) { $0[0] + $0[1] }
            checkDerivatives("sub \(sa) \(sb)", [a, b]) { $0[0] - $0[1] }
            checkDerivatives("mul \(sa) \(sb)", [a, b]) { $0[0] * $0[1] }
            checkDerivatives("div \(sa) \(sb)", [a, b]) { $0[0] / $0[1] }
        }
        let x = randomTensor([2, 3], &rng)
        checkDerivatives("neg", [x]) { -$0[0] }
        checkDerivatives("scale", [x]) { $0[0] * 2.5 }
        checkDerivatives("shift", [x]) { 1.5 - $0[0] }
        checkDerivatives("x*x (same tensor twice)", [x]) { $0[0] * $0[0] }
    }

    @Test("unary functions")
    func unary() {
        var rng = TestRNG(seed: 2)
        let x = randomTensor([3, 5], &rng, -2, 2)
        let positive = randomTensor([3, 5], &rng, 0.3, 3)
        checkDerivatives("tanh", [x]) { $0[0].tanh() }
        checkDerivatives("sigmoid", [x]) { $0[0].sigmoid() }
        checkDerivatives("exp", [x]) { $0[0].exp() }
        checkDerivatives("log", [positive]) { $0[0].log() }
        checkDerivatives("softplus", [x]) { $0[0].softplus() }
        checkDerivatives("square", [x]) { $0[0].square() }
        checkDerivatives("sqrt", [positive]) { $0[0].sqrt() }
        // Away from kinks: at least 0.1 from 0 and from the clamp bounds.
        let awayFromZero = T(shape: x.shape, scalars: x.scalars.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 })
        checkDerivatives("relu", [awayFromZero]) { $0[0].relu() }
        let awayFromBounds = T(shape: x.shape, scalars: x.scalars.map { abs(abs($0) - 1) < 0.1 ? $0 * 1.3 : $0 })
        checkDerivatives("clamp", [awayFromBounds]) { $0[0].clamped(min: -1, max: 1) }
        let y = randomTensor([5], &rng, -2, 2)
        checkDerivatives("minimum (broadcast)", [x, y]) { minimum($0[0], $0[1]) }
        checkDerivatives("maximum (broadcast)", [x, y]) { maximum($0[0], $0[1]) }
    }

    @Test("matrix products: transposes and batches")
    func matmuls() {
        var rng = TestRNG(seed: 3)
        let a = randomTensor([3, 4], &rng), b = randomTensor([4, 5], &rng)
        let at = randomTensor([4, 3], &rng), bt = randomTensor([5, 4], &rng)
        checkDerivatives("A·B", [a, b]) { matmul($0[0], $0[1]) }
        checkDerivatives("Aᵀ·B", [at, b]) { matmul($0[0], $0[1], transposeA: true) }
        checkDerivatives("A·Bᵀ", [a, bt]) { matmul($0[0], $0[1], transposeB: true) }
        checkDerivatives("Aᵀ·Bᵀ", [at, bt]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) }
        let ba = randomTensor([2, 3, 4], &rng), bb = randomTensor([2, 4, 2], &rng), bbt = randomTensor([2, 2, 4], &rng)
        checkDerivatives("batched A·B", [ba, bb]) { matmul($0[0], $0[1]) }
        checkDerivatives("batched A·Bᵀ", [ba, bbt]) { matmul($0[0], $0[1], transposeB: true) }
        checkDerivatives("batched by shared B", [ba, b]) { matmul($0[0], $0[1]) }
        let bias = randomTensor([5], &rng)
        checkDerivatives("affine", [a, b, bias]) { $0[0].affine($0[1], $0[2]) }
    }

    @Test("reductions and broadcasting")
    func reductions() {
        var rng = TestRNG(seed: 4)
        let x = randomTensor([2, 3, 4], &rng)
        checkDerivatives("sum", [x]) { $0[0].sum() }
        checkDerivatives("mean", [x]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            checkDerivatives("sum axis \(axis)", [x]) { $0[0].sum(alongAxis: axis) }
            checkDerivatives("mean axis \(axis) keep", [x]) { $0[0].mean(alongAxis: axis, keepingDimension: true) }
        }
        checkDerivatives("sum to [3,1]", [x]) { $0[0].sum(toShape: [3, 1]) }
        let r = randomTensor([3, 1], &rng)
        checkDerivatives("broadcast [3,1]→[2,3,4]", [r]) { $0[0].broadcast(to: [2, 3, 4]) }
    }

    @Test("reshape, transpose, concat, slice, gather, masks")
    func dataMovement() {
        var rng = TestRNG(seed: 5)
        let x = randomTensor([4, 3], &rng), y = randomTensor([4, 2], &rng), z = randomTensor([2, 3], &rng)
        checkDerivatives("reshape", [x]) { $0[0].reshaped([2, 6]) }
        checkDerivatives("transpose", [x]) { $0[0].transposed() }
        checkDerivatives("concat features", [x, y]) { concatenate([$0[0], $0[1]], alongAxis: -1) }
        checkDerivatives("concat rows", [x, z]) { concatenate([$0[0], $0[1]], alongAxis: 0) }
        checkDerivatives("slice rows", [x]) { $0[0].rows(1..<3) }
        checkDerivatives("slice features", [x]) { $0[0].slice(alongAxis: 1, from: 1, count: 2) }
        checkDerivatives("gather with repeats", [x]) { $0[0].gatheringRows([3, 0, 3, 1]) }
        let mask = T([4, 1], [1, 0, 1, 1])
        checkDerivatives("masked", [x]) { $0[0].masked(by: mask).tanh() }
        checkDerivatives("select", [x, x * 0.5]) { T.select(mask, $0[0].exp(), $0[1].square()) }
    }

    @Test("a GRU cell: sigmoid gates, tanh, products, feature concat and slicing")
    func gruCell() {
        var rng = TestRNG(seed: 6)
        let x = randomTensor([2, 3], &rng), h = randomTensor([2, 4], &rng)
        let w = randomTensor([7, 12], &rng, -0.5, 0.5), b = randomTensor([12], &rng)
        checkDerivatives("GRU", [x, h, w, b]) { v in
            let (x, h, w, b) = (v[0], v[1], v[2], v[3])
            let xh = concatenate([x, h], alongAxis: -1)
            let gates = xh.affine(w.slice(alongAxis: 1, from: 0, count: 8), b.slice(alongAxis: 0, from: 0, count: 8)).sigmoid()
            let z = gates.slice(alongAxis: -1, from: 0, count: 4), r = gates.slice(alongAxis: -1, from: 4, count: 4)
            let xrh = concatenate([x, r * h], alongAxis: -1)
            let n = xrh.affine(w.slice(alongAxis: 1, from: 8, count: 4), b.slice(alongAxis: 0, from: 8, count: 4)).tanh()
            return (1 - z) * n + z * h
        }
    }

    @Test("subgradient conventions at the kinks")
    func kinks() {
        let x = T([5], [-1, 0, 1, 2, 3]).requiringGradient()
        #expect(gradient(of: x.relu().sum(), wrt: x).scalars == [0, 0, 1, 1, 1])
        // clamp to [0, 2]: 1 on the closed interval, boundaries included.
        #expect(gradient(of: x.clamped(min: 0, max: 2).sum(), wrt: x).scalars == [0, 1, 1, 1, 0])
        let y = T([5], [0, 0, 1, 5, 5]).requiringGradient()
        let gMin = gradients(of: minimum(x, y).sum(), wrt: [x, y])
        #expect(gMin[0].scalars == [1, 0.5, 0.5, 1, 1])
        #expect(gMin[1].scalars == [0, 0.5, 0.5, 0, 0])
        let gMax = gradients(of: maximum(x, y).sum(), wrt: [x, y])
        #expect(gMax[0].scalars == [0, 0.5, 0.5, 0, 0])
        #expect(gMax[1].scalars == [1, 0.5, 0.5, 1, 1])
        // Second derivative of relu(x)² − relu(x) is 2 where x > 0, 0 elsewhere (including the kink).
        let hv = hessianVectorProducts(of: x.relu().square().sum() - x.relu().sum(), wrt: [x], vectors: [T.ones([5])])
        #expect(hv[0].scalars == [0, 0, 2, 2, 2])
    }

    @Test("stop-gradient blocks the path")
    func stopGradient() {
        let x = T([3], [1, 2, 3]).requiringGradient()
        let g = gradient(of: (x * x.stopGradient()).sum(), wrt: x)
        #expect(g.scalars == [1, 2, 3])   // d/dx (x·⊥x) = ⊥x
    }

    @Test("third derivative: d³/dx³ Σx³ = 6, by gradients of gradients")
    func thirdOrder() {
        let x = T([2], [0.7, -1.3]).requiringGradient()
        let g1 = gradient(of: (x * x * x).sum(), wrt: x, createGraph: true)       // 3x²
        let g2 = gradient(of: g1.sum(), wrt: x, createGraph: true)                 // 6x
        let g3 = gradient(of: g2.sum(), wrt: x)                                    // 6
        #expect(zip(g1.scalars, [3 * 0.49, 3 * 1.69]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(g2.scalars, [4.2, -7.8]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(g3.scalars, [6.0, 6.0]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("a tensor the loss does not depend on gets zeros")
    func unrelated() {
        let x = T([2], [1, 2]).requiringGradient(), y = T([3], [1, 2, 3]).requiringGradient()
        let g = gradients(of: x.square().sum(), wrt: [x, y])
        #expect(g[0].scalars == [2, 4])
        #expect(g[1].scalars == [0, 0, 0])
    }
}
