import Autodiff
import Numerics
import RL

// An MLP state-value baseline: V(s_t, t/T) regressed on discounted returns with Adam. Each
// iteration predicts with the network as it was (so the advantages of a batch never use a fit to
// that same batch's returns), then trains on the batch.

/// V(s, t) = m + s_R · net([o, t/T]), where m and s_R are the mean and standard deviation of the
/// returns seen at the last fit (regressing standardized targets keeps Adam's step size
/// meaningful whatever the reward scale).
public struct MLPValueBaseline: Sendable {
    public private(set) var network: MLP<Float>
    public let config: ValueFunctionConfig
    private var adamState: Adam<Float>.State
    public private(set) var targetMean: Double = 0
    public private(set) var targetStd: Double = 1

    public init(config: ValueFunctionConfig, observationSize: Int, rng: inout RandomSource) {
        self.config = config
        network = MLP(sizes: [observationSize + 1] + config.hiddenSizes + [1], activation: .tanh, using: &rng)
        adamState = Adam<Float>(learningRate: Float(config.learningRate)).initialState(for: network.parameters)
    }

    /// [N, obs + 1] inputs (observation, t/T) of every real step, episode then time order.
    static func inputs(_ batch: EpisodeBatch) -> Tensor<Float> {
        let n = batch.observationSize, rows = batch.stepCount
        var x = [Float](repeating: 0, count: rows * (n + 1))
        var r = 0
        for e in 0..<batch.episodeCount {
            for t in 0..<batch.lengths[e] {
                let src = (e * batch.horizon + t) * n
                for j in 0..<n { x[r * (n + 1) + j] = batch.observations[src + j] }
                x[r * (n + 1) + n] = Float(t) / Float(batch.horizon)
                r += 1
            }
        }
        return Tensor(shape: .matrix(rows, n + 1), scalars: x)
    }

    /// The current prediction for every step of `batch` (E × T, 0 past each length).
    public func predict(_ batch: EpisodeBatch) -> [Double] {
        let y = network(Self.inputs(batch)).scalars
        var out = [Double](repeating: 0, count: batch.episodeCount * batch.horizon)
        var r = 0
        for e in 0..<batch.episodeCount {
            for t in 0..<batch.lengths[e] { out[e * batch.horizon + t] = targetMean + targetStd * Double(y[r]); r += 1 }
        }
        return out
    }

    /// `stepsPerIteration` full-batch Adam steps on the squared error to `returns` (E × T).
    public mutating func fit(_ batch: EpisodeBatch, returns: [Double]) {
        var targets: [Double] = []
        targets.reserveCapacity(batch.stepCount)
        for e in 0..<batch.episodeCount { for t in 0..<batch.lengths[e] { targets.append(returns[e * batch.horizon + t]) } }
        guard !targets.isEmpty else { return }
        let mean = targets.reduce(0, +) / Double(targets.count)
        let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(targets.count)
        // A floor on σ: returns that are all equal would otherwise divide by zero.
        targetMean = mean; targetStd = max(variance.squareRoot(), 1e-6)
        let x = Self.inputs(batch)
        let y = Tensor<Float>(shape: .matrix(targets.count, 1), scalars: targets.map { Float(($0 - mean) / targetStd) })
        let adam = Adam<Float>(learningRate: Float(config.learningRate))
        for _ in 0..<config.stepsPerIteration {
            let θ = network.parameters.requiringGradient()
            let loss = (network(x, parameters: θ) - y).square().mean()
            let g = gradients(of: loss, wrt: θ)
            (network.parameters, adamState) = adam.step(network.parameters, gradient: g, state: adamState)
        }
    }

    /// The baseline's contract in the learner: predict, then fit.
    public mutating func values(for batch: EpisodeBatch, returns: [Double]) -> [Double] {
        let v = predict(batch)
        fit(batch, returns: returns)
        return v
    }
}
