import Autodiff
import Numerics
import RL

// The two first-order learners: VPG (one Adam step on the REINFORCE loss per batch) and PPO
// (several epochs of Adam over shuffled minibatches of the clipped loss).

/// One VPG update: an Adam step along ∇ vpgLoss.
public func vpgStep(_ policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>, batch: PolicyGradientBatch<Float>,
                    optimizer: Adam<Float>, state: Adam<Float>.State) -> (Parameters<Float>, Adam<Float>.State, loss: Double) {
    let θ = parameters.detached().requiringGradient()
    let loss = vpgLoss(policy, parameters: θ, batch: batch)
    let g = gradients(of: loss, wrt: θ)
    let (next, nextState) = optimizer.step(parameters, gradient: g, state: state)
    return (next, nextState, Double(loss.scalar))
}

/// One PPO update: `epochs` passes, each over `minibatches` disjoint minibatches of a fresh
/// permutation of the batch's rows (drawn from `rng`), one Adam step per minibatch.
public func ppoStep(_ policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>, batch: PolicyGradientBatch<Float>,
                    config: PPOConfig, optimizer: Adam<Float>, state: Adam<Float>.State,
                    rng: inout RandomSource) -> (Parameters<Float>, Adam<Float>.State, loss: Double) {
    var θ = parameters.detached(), adam = state
    let n = batch.count, parts = max(1, min(config.minibatches, n))
    var lastLoss = 0.0
    for _ in 0..<config.epochs {
        var order = Array(0..<n)
        // Fisher–Yates; the modulo's bias (< n / 2⁶⁴) is immaterial.
        var i = n - 1
        while i > 0 {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        for part in 0..<parts {
            let mb = batch.rows(Array(order[chunkRange(part, of: parts, count: n)]))
            let θt = θ.requiringGradient()
            let loss = ppoLoss(policy, parameters: θt, batch: mb, clipRange: Float(config.clipRange))
            let g = gradients(of: loss, wrt: θt)
            (θ, adam) = optimizer.step(θ, gradient: g, state: adam)
            lastLoss = Double(loss.scalar)
        }
    }
    return (θ, adam, lastLoss)

}
