import Autodiff

// A saved policy: its architecture and its named weights as JSON (small policies: a 64×64 MLP is
// ~5k numbers). Loading checks every shape against the architecture and reports the tensor and
// what was expected, never trapping on a bad file.

/// A Gaussian MLP policy's architecture and weights, Codable.
public struct PolicyCheckpoint: Codable, Sendable, Equatable {
    /// "metarl-gaussian-mlp-policy": identifies the file's kind.
    public var format: String
    public var version: Int
    public var observationSize: Int
    public var actionSize: Int
    public var hiddenSizes: [Int]
    public var activation: Activation
    /// In the policy's parameter order: the mean MLP's "layerI.weight" ([in, out]), "layerI.bias"
    /// ([out]), then "log_std" ([actionSize]).
    public var tensors: [NamedTensor]

    public static let formatName = "metarl-gaussian-mlp-policy"

    public struct NamedTensor: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public init(name: String, shape: [Int], values: [Float]) { self.name = name; self.shape = shape; self.values = values }
    }

    /// The checkpoint of `policy` at `parameters`.
    public init(policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>) {
        let sizes = policy.meanNetwork.sizes
        format = Self.formatName; version = 1
        observationSize = sizes.first!; actionSize = sizes.last!
        hiddenSizes = Array(sizes.dropFirst().dropLast()); activation = policy.meanNetwork.activation
        tensors = zip(parameters.names, parameters.tensors).map { NamedTensor(name: $0, shape: $1.shape.dims, values: $1.scalars) }
    }

    /// A problem with a checkpoint's contents.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The policy and its parameters, after checking the format, the names and every shape.
    public func restore() throws -> (policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>) {
        guard format == Self.formatName else { throw Invalid(description: "format: expected '\(Self.formatName)', found '\(format)'") }
        guard version == 1 else { throw Invalid(description: "version: expected 1, found \(version)") }
        let sizes = [observationSize] + hiddenSizes + [actionSize]
        guard sizes.allSatisfy({ $0 > 0 }) else { throw Invalid(description: "sizes: all must be positive, found \(sizes)") }
        var rng = SystemRandomNumberGenerator()   // weights are replaced below; only the layout is used
        let policy = GaussianMLPPolicy<Float>(sizes: sizes, activation: activation, using: &rng)
        return (policy, try Self.restore(tensors, layout: policy.parameters))
    }

    /// `tensors` in `layout`'s order, names and shapes, after checking each name, shape, count
    /// and value (errors name the tensor): how every policy checkpoint restores its weights.
    public static func restore(_ tensors: [NamedTensor], layout: Parameters<Float>) throws -> Parameters<Float> {
        guard tensors.count == layout.names.count else {
            throw Invalid(description: "tensors: expected \(layout.names.count), found \(tensors.count)")
        }
        var restored: [Tensor<Float>] = []
        for (i, t) in tensors.enumerated() {
            let name = layout.names[i], shape = layout.tensors[i].shape.dims
            guard t.name == name else { throw Invalid(description: "tensors[\(i)].name: expected '\(name)', found '\(t.name)'") }
            guard t.shape == shape else { throw Invalid(description: "tensors[\(i)] '\(name)': shape expected \(shape), found \(t.shape)") }
            guard t.values.count == shape.reduce(1, *) else {
                throw Invalid(description: "tensors[\(i)] '\(name)': expected \(shape.reduce(1, *)) values, found \(t.values.count)")
            }
            guard t.values.allSatisfy(\.isFinite) else { throw Invalid(description: "tensors[\(i)] '\(name)': non-finite value") }
            restored.append(Tensor(shape, t.values))
        }
        return Parameters(names: layout.names, tensors: restored)
    }
}
