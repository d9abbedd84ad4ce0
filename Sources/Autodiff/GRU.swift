// A gated recurrent unit (Cho et al. 2014, in PyTorch's gate convention) and a Gaussian policy
// on top of it, as values like MLP: structure plus `Parameters`, callable with explicit θ.
// Backpropagation through time is the tape's ordinary reverse pass over the unrolled steps;
// truncation cuts the graph by detaching the hidden state every `truncation` steps.

/// One GRU layer: input size I, hidden size H. With gates in the order (r, z, n):
///   r = σ(x Wᵢᵣ + bᵢᵣ + h Wₕᵣ + bₕᵣ),  z = σ(x Wᵢ_z + bᵢ_z + h Wₕ_z + bₕ_z),
///   n = tanh(x Wᵢₙ + bᵢₙ + r ⊙ (h Wₕₙ + bₕₙ)),  h' = (1 − z) ⊙ n + z ⊙ h.
/// Parameters "gru.input_weight" [I, 3H], "gru.input_bias" [3H], "gru.hidden_weight" [H, 3H],
/// "gru.hidden_bias" [3H], the three gates side by side in that order.
public struct GRU<Scalar: TensorScalar>: Sendable {
    public let inputSize: Int
    public let hiddenSize: Int

    public init(inputSize: Int, hiddenSize: Int) {
        precondition(inputSize > 0 && hiddenSize > 0, "GRU: bad sizes \(inputSize), \(hiddenSize)")
        self.inputSize = inputSize; self.hiddenSize = hiddenSize
    }

    /// Weights ~ N(0, 1/H) (PyTorch's U(±1/√H) has the same scale), biases 0.
    @inlinable
    public func initialParameters<G: RandomNumberGenerator>(using rng: inout G) -> Parameters<Scalar> {
        let std = Scalar((1.0 / Double(hiddenSize)).squareRoot())
        let h3 = 3 * hiddenSize
        return Parameters(names: ["gru.input_weight", "gru.input_bias", "gru.hidden_weight", "gru.hidden_bias"],
                          tensors: [Tensor.randomNormal(.matrix(inputSize, h3), std: std, using: &rng), Tensor.zeros(.vector(h3)),
                                    Tensor.randomNormal(.matrix(hiddenSize, h3), std: std, using: &rng), Tensor.zeros(.vector(h3))])
    }

    /// One step from the input-side gate pre-activations `gx` = x Wᵢ + bᵢ ([B, 3H]) and the
    /// hidden state h ([B, H]); θ holds the GRU's four tensors from `offset`.
    @inlinable
    public func step(inputGates gx: Tensor<Scalar>, hidden h: Tensor<Scalar>, parameters θ: Parameters<Scalar>, offset: Int = 0) -> Tensor<Scalar> {
        let H = hiddenSize
        let gh = h.affine(θ.tensors[offset + 2], θ.tensors[offset + 3])
        let r = (gx.slice(alongAxis: 1, from: 0, count: H) + gh.slice(alongAxis: 1, from: 0, count: H)).sigmoid()
        let z = (gx.slice(alongAxis: 1, from: H, count: H) + gh.slice(alongAxis: 1, from: H, count: H)).sigmoid()
        let n = (gx.slice(alongAxis: 1, from: 2 * H, count: H) + r * gh.slice(alongAxis: 1, from: 2 * H, count: H)).tanh()
        return n + z * (h - n)
    }

    /// Runs the GRU over `steps` time steps of `batch` sequences. `inputs` is time-major
    /// ([steps·batch, I]: rows t·batch ..< (t+1)·batch are step t); returns the hidden states
    /// after every step, time-major [steps·batch, H]. The input projection is one product for
    /// all steps. With `truncation` k, gradients flow back at most k steps (the state is
    /// detached after every k-th step).
    @inlinable
    public func unroll(_ inputs: Tensor<Scalar>, batch: Int, steps: Int, initial h0: Tensor<Scalar>,
                       parameters θ: Parameters<Scalar>, offset: Int = 0, truncation: Int? = nil) -> Tensor<Scalar> {
        precondition(inputs.rank == 2 && inputs.shape[0] == batch * steps && inputs.shape[1] == inputSize,
                     "GRU.unroll: inputs \(inputs.shape), expected [\(batch * steps), \(inputSize)]")
        let gx = inputs.affine(θ.tensors[offset], θ.tensors[offset + 1])
        var h = h0
        var states: [Tensor<Scalar>] = []
        states.reserveCapacity(steps)
        for t in 0..<steps {
            if let k = truncation, t > 0, t % k == 0 { h = h.detached() }
            h = step(inputGates: gx.rows((t * batch)..<((t + 1) * batch)), hidden: h, parameters: θ, offset: offset)
            states.append(h)
        }
        return concatenate(states, alongAxis: 0)
    }
}

/// A recurrent Gaussian policy π(a | history) = N(μ(h), diag σ²): a GRU over the inputs the
/// caller builds (RL² feeds observation, previous action, reward and done flag), a linear head
/// from the hidden state to the mean, and a state-independent log σ.
/// Parameters: the GRU's four, "head.weight" [H, A], "head.bias" [A], "log_std" [A].
public struct GaussianGRUPolicy<Scalar: TensorScalar>: Sendable {
    public let gru: GRU<Scalar>
    public let actionSize: Int
    public var parameters: Parameters<Scalar>

    /// The head's weights are scaled by 0.01 (as GaussianMLPPolicy's output layer): the initial
    /// mean is ≈ 0 whatever the history.
    @inlinable
    public init<G: RandomNumberGenerator>(inputSize: Int, hiddenSize: Int, actionSize: Int, initialStd: Scalar = 1, using rng: inout G) {
        precondition(actionSize > 0 && initialStd > 0, "GaussianGRUPolicy: bad action size or σ")
        gru = GRU(inputSize: inputSize, hiddenSize: hiddenSize)
        self.actionSize = actionSize
        let recurrent = gru.initialParameters(using: &rng)
        let headStd = Scalar(0.01 * (2.0 / Double(hiddenSize + actionSize)).squareRoot())
        parameters = Parameters(names: recurrent.names + ["head.weight", "head.bias", "log_std"],
                                tensors: recurrent.tensors + [Tensor.randomNormal(.matrix(hiddenSize, actionSize), std: headStd, using: &rng),
                                                              Tensor.zeros(.vector(actionSize)),
                                                              Tensor(repeating: Scalar.scalarLog(initialStd), shape: .vector(actionSize))])
    }

    public var inputSize: Int { gru.inputSize }
    public var hiddenSize: Int { gru.hiddenSize }

    /// The initial hidden state of `batch` sequences: zeros.
    @inlinable public func initialState(batch: Int) -> Tensor<Scalar> { Tensor.zeros(.matrix(batch, hiddenSize)) }

    /// One step for `batch` rows: the new hidden state and the action mean [batch, A].
    @inlinable
    public func step(_ input: Tensor<Scalar>, hidden h: Tensor<Scalar>, parameters θ: Parameters<Scalar>) -> (hidden: Tensor<Scalar>, mean: Tensor<Scalar>) {
        let gx = input.affine(θ.tensors[0], θ.tensors[1])
        let next = gru.step(inputGates: gx, hidden: h, parameters: θ)
        return (next, next.affine(θ.tensors[4], θ.tensors[5]))
    }

    /// Means over whole sequences (time-major, as `GRU.unroll`) [steps·batch, A], and log σ.
    @inlinable
    public func distribution(_ inputs: Tensor<Scalar>, batch: Int, steps: Int, parameters θ: Parameters<Scalar>,
                             truncation: Int? = nil) -> (mean: Tensor<Scalar>, logStd: Tensor<Scalar>) {
        let states = gru.unroll(inputs, batch: batch, steps: steps, initial: initialState(batch: batch), parameters: θ, truncation: truncation)
        return (states.affine(θ.tensors[4], θ.tensors[5]), θ.tensors[6])
    }
}
