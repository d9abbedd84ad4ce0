// Tensor: a dense, row-major, contiguous array of Float or Double with an optional link into a
// reverse-mode graph. Values are immutable once built; the graph is a DAG of immutable nodes.
//
// Design (why generic, not dtype-tagged): `Tensor<Scalar>` is generic over the tiny protocol
// `TensorScalar` (Float, Double). Learning runs in Float; tests and accuracy-critical statistics run
// in Double. Every public entry point is `@inlinable`, so a client module (a learner) gets code
// specialized for Float with no dynamic dispatch; the only dynamic hops are the per-op calls into
// the concrete kernels (`TensorScalar` static requirements, Kernels.swift), one indirect call per
// op, not per element. A dtype-tagged storage would instead branch on the tag inside every op and
// force every op to be written twice.
import Foundation

/// The element types a `Tensor` can hold: `Float` (learning) and `Double` (tests, accumulations).
///
/// Besides arithmetic, a scalar type supplies the few kernels that must be fast or exact for it:
/// matrix multiply and the transcendental functions over whole buffers (Kernels.swift).
public protocol TensorScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// C[m×n] = op(A)·op(B), overwriting C. `op(A)` is A (m×k, row stride lda) or, when
    /// `transposeA`, Aᵀ with A stored k×m; likewise B (k×n) or Bᵀ with B stored n×k.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y[i] = exp(x[i]) for i < n.
    static func vExp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y[i] = log(x[i]) for i < n.
    static func vLog(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y[i] = tanh(x[i]) for i < n.
    static func vTanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y[i] = log(1 + exp(x[i])) for i < n, without overflow.
    static func vSoftplus(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// Scalar natural logarithm and exponential (for constants such as log 2π).
    static func scalarLog(_ x: Self) -> Self
    static func scalarExp(_ x: Self) -> Self
}

// MARK: - Shape

/// A tensor shape of rank 0…4, stored inline (no heap allocation per tensor).
/// Rank 0 is a scalar (one element). Unused trailing slots hold 1.
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public let rank: Int
    @usableFromInline var d0: Int, d1: Int, d2: Int, d3: Int

    /// Maximum rank: batched matmul needs 3, images are not in scope; 4 leaves headroom.
    public static var maxRank: Int { 4 }

    @inlinable public init(_ dims: [Int]) {
        precondition(dims.count <= 4, "Shape: rank \(dims.count) > 4")
        precondition(dims.allSatisfy { $0 >= 0 }, "Shape: negative dimension in \(dims)")
        rank = dims.count
        d0 = dims.count > 0 ? dims[0] : 1
        d1 = dims.count > 1 ? dims[1] : 1
        d2 = dims.count > 2 ? dims[2] : 1
        d3 = dims.count > 3 ? dims[3] : 1
    }
    @inlinable public init(arrayLiteral dims: Int...) { self.init(dims) }
    @inlinable init(rank: Int, _ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int) {
        self.rank = rank; self.d0 = d0; self.d1 = d1; self.d2 = d2; self.d3 = d3
    }
    /// The scalar shape `[]`.
    @inlinable public static var scalar: Shape { Shape(rank: 0, 1, 1, 1, 1) }
    @inlinable public static func vector(_ n: Int) -> Shape { Shape(rank: 1, n, 1, 1, 1) }
    @inlinable public static func matrix(_ r: Int, _ c: Int) -> Shape { Shape(rank: 2, r, c, 1, 1) }

    @inlinable public subscript(i: Int) -> Int {
        precondition(i >= 0 && i < rank, "Shape: axis \(i) out of range for rank \(rank)")
        switch i { case 0: return d0; case 1: return d1; case 2: return d2; default: return d3 }
    }
    /// Number of elements.
    @inlinable public var count: Int {
        switch rank { case 0: return 1; case 1: return d0; case 2: return d0 &* d1
        case 3: return d0 &* d1 &* d2; default: return d0 &* d1 &* d2 &* d3 }
    }
    @inlinable public var dims: [Int] { (0..<rank).map { self[$0] } }
    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }

    /// The dims right-aligned into four slots, leading slots 1 (numpy broadcasting alignment).
    @inlinable var padded4: (Int, Int, Int, Int) {
        switch rank { case 0: return (1, 1, 1, 1); case 1: return (1, 1, 1, d0)
        case 2: return (1, 1, d0, d1); case 3: return (1, d0, d1, d2); default: return (d0, d1, d2, d3) }
    }
    /// Replaces dimension `axis`.
    @inlinable func replacing(axis: Int, with n: Int) -> Shape {
        var dims = self.dims; dims[axis] = n; return Shape(dims)
    }
    /// (product of dims before axis, dim at axis, product after): the view every axis op uses.
    @inlinable func split(at axis: Int) -> (outer: Int, len: Int, inner: Int) {
        var outer = 1, inner = 1
        for i in 0..<axis { outer &*= self[i] }
        for i in (axis + 1)..<rank { inner &*= self[i] }
        return (outer, self[axis], inner)
    }

    /// numpy broadcasting of two shapes; nil when incompatible.
    @inlinable public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        let r = max(a.rank, b.rank)
        var dims = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.rank ? 1 : a[i - (r - a.rank)]
            let db = i < r - b.rank ? 1 : b[i - (r - b.rank)]
            if da == db || db == 1 { dims[i] = da } else if da == 1 { dims[i] = db } else { return nil }
        }
        return Shape(dims)
    }
}

// MARK: - Storage and graph nodes

/// Heap buffer behind a tensor. Written only while its tensor is being built, read-only after:
/// that is what makes sharing it across threads safe.
@usableFromInline
final class TensorStorage<Scalar: TensorScalar>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Scalar>
    @usableFromInline let count: Int
    @inlinable init(count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
    }
    deinit { base.deallocate() }
}

/// One recorded operation: its rule, its inputs (with their own nodes) and its output's value.
/// Immutable; the reverse pass keeps its running sums in a local dictionary, never in nodes, so
/// independent graphs can be differentiated on different threads at the same time.
@usableFromInline
final class Node<Scalar: TensorScalar>: @unchecked Sendable {
    @usableFromInline let op: Op<Scalar>
    /// Never changed after init, except emptied by `deinit` of a node nobody else references.
    @usableFromInline private(set) var inputs: [Tensor<Scalar>]
    @usableFromInline let outputStorage: TensorStorage<Scalar>
    @usableFromInline let outputShape: Shape
    @inlinable init(op: Op<Scalar>, inputs: [Tensor<Scalar>], outputStorage: TensorStorage<Scalar>, outputShape: Shape) {
        self.op = op; self.inputs = inputs; self.outputStorage = outputStorage; self.outputShape = outputShape
    }

    /// Tears long chains down iteratively: the default recursive release of a graph 10⁵ nodes deep
    /// (a loss summed in a loop, a long recurrent unroll) overflows the stack. A node is taken
    /// apart here only when this is its last reference, so shared subgraphs are untouched.
    deinit {
        if inputs.isEmpty { return }
        var pending: [Node] = []
        for t in inputs { if let n = t.node { pending.append(n) } }
        inputs = []
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) {
                for t in node.inputs { if let n = t.node { pending.append(n) } }
                node.inputs = []
            }
        }
    }
}

// MARK: - Tensor

/// A dense, row-major, contiguous tensor of rank 0…4.
///
/// A tensor either is a plain value (`isTracked == false`) or belongs to a reverse-mode graph: it
/// was made by `requiringGradient()` (a leaf) or computed from tracked tensors. Operations on plain
/// values record nothing, so inference (batch-1 rollouts) pays no graph cost.
public struct Tensor<Scalar: TensorScalar>: @unchecked Sendable, CustomStringConvertible {
    public let shape: Shape
    @usableFromInline let storage: TensorStorage<Scalar>
    @usableFromInline let node: Node<Scalar>?

    @inlinable init(shape: Shape, storage: TensorStorage<Scalar>, node: Node<Scalar>?) {
        self.shape = shape; self.storage = storage; self.node = node
    }

    /// A new untracked tensor whose elements `fill` writes (all `shape.count` of them).
    @inlinable init(shape: Shape, fill: (UnsafeMutablePointer<Scalar>) -> Void) {
        let s = TensorStorage<Scalar>(count: shape.count)
        fill(s.base)
        self.init(shape: shape, storage: s, node: nil)
    }

    /// A tensor from row-major scalars; `scalars.count` must equal the shape's element count.
    @inlinable public init(shape: Shape, scalars: [Scalar]) {
        precondition(scalars.count == shape.count, "Tensor: \(scalars.count) scalars for shape \(shape)")
        self.init(shape: shape) { p in scalars.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: scalars.count) } }
    }
    @inlinable public init(_ shape: [Int], _ scalars: [Scalar]) { self.init(shape: Shape(shape), scalars: scalars) }
    /// A rank-1 tensor.
    @inlinable public init(_ vector: [Scalar]) { self.init(shape: .vector(vector.count), scalars: vector) }
    /// A rank-0 tensor.
    @inlinable public init(scalar: Scalar) { self.init(shape: .scalar) { $0[0] = scalar } }
    /// All elements equal to `value`.
    @inlinable public init(repeating value: Scalar, shape: Shape) {
        self.init(shape: shape) { $0.initialize(repeating: value, count: shape.count) }
    }
    @inlinable public static func zeros(_ shape: Shape) -> Tensor { Tensor(repeating: 0, shape: shape) }
    @inlinable public static func ones(_ shape: Shape) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Standard-normal entries from `rng` (Box–Muller), times `std`.
    @inlinable public static func randomNormal<G: RandomNumberGenerator>(_ shape: Shape, std: Scalar = 1, using rng: inout G) -> Tensor {
        let n = shape.count
        var values = [Scalar](repeating: 0, count: n)
        var i = 0
        while i < n {
            // u1 in (0, 1]: avoids log(0).
            let u1 = Double(rng.next() >> 11 &+ 1) * 0x1p-53
            let u2 = Double(rng.next() >> 11) * 0x1p-53
            let r = (-2 * Foundation.log(u1)).squareRoot()
            values[i] = Scalar(r * Foundation.cos(2 * Double.pi * u2)) * std
            if i + 1 < n { values[i + 1] = Scalar(r * Foundation.sin(2 * Double.pi * u2)) * std }
            i += 2
        }
        return Tensor(shape: shape, scalars: values)
    }

    @inlinable public var count: Int { shape.count }
    @inlinable public var rank: Int { shape.rank }
    /// True when this tensor is part of a reverse-mode graph.
    @inlinable public var isTracked: Bool { node != nil }

    /// The elements, row-major.
    @inlinable public var scalars: [Scalar] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }
    /// The single element of a one-element tensor.
    @inlinable public var scalar: Scalar {
        precondition(count == 1, "Tensor.scalar: tensor has shape \(shape)")
        return storage.base[0]
    }
    /// Element at a flat row-major index.
    @inlinable public subscript(flat i: Int) -> Scalar {
        precondition(i >= 0 && i < count, "Tensor: flat index \(i) out of range \(count)")
        return storage.base[i]
    }
    /// Read-only access to the elements.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// The same values as a new graph leaf: gradients can be taken with respect to the result.
    @inlinable public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage,
               node: Node(op: .leaf, inputs: [], outputStorage: storage, outputShape: shape))
    }
    /// The same values cut from the graph (stop-gradient): nothing flows back through it.
    @inlinable public func detached() -> Tensor { Tensor(shape: shape, storage: storage, node: nil) }
    /// Alias of `detached()`, in the vocabulary of DiCE-style estimators (⊥x).
    @inlinable public func stopGradient() -> Tensor { detached() }

    /// The same tensor converted to another scalar type (untracked).
    @inlinable public func converted<T: TensorScalar>(to: T.Type) -> Tensor<T> {
        Tensor<T>(shape: shape) { o in for i in 0..<count { o[i] = T(storage.base[i]) } }
    }

    public var description: String { "Tensor\(shape)(\(scalars.prefix(16).map { "\($0)" }.joined(separator: ", "))\(count > 16 ? ", …" : ""))" }

    /// Wraps `output` (computed from `inputs`) in a node for `op` when any input is tracked.
    @inlinable static func record(_ op: @autoclosure () -> Op<Scalar>, _ inputs: [Tensor], _ output: Tensor) -> Tensor {
        var tracked = false
        for t in inputs where t.node != nil { tracked = true; break }
        guard tracked else { return output }
        return Tensor(shape: output.shape, storage: output.storage,
                      node: Node(op: op(), inputs: inputs, outputStorage: output.storage, outputShape: output.shape))
    }
    @inlinable static func record1(_ op: @autoclosure () -> Op<Scalar>, _ x: Tensor, _ output: Tensor) -> Tensor {
        guard x.node != nil else { return output }
        return Tensor(shape: output.shape, storage: output.storage,
                      node: Node(op: op(), inputs: [x], outputStorage: output.storage, outputShape: output.shape))
    }
    @inlinable static func record2(_ op: @autoclosure () -> Op<Scalar>, _ x: Tensor, _ y: Tensor, _ output: Tensor) -> Tensor {
        guard x.node != nil || y.node != nil else { return output }
        return Tensor(shape: output.shape, storage: output.storage,
                      node: Node(op: op(), inputs: [x, y], outputStorage: output.storage, outputShape: output.shape))
    }
}
