// Reverse mode. Every vector-Jacobian product below is written in Tensor operations, so when the
// reverse pass runs with `createGraph: true` the gradients are themselves tracked tensors and can
// be differentiated again, to any order (MAML's meta-gradient, TRPO's Fisher-vector products).
// With `createGraph: false` the same rules run on detached values and record nothing.

/// The operation that produced a tracked tensor; its backward rule is in `vjp` below.
@usableFromInline
enum Op<Scalar: TensorScalar> {
    case leaf
    case add, sub, mul, div, neg
    case scale(Scalar)          // y = c·x
    case shift                  // y = x + c
    case tanh, sigmoid, relu, exp, log, softplus, square, sqrt
    case clamp(Scalar, Scalar)  // lo, hi
    case minimum, maximum
    case matmul(Bool, Bool)     // transposeA, transposeB
    case sumAll                 // → shape []
    case sumAlong(Int)          // axis (removed or kept as 1: the output shape says which)
    case broadcastTo
    case reshape
    case transpose
    case concat(Int)            // axis
    case slice(Int, Int)        // axis, start
    case pad(Int, Int)          // axis, start (adjoint of slice)
    case gatherRows([Int])
    case scatterRows([Int])
}

extension Node {
    /// Gradients for each input (nil where not needed) given the gradient `g` of this node's output.
    /// `x` are the inputs and `y` the output, tracked when building a graph, detached otherwise.
    @inlinable
    func vjp(_ g: Tensor<Scalar>, _ x: [Tensor<Scalar>], _ y: Tensor<Scalar>, needs: [Bool]) -> [Tensor<Scalar>?] {
        typealias T = Tensor<Scalar>
        @inline(__always) func reduce(_ t: T, _ i: Int) -> T? { needs[i] ? t.sum(toShape: x[i].shape) : nil }
        switch op {
        case .leaf:
            return []
        case .add:
            return [reduce(g, 0), reduce(g, 1)]
        case .sub:
            return [reduce(g, 0), needs[1] ? (-g).sum(toShape: x[1].shape) : nil]
        case .mul:
            return [needs[0] ? reduce(g * x[1], 0) : nil, needs[1] ? reduce(g * x[0], 1) : nil]
        case .div:
            // d(a/b)/db = −a/b² = −y/b.
            return [needs[0] ? reduce(g / x[1], 0) : nil, needs[1] ? reduce(-(g * y) / x[1], 1) : nil]
        case .neg:
            return [-g]
        case .scale(let c):
            return [g.scaled(by: c)]
        case .shift:
            return [g]
        case .tanh:
            // 1 − tanh².
            return [g * (1 - y.square())]
        case .sigmoid:
            return [g * (y * (1 - y))]
        case .relu:
            return [g * x[0].greater(than: 0)]
        case .exp:
            return [g * y]
        case .log:
            return [g / x[0]]
        case .softplus:
            return [g * x[0].sigmoid()]
        case .square:
            return [g * x[0].scaled(by: 2)]
        case .sqrt:
            return [(g / y).scaled(by: 0.5)]
        case .clamp(let lo, let hi):
            let inside = x[0].detached().map { $0 >= lo && $0 <= hi ? 1 : 0 }
            return [g * inside]
        case .minimum, .maximum:
            // Weight 1 to the selected operand, ½ each at ties.
            let isMin: Bool
            if case .minimum = op { isMin = true } else { isMin = false }
            let w = T.zipBroadcast(x[0].detached(), x[1].detached()) { a, b in
                a == b ? 0.5 : ((a < b) == isMin ? 1 : 0)
            }
            return [needs[0] ? reduce(g * w, 0) : nil, needs[1] ? reduce(g * (1 - w), 1) : nil]
        case .matmul(let ta, let tb):
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, then undo the op.
            let a = x[0], b = x[1]
            var da: T? = nil, db: T? = nil
            if needs[0] {
                switch (ta, tb) {
                case (false, false): da = matmul(g, b, transposeB: true)
                case (false, true): da = matmul(g, b)
                case (true, false): da = matmul(b, g, transposeB: true)
                case (true, true): da = matmul(b, g, transposeA: true, transposeB: true)
                }
            }
            if needs[1] {
                switch (ta, tb) {
                case (false, false): db = matmul(a, g, transposeA: true)
                case (false, true): db = matmul(g, a, transposeA: true)
                case (true, false): db = matmul(a, g)
                case (true, true): db = matmul(g, a, transposeA: true, transposeB: true)
                }
            }
            return [da, db]
        case .sumAll:
            let ones = Shape([Int](repeating: 1, count: x[0].rank))
            return [g.reshaped(to: ones).broadcast(to: x[0].shape)]
        case .sumAlong(let ax):
            return [g.reshaped(to: x[0].shape.replacing(axis: ax, with: 1)).broadcast(to: x[0].shape)]
        case .broadcastTo:
            return [g.sum(toShape: x[0].shape)]
        case .reshape:
            return [g.reshaped(to: x[0].shape)]
        case .transpose:
            return [g.transposed()]
        case .concat(let ax):
            var start = 0
            var out: [T?] = []
            for (i, t) in x.enumerated() {
                let len = t.shape[ax]
                out.append(needs[i] ? g.slice(alongAxis: ax, from: start, count: len) : nil)
                start += len
            }
            return out
        case .slice(let ax, let start):
            return [g.padded(alongAxis: ax, at: start, toLength: x[0].shape[ax])]
        case .pad(let ax, let start):
            return [g.slice(alongAxis: ax, from: start, count: x[0].shape[ax])]
        case .gatherRows(let idx):
            return [g.scatteringRows(idx, rowCount: x[0].shape[0])]
        case .scatterRows(let idx):
            return [g.gatheringRows(idx)]
        }
    }
}

/// Gradients of `loss` with respect to each tensor in `wrt`.
///
/// - Parameters:
///   - loss: usually a scalar (shape []); otherwise the gradient of `sum(loss · seed)`.
///   - wrt: tracked tensors (leaves from `requiringGradient()`, or any intermediate result).
///     A tensor that `loss` does not depend on gets zeros.
///   - createGraph: when true the returned gradients are tracked and can be differentiated again
///     (gradient of gradient, Hessian-vector products); when false they are plain values.
///   - seed: the output cotangent, ones by default.
/// - Returns: one gradient per `wrt` entry, of the same shape.
///
/// Thread safety: the pass reads only immutable nodes and keeps its sums in local storage, so
/// threads may differentiate independent (or even shared) graphs concurrently.
///
/// Example, one MAML inner step and the meta-gradient through it:
/// ```
/// let θ = policy.parameters.requiringGradient()
/// let inner = -(policy.logLikelihood(a, given: s, parameters: θ) * advantages).mean()
/// let θAdapted = θ - α * gradients(of: inner, wrt: θ, createGraph: true)   // still a function of θ
/// let outer = -(policy.logLikelihood(a2, given: s2, parameters: θAdapted) * advantages2).mean()
/// let metaGradient = gradients(of: outer, wrt: θ)                        // through the inner step
/// ```
@inlinable
public func gradients<S>(of loss: Tensor<S>, wrt: [Tensor<S>], createGraph: Bool = false,
                         seed: Tensor<S>? = nil) -> [Tensor<S>] {
    for (i, t) in wrt.enumerated() {
        precondition(t.node != nil, "gradients: wrt[\(i)] (shape \(t.shape)) is not tracked; use requiringGradient()")
    }
    guard let root = loss.node else { return wrt.map { Tensor<S>.zeros($0.shape) } }

    // Topological order (inputs before outputs) by iterative depth-first search.
    var order: [Node<S>] = []
    var index: [ObjectIdentifier: Int] = [:]
    var stack: [(Node<S>, Int)] = [(root, 0)]
    var visiting = Set<ObjectIdentifier>([ObjectIdentifier(root)])
    while let (node, next) = stack.popLast() {
        if next < node.inputs.count {
            stack.append((node, next + 1))
            if let child = node.inputs[next].node, !visiting.contains(ObjectIdentifier(child)) {
                visiting.insert(ObjectIdentifier(child))
                stack.append((child, 0))
            }
        } else {
            index[ObjectIdentifier(node)] = order.count
            order.append(node)
        }
    }

    // Which nodes lie on a path to a wrt tensor: only those get gradients computed.
    var needed = [Bool](repeating: false, count: order.count)
    for t in wrt { if let i = index[ObjectIdentifier(t.node!)] { needed[i] = true } }
    for (i, node) in order.enumerated() where !needed[i] {
        for input in node.inputs {
            if let n = input.node, let j = index[ObjectIdentifier(n)], needed[j] { needed[i] = true; break }
        }
    }

    // Reverse accumulation.
    var grads = [Tensor<S>?](repeating: nil, count: order.count)
    let seedValue = seed ?? Tensor<S>.ones(loss.shape)
    precondition(seedValue.shape == loss.shape, "gradients: seed shape \(seedValue.shape) ≠ loss shape \(loss.shape)")
    grads[order.count - 1] = createGraph ? seedValue : seedValue.detached()
    for i in stride(from: order.count - 1, through: 0, by: -1) {
        let node = order[i]
        guard needed[i], let g = grads[i], !node.inputs.isEmpty else { continue }
        let needs = node.inputs.map { input -> Bool in
            guard let n = input.node, let j = index[ObjectIdentifier(n)] else { return false }
            return needed[j]
        }
        if !needs.contains(true) { continue }
        let inputs = createGraph ? node.inputs : node.inputs.map { $0.detached() }
        let output = Tensor<S>(shape: node.outputShape, storage: node.outputStorage, node: createGraph ? node : nil)
        let inputGrads = node.vjp(createGraph ? g : g.detached(), inputs, output, needs: needs)
        for (k, ig) in inputGrads.enumerated() {
            guard let ig, needs[k], let n = node.inputs[k].node, let j = index[ObjectIdentifier(n)] else { continue }
            precondition(ig.shape == node.inputs[k].shape, "gradients: rule for \(node.op) gave \(ig.shape) for input \(node.inputs[k].shape)")
            grads[j] = grads[j].map { $0 + ig } ?? ig
        }
    }
    return wrt.map { t in
        if let j = index[ObjectIdentifier(t.node!)], let g = grads[j] { return createGraph ? g : g.detached() }
        return Tensor<S>.zeros(t.shape)
    }
}

/// Gradient of a scalar `loss` with respect to one tensor.
@inlinable
public func gradient<S>(of loss: Tensor<S>, wrt x: Tensor<S>, createGraph: Bool = false) -> Tensor<S> {
    gradients(of: loss, wrt: [x], createGraph: createGraph)[0]
}

/// Hessian-vector products H·v for a scalar `loss`, as the gradient of (∇loss · v).
///
/// `vectors[i]` has the shape of `wrt[i]`; the result is (∇²loss)·v split the same way.
/// With `createGraph` the products stay differentiable (third order and up).
@inlinable
public func hessianVectorProducts<S>(of loss: Tensor<S>, wrt: [Tensor<S>], vectors: [Tensor<S>],
                                     createGraph: Bool = false) -> [Tensor<S>] {
    precondition(wrt.count == vectors.count, "hessianVectorProducts: \(wrt.count) tensors, \(vectors.count) vectors")
    let g = gradients(of: loss, wrt: wrt, createGraph: true)
    var dot: Tensor<S>? = nil
    for (gi, vi) in zip(g, vectors) {
        precondition(gi.shape == vi.shape, "hessianVectorProducts: vector shape \(vi.shape) ≠ \(gi.shape)")
        let term = (gi * vi.detached()).sum()
        dot = dot.map { $0 + term } ?? term
    }
    guard let dot else { return [] }
    return gradients(of: dot, wrt: wrt, createGraph: createGraph)
}
