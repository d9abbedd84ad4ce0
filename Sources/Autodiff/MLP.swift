// Multilayer perceptrons as values: structure plus `Parameters`. Calling with explicit parameters
// (θ or an adapted θ') is the functional form MAML needs; calling without uses the model's own.

/// A hidden-layer nonlinearity.
public enum Activation: String, Sendable, Codable {
    case tanh, relu
}

/// A fully connected network: `sizes[0]` inputs → hidden layers → `sizes.last` outputs, with the
/// hidden activation after every layer but the last (linear output).
/// Parameters are named "layerI.weight" ([in, out]) and "layerI.bias" ([out]), I from 0.
public struct MLP<Scalar: TensorScalar>: Sendable {
    public let sizes: [Int]
    public let activation: Activation
    public var parameters: Parameters<Scalar>

    /// Weights ~ N(0, 2/(in+out)) (Glorot, keeps tanh units out of saturation at start), biases 0;
    /// the output layer's weights are scaled by `outputScale` (0.01 makes an initial policy's mean
    /// ≈ 0 whatever the observation, as is usual for Gaussian policies).
    @inlinable
    public init<G: RandomNumberGenerator>(sizes: [Int], activation: Activation = .tanh, outputScale: Scalar = 1, using rng: inout G) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP: bad sizes \(sizes)")
        var names: [String] = [], tensors: [Tensor<Scalar>] = []
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            var std = Scalar((2.0 / Double(fanIn + fanOut)).squareRoot())
            if l == sizes.count - 2 { std *= outputScale }
            names += ["layer\(l).weight", "layer\(l).bias"]
            tensors += [Tensor.randomNormal(.matrix(fanIn, fanOut), std: std, using: &rng), Tensor.zeros(.vector(fanOut))]
        }
        self.sizes = sizes; self.activation = activation
        self.parameters = Parameters(names: names, tensors: tensors)
    }

    /// The network on x [batch, sizes[0]] with parameters θ (same layout) → [batch, sizes.last].
    @inlinable
    public func callAsFunction(_ x: Tensor<Scalar>, parameters θ: Parameters<Scalar>) -> Tensor<Scalar> {
        precondition(x.rank == 2 && x.shape[1] == sizes[0], "MLP: input \(x.shape), expected [batch, \(sizes[0])]")
        var h = x
        let layers = sizes.count - 1
        for l in 0..<layers {
            h = h.affine(θ.tensors[2 * l], θ.tensors[2 * l + 1])
            if l < layers - 1 {
                switch activation { case .tanh: h = h.tanh(); case .relu: h = h.relu() }
            }
        }
        return h
    }
    /// The network with its own parameters.
    @inlinable public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> { self(x, parameters: parameters) }
}

/// A Gaussian policy π(a|s) = N(μ(s), diag σ²): an MLP mean and a state-independent log σ.
/// Parameters: the mean MLP's ("layerI.weight", "layerI.bias") followed by "log_std" ([actionDim]).
public struct GaussianMLPPolicy<Scalar: TensorScalar>: Sendable {
    public let meanNetwork: MLP<Scalar>
    public var parameters: Parameters<Scalar>

    /// - Parameters:
    ///   - sizes: observation dim, hidden sizes…, action dim (e.g. [39, 64, 64, 4]).
    ///   - initialStd: σ at initialization (1.0 is garage's and ProMP's default).
    @inlinable
    public init<G: RandomNumberGenerator>(sizes: [Int], activation: Activation = .tanh, initialStd: Scalar = 1, using rng: inout G) {
        meanNetwork = MLP(sizes: sizes, activation: activation, outputScale: 0.01, using: &rng)
        let logStd = Tensor<Scalar>(repeating: Scalar.scalarLog(initialStd), shape: .vector(sizes.last!))
        parameters = Parameters(names: meanNetwork.parameters.names + ["log_std"],
                                tensors: meanNetwork.parameters.tensors + [logStd])
    }

    public var observationDimension: Int { meanNetwork.sizes.first! }
    public var actionDimension: Int { meanNetwork.sizes.last! }

    /// Mean [batch, actionDim] and log σ [actionDim] for observations [batch, obsDim] under θ.
    @inlinable
    public func distribution(_ observations: Tensor<Scalar>, parameters θ: Parameters<Scalar>) -> (mean: Tensor<Scalar>, logStd: Tensor<Scalar>) {
        (meanNetwork(observations, parameters: θ), θ.tensors[θ.tensors.count - 1])
    }
    /// log π(a|s) per row, [batch].
    @inlinable
    public func logLikelihood(_ actions: Tensor<Scalar>, given observations: Tensor<Scalar>, parameters θ: Parameters<Scalar>) -> Tensor<Scalar> {
        let (mean, logStd) = distribution(observations, parameters: θ)
        return DiagonalGaussian.logLikelihood(actions, mean: mean, logStd: logStd)
    }
}
