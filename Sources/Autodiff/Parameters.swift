// Parameters as values: an ordered set of named tensors. Adapted parameters (θ' = θ − α∇L) are new
// values; nothing is mutated behind the caller's back, and a tracked θ' stays differentiable with
// respect to θ (MAML).

/// An ordered collection of named tensors (a model's weights, or a gradient with the same layout).
public struct Parameters<Scalar: TensorScalar>: Sendable {
    /// Names in order, unique.
    public let names: [String]
    /// Tensors in the order of `names`.
    public let tensors: [Tensor<Scalar>]

    @inlinable public init(names: [String], tensors: [Tensor<Scalar>]) {
        precondition(names.count == tensors.count, "Parameters: \(names.count) names, \(tensors.count) tensors")
        precondition(Set(names).count == names.count, "Parameters: duplicate names in \(names)")
        self.names = names; self.tensors = tensors
    }
    @inlinable public init(_ pairs: KeyValuePairs<String, Tensor<Scalar>>) {
        self.init(names: pairs.map(\.key), tensors: pairs.map(\.value))
    }

    /// The tensor named `name` (programmer error if absent).
    @inlinable public subscript(name: String) -> Tensor<Scalar> {
        guard let i = names.firstIndex(of: name) else { preconditionFailure("Parameters: no tensor named '\(name)' in \(names)") }
        return tensors[i]
    }
    /// Total number of scalars.
    @inlinable public var scalarCount: Int { tensors.reduce(0) { $0 + $1.count } }
    @inlinable public var shapes: [Shape] { tensors.map(\.shape) }

    /// Same names, each tensor transformed.
    @inlinable public func map(_ f: (Tensor<Scalar>) -> Tensor<Scalar>) -> Parameters {
        Parameters(names: names, tensors: tensors.map(f))
    }
    /// Same names, tensors combined pairwise with `other` (same layout).
    @inlinable public func zip(_ other: Parameters, _ f: (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>) -> Parameters {
        precondition(names == other.names, "Parameters: layouts differ: \(names) vs \(other.names)")
        return Parameters(names: names, tensors: Swift.zip(tensors, other.tensors).map { f($0, $1) })
    }

    /// Every tensor a new graph leaf.
    @inlinable public func requiringGradient() -> Parameters { map { $0.requiringGradient() } }
    /// Every tensor cut from the graph.
    @inlinable public func detached() -> Parameters { map { $0.detached() } }
    /// The same parameters in another scalar type (untracked).
    @inlinable public func converted<T: TensorScalar>(to type: T.Type) -> Parameters<T> {
        Parameters<T>(names: names, tensors: tensors.map { $0.converted(to: type) })
    }
    /// Whether every scalar is finite (the learners' guard against a step that blew up).
    @inlinable public var isFinite: Bool { tensors.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } }
    /// Zeros with the same layout.
    @inlinable public func zerosLike() -> Parameters { map { Tensor.zeros($0.shape) } }

    /// All scalars as one rank-1 tensor, in order (differentiable: a concatenation).
    @inlinable public func flattened() -> Tensor<Scalar> {
        concatenate(tensors.map { $0.flattened() }, alongAxis: 0)
    }
    /// Splits a rank-1 tensor of `scalarCount` elements into this layout (differentiable: slices).
    @inlinable public func unflattened(_ vector: Tensor<Scalar>) -> Parameters {
        precondition(vector.rank == 1 && vector.count == scalarCount, "unflattened: need [\(scalarCount)], got \(vector.shape)")
        var start = 0
        var out: [Tensor<Scalar>] = []
        for t in tensors {
            out.append(vector.slice(alongAxis: 0, from: start, count: t.count).reshaped(to: t.shape))
            start += t.count
        }
        return Parameters(names: names, tensors: out)
    }

    @inlinable public static func + (a: Parameters, b: Parameters) -> Parameters { a.zip(b, +) }
    @inlinable public static func - (a: Parameters, b: Parameters) -> Parameters { a.zip(b, -) }
    @inlinable public static func * (c: Scalar, a: Parameters) -> Parameters { a.map { $0.scaled(by: c) } }
    @inlinable public static func * (a: Parameters, c: Scalar) -> Parameters { a.map { $0.scaled(by: c) } }

    /// Σ of squares of all scalars, accumulated in Double (untracked): ‖θ‖² for gradient-norm
    /// clipping and diagnostics.
    @inlinable public var squaredNorm: Double {
        var acc = 0.0
        for t in tensors { t.withUnsafeBufferPointer { p in for v in p { acc += Double(v) * Double(v) } } }
        return acc
    }
    /// These parameters scaled so that their global norm is at most `maxNorm` (unchanged when it
    /// already is): gradient clipping by global norm.
    @inlinable public func clippedByGlobalNorm(_ maxNorm: Scalar) -> Parameters {
        let norm = squaredNorm.squareRoot()
        guard norm > Double(maxNorm), norm > 0 else { return self }
        return self * Scalar(Double(maxNorm) / norm)
    }

    /// Σ over all tensors of Σ a⊙b, shape [] (differentiable).
    @inlinable public func dot(_ other: Parameters) -> Tensor<Scalar> {
        precondition(names == other.names, "Parameters.dot: layouts differ")
        var total: Tensor<Scalar>? = nil
        for (a, b) in Swift.zip(tensors, other.tensors) {
            let term = (a * b).sum()
            total = total.map { $0 + term } ?? term
        }
        return total ?? Tensor(scalar: 0)
    }
}

/// Gradients of `loss` with respect to every tensor of `parameters` (which must be tracked),
/// in the same layout. See `gradients(of:wrt:createGraph:)`.
@inlinable
public func gradients<S>(of loss: Tensor<S>, wrt parameters: Parameters<S>, createGraph: Bool = false) -> Parameters<S> {
    Parameters(names: parameters.names, tensors: gradients(of: loss, wrt: parameters.tensors, createGraph: createGraph))
}
