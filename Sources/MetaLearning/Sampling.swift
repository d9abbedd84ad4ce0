import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL

// Sampling for meta-learning: many tasks' episodes in one sampler call, each task acting with
// its own (adapted) parameters, and the per-task views of a batch.

/// A Float Gaussian MLP policy with one parameter set per task: slot e of a sampler batch
/// belongs to task e / episodesPerTask and acts with that task's parameters (post-update sampling).
/// Noise is drawn from the stream in row order, as `GaussianPolicySampler` does.
public struct PerTaskPolicySampler: BatchPolicy, Sendable {
    public let policy: GaussianMLPPolicy<Float>
    public let parameters: [Parameters<Float>]
    public let episodesPerTask: Int

    public init(policy: GaussianMLPPolicy<Float>, parameters: [Parameters<Float>], episodesPerTask: Int) {
        self.policy = policy; self.parameters = parameters.map { $0.detached() }; self.episodesPerTask = episodesPerTask
    }

    public func act(observations: UnsafeBufferPointer<Float>, rows: Int,
                    actions: UnsafeMutableBufferPointer<Float>, rng: inout RandomSource) {
        let obsSize = policy.observationDimension, actSize = policy.actionDimension
        precondition(rows == parameters.count * episodesPerTask, "PerTaskPolicySampler: \(rows) rows for \(parameters.count) tasks")
        var means = [Float](repeating: 0, count: rows * actSize)
        var stds = [Float](repeating: 0, count: rows * actSize)
        for (k, θ) in parameters.enumerated() {
            let first = k * episodesPerTask
            let input = Tensor<Float>(shape: .matrix(episodesPerTask, obsSize),
                                      scalars: Array(observations[(first * obsSize)..<((first + episodesPerTask) * obsSize)]))
            let (mean, logStd) = policy.distribution(input, parameters: θ)
            let m = mean.scalars, s = logStd.scalars.map { Foundation.exp($0) }
            for r in 0..<episodesPerTask {
                for j in 0..<actSize {
                    means[(first + r) * actSize + j] = m[r * actSize + j]
                    stds[(first + r) * actSize + j] = s[j]
                }
            }
        }
        for i in 0..<(rows * actSize) { actions[i] = means[i] + stds[i] * Float(rng.normal()) }
    }

    public func skip(rows: Int, rng: inout RandomSource) { rng.skipNormals(rows * policy.actionDimension) }
}


/// The episodes `indices` of `batch`, in that order, as a batch of their own (task indices kept).
public func selectEpisodes(_ batch: EpisodeBatch, _ indices: [Int]) -> EpisodeBatch {
    var out = EpisodeBatch(episodeCount: indices.count, horizon: batch.horizon,
                           observationSize: batch.observationSize, actionSize: batch.actionSize)
    let T = batch.horizon, o = batch.observationSize, a = batch.actionSize
    for (k, e) in indices.enumerated() {
        out.observations.replaceSubrange((k * T * o)..<((k + 1) * T * o), with: batch.observations[(e * T * o)..<((e + 1) * T * o)])
        out.actions.replaceSubrange((k * T * a)..<((k + 1) * T * a), with: batch.actions[(e * T * a)..<((e + 1) * T * a)])
        out.rewards.replaceSubrange((k * T)..<((k + 1) * T), with: batch.rewards[(e * T)..<((e + 1) * T)])
        out.lengths[k] = batch.lengths[e]; out.terminated[k] = batch.terminated[e]
        out.successes[k] = batch.successes[e]; out.taskIndices[k] = batch.taskIndices[e]
    }
    return out
}
