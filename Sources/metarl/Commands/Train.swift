import Foundation
import PolicyGradient
import RL

/// `metarl train`: single-task policy-gradient training with a learning-curve log and a saved policy.
struct Train: Command {
    static let name = "train"
    static let abstract = "Train a Gaussian MLP policy on one task with VPG, PPO or TRPO."
    static let help = """
    Usage: metarl train --algo vpg|ppo|trpo|maml-trpo --env NAME|FILE [--goal x,y[,z]] [--iterations N] [--seed S]
                        [--threads T] [--episodes E] [--config FILE.json] [--out DIR] [--show-config]

    Each iteration samples the config's episodes per iteration (default 20) from the current policy
    on one fixed task and applies one update of the algorithm.

    Options:
      --algo A          vpg, ppo or trpo (may be omitted when --config names one), or maml-trpo:
                        meta-training on point-navigation with hidden goals (20 train-split goals
                        per iteration, --episodes K pre- and post-update episodes each, default
                        10); its learning_curve.csv columns are iteration, pre_update_return,
                        post_update_return, pre_update_success_rate, post_update_success_rate,
                        mean_kl, line_search_steps, accepted, seconds
      --env NAME|FILE   point-navigation, a robot-suite family (reach, push, grasp-lift,
                        pick-place; see 'metarl envs list') or a task spec file
      --goal x,y[,z]    the fixed goal: x,y for point-navigation, x,y,z (m, world frame) for reach,
                        push and pick-place (default: a task drawn from the train split with the
                        seed, which for the object families also picks the object)
      --iterations N    iterations (default 100)
      --seed S          seed of everything random (default 0); echoed in the result
      --threads T       workers stepping environments (default 1); results do not depend on it
      --episodes E      episodes per iteration (overrides the config's episodesPerIteration)
      --config FILE     a TrainingConfig as JSON (every field); default: the algorithm's defaults
      --show-config     print the resolved config as JSON (a starting point for --config) and exit
      --out DIR         write DIR/learning_curve.csv and the policy to DIR/policy/ (weights.json,
                        config.json, run.json, command.txt); the policy directory appears whole or
                        not at all

    learning_curve.csv columns: iteration, average_return and success_rate of the episodes sampled at
    the start of the iteration, episodes, steps, loss, mean_kl (old → new policy), entropy, then
    wall-clock seconds (since the start), sample_seconds and update_seconds. All but the last three
    are identical for identical seeds, whatever --threads.

    Output: with a terminal, one progress line per iteration on stderr. The last stdout line is a
    JSON object: algo, env, goal, seed, iterations, final_success_rate and final_return (of the
    last iteration's episodes), seconds, and out.

    Example:
      metarl train --algo trpo --env point-navigation --goal 0.27,-0.41 --iterations 50 --out runs/trpo
    """

    let config: TrainingConfig
    let envName: String
    let environment: TrainingEnvironment
    let iterations: Int
    let seed: UInt64
    let threads: Int
    let out: String?
    let showConfig: Bool
    let commandLine: String
    /// Set for `--algo maml-trpo` (meta-training; the fields above are then unused).
    let maml: TrainMAML?

    init(arguments: inout Arguments) throws {
        let algoText = try arguments.option("algo")
        guard let envName = try arguments.option("env") else { throw UsageError("missing --env NAME") }
        let goalText = try arguments.option("goal")
        iterations = try arguments.int("iterations", range: 0...1_000_000) ?? 100
        seed = try arguments.seed() ?? 0
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        let configPath = try arguments.option("config")
        let episodes = try arguments.int("episodes", range: 1...1_000_000)
        out = try arguments.option("out")
        showConfig = arguments.flag("show-config")
        try arguments.finish()

        commandLine = (["metarl"] + CommandLine.arguments.dropFirst()).map(shellQuoted).joined(separator: " ")
        if algoText == "maml-trpo" {
            guard envName == "point-navigation" else {
                throw UsageError("option --env: --algo maml-trpo supports only point-navigation so far, found '\(envName)'")
            }
            guard goalText == nil else { throw UsageError("option --goal: --algo maml-trpo trains on hidden goals; drop --goal") }
            guard configPath == nil else { throw UsageError("option --config: not supported with --algo maml-trpo yet") }
            maml = TrainMAML(config: TrainMAML.defaults(episodes: episodes), iterations: iterations, seed: seed,
                             threads: threads, out: out, commandLine: commandLine)
            self.envName = envName
            environment = try TrainingEnvironment.resolve(name: envName, goal: nil, seed: seed)
            config = TrainingConfig.defaults(for: .trpo)
            return
        }
        maml = nil

        var algorithm: Algorithm?
        if let algoText {
            guard let a = Algorithm(rawValue: algoText) else {
                throw UsageError("option --algo: expected vpg, ppo, trpo or maml-trpo, found '\(algoText)'")
            }
            algorithm = a
        }
        var goal: [Double]?
        if let goalText {
            let parts = goalText.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0?.isFinite == true }) else {
                throw UsageError("option --goal: expected comma-separated numbers, found '\(goalText)'")
            }
            goal = parts.map { $0! }
        }
        self.envName = envName
        environment = try TrainingEnvironment.resolve(name: envName, goal: goal, seed: seed)

        var config: TrainingConfig
        if let configPath {
            let loaded = try loadTrainingConfig(configPath)
            if let algorithm, algorithm != loaded.algorithm {
                throw UsageError("option --algo: '\(algorithm.rawValue)' contradicts \(configPath)'s algorithm '\(loaded.algorithm.rawValue)'")
            }
            config = loaded
        } else {
            guard let algorithm else { throw UsageError("missing --algo vpg|ppo|trpo") }
            config = TrainingConfig.defaults(for: algorithm)
        }
        if let episodes { config.episodesPerIteration = episodes }
        self.config = config
    }

    func run() throws {
        if let maml {
            if showConfig {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(maml.config), as: UTF8.self))
                return
            }
            return try maml.run()
        }
        if showConfig {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(config), as: UTF8.self))
            return
        }
        let start = Date()
        let progress = isatty(STDERR_FILENO) != 0
        let job = TrainingJob(config: config, iterations: iterations, seed: seed, threads: threads, start: start, progress: progress)
        let output = try environment.visit(job)
        let curve = output.curve
        let seconds = Date().timeIntervalSince(start)

        if let out {
            let dir = URL(fileURLWithPath: out)
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw RuntimeError("\(out): cannot create the directory (\(NumericCSV.reason(error)))")
            }
            var sink = try OutputSink(path: dir.appendingPathComponent("learning_curve.csv").path)
            try sink.write("iteration,average_return,success_rate,episodes,steps,loss,mean_kl,entropy,seconds,sample_seconds,update_seconds\n")
            for (r, t) in zip(curve, output.times) {
                try sink.write("\(r.iteration),\(r.averageReturn),\(r.successRate),\(r.episodes),\(r.steps),\(r.loss),\(r.meanKL),\(r.entropy),\(t.total),\(t.sampling),\(t.update)\n")
            }
            try sink.finish()
            let run = RunRecord(env: envName, goal: environment.goal, seed: "\(seed)", iterations: iterations, threads: threads)
            try writePolicyDirectory(dir.appendingPathComponent("policy"), checkpoint: output.checkpoint, config: config,
                                     run: run, commandLine: commandLine)
        }

        var line = JSONLine()
        line.add("algo", config.algorithm.rawValue)
        line.add("env", envName)
        line.add("goal", environment.goal.map { "\($0)" }.joined(separator: ","))
        line.add("seed", "\(seed)")
        line.add("iterations", iterations)
        line.add("final_success_rate", curve.last?.successRate ?? .nan)
        line.add("final_return", curve.last?.averageReturn ?? .nan)
        line.add("seconds", seconds)
        if let out { line.add("out", out) }
        print(line.text)
    }
}

/// What made a saved policy, besides its config.
private struct RunRecord: Codable {
    let env: String
    let goal: [Double]
    let seed: String
    let iterations: Int
    let threads: Int
}

/// A finished run: its learning curve, the final policy, and each iteration's wall-clock times.
private struct TrainingOutput {
    let curve: [IterationRecord]
    let checkpoint: PolicyCheckpoint
    let times: [IterationTimes]
}

/// Wall-clock seconds: since the start of the run (at an iteration's end), and the iteration's
/// sampling and update phases.
private struct IterationTimes {
    let total: Double
    let sampling: Double
    let update: Double
}

/// Runs `trainPolicy` on whatever environment it is handed.
private struct TrainingJob: EnvironmentVisitor {
    typealias Result = TrainingOutput
    let config: TrainingConfig
    let iterations: Int
    let seed: UInt64
    let threads: Int
    let start: Date
    let progress: Bool

    func visit<E: Environment>(_ environment: E, task: E.Task) throws -> TrainingOutput {
        var times: [IterationTimes] = []
        let run = trainPolicy(environment: environment, task: task, config: config, iterations: iterations,
                              seed: seed, threads: threads) { record, timing in
            let t = Date().timeIntervalSince(start)
            times.append(IterationTimes(total: t, sampling: timing.samplingSeconds, update: timing.updateSeconds))
            if progress {
                printError(String(format: "iteration %d/%d  return %.3f  success %.2f  KL %.4f  %.1f s", record.iteration + 1,
                                  iterations, record.averageReturn, record.successRate, record.meanKL, t))
            }
        }
        return TrainingOutput(curve: run.curve, checkpoint: PolicyCheckpoint(policy: run.learner.policy, parameters: run.learner.parameters),
                              times: times)
    }
}

/// A TrainingConfig from a JSON file; a bad file names the file and the field.
func loadTrainingConfig(_ path: String) throws -> TrainingConfig {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw RuntimeError("\(path): cannot read (\(NumericCSV.reason(error)))")
    }
    do {
        let config = try JSONDecoder().decode(TrainingConfig.self, from: data)
        try config.validate()
        return config
    } catch let invalid as TrainingConfig.InvalidField {
        throw RuntimeError("\(path): \(invalid)")
    } catch let DecodingError.keyNotFound(key, context) {
        throw RuntimeError("\(path): missing field '\(fieldPath(context.codingPath + [key]))'")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        throw RuntimeError("\(path): field '\(fieldPath(context.codingPath))': \(context.debugDescription)")
    } catch let DecodingError.dataCorrupted(context) {
        throw RuntimeError("\(path): \(context.codingPath.isEmpty ? "not valid JSON" : "field '\(fieldPath(context.codingPath))'"): \(context.debugDescription)")
    } catch {
        throw RuntimeError("\(path): \(error)")
    }
}

private func fieldPath(_ path: [any CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

/// `s` quoted for a POSIX shell when it needs to be.
private func shellQuoted(_ s: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+")
    if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
