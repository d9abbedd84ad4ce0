import Foundation
import MetaLearning
import PolicyGradient
import Robotics
import RL

/// `metarl train --algo maml-trpo`: MAML-TRPO meta-training on point-navigation with hidden goals
/// (train-split goals), with the learning curve and the meta-policy saved like `train`'s.
struct TrainMAML {
    let config: MAMLConfig
    let iterations: Int
    let seed: UInt64
    let threads: Int
    let out: String?
    let commandLine: String

    /// The settings of the point-navigation canary (MetaLearningTests): a [32, 32] policy,
    /// σ₀ = 0.3, 20 tasks × 10 + 10 episodes, α = 3e−4 on the per-episode inner objective,
    /// δ = 0.01. `episodes` overrides K and M.
    static func defaults(episodes: Int?) -> MAMLConfig {
        MAMLConfig(policy: PolicyConfig(hiddenSizes: [32, 32], initialStd: 0.3), metaBatchSize: 20,
                   preEpisodes: episodes ?? 10, postEpisodes: episodes ?? 10, stepSize: 3e-4, discount: 0.99,
                   innerBaseline: .linear, estimator: .exact,
                   trpo: TRPOConfig(maxKL: 0.01, cgIterations: 10, cgDamping: 1e-3, backtrackRatio: 0.8, maxBacktracks: 15))
    }

    func run() throws {
        let start = Date()
        let progress = isatty(STDERR_FILENO) != 0
        var seconds: [Double] = []
        let result = metaTrain(environment: PointNavigation(), tasks: PointNavigationTasks(), config: config,
                               iterations: iterations, seed: seed, threads: threads) { r in
            seconds.append(Date().timeIntervalSince(start))
            if progress {
                FileHandle.standardError.write(Data("iteration \(r.iteration + 1)/\(iterations): return before adaptation \(String(format: "%.2f", r.preUpdateReturn)), after \(String(format: "%.2f", r.postUpdateReturn))\n".utf8))
            }
        }
        let curve = result.curve
        if let out {
            let dir = URL(fileURLWithPath: out)
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw RuntimeError("\(out): cannot create the directory (\(NumericCSV.reason(error)))")
            }
            var sink = try OutputSink(path: dir.appendingPathComponent("learning_curve.csv").path)
            try sink.write("iteration,pre_update_return,post_update_return,pre_update_success_rate,post_update_success_rate,mean_kl,line_search_steps,accepted,seconds\n")
            for (r, t) in zip(curve, seconds) {
                try sink.write("\(r.iteration),\(r.preUpdateReturn),\(r.postUpdateReturn),\(r.preUpdateSuccessRate),\(r.postUpdateSuccessRate),\(r.meanKL),\(r.lineSearchSteps),\(r.accepted ? 1 : 0),\(t)\n")
            }
            try sink.finish()
            try writePolicyDirectory(dir.appendingPathComponent("policy"),
                                     checkpoint: PolicyCheckpoint(policy: result.learner.policy, parameters: result.learner.parameters),
                                     config: config, commandLine: commandLine)
        }
        var line = JSONLine()
        line.add("algo", "maml-trpo")
        line.add("env", "point-navigation")
        line.add("seed", "\(seed)")
        line.add("iterations", iterations)
        line.add("final_pre_update_return", curve.last?.preUpdateReturn ?? .nan)
        line.add("final_post_update_return", curve.last?.postUpdateReturn ?? .nan)
        line.add("seconds", Date().timeIntervalSince(start))
        if let out { line.add("out", out) }
        print(line.text)
    }
}
