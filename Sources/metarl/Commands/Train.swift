import Foundation
import Collectives
import Autodiff
import MetaLearning
import PolicyGradient
import RL

/// `metarl train`: single-task policy-gradient training with a learning-curve log and a saved policy.
struct Train: Command {
    static let name = "train"
    static let abstract = "Train a policy on one task (VPG, PPO, TRPO) or meta-train one on a task family (MAML, ProMP, Reptile, RL²)."
    static let help = """
    Usage: metarl train --algo A --env NAME|FILE [--goal x,y[,z]] [--iterations N] [--seed S] [--threads T]
                        [--episodes E] [--config FILE.json] [--out DIR] [--show-config]
           metarl train --resume DIR [--iterations N] [--threads T]

    Single-task (--algo vpg|ppo|trpo): each iteration samples the config's episodes per iteration
    (default 20) from the current policy on one fixed task and applies one update.

    Meta-training (--algo maml-trpo|maml-ppo|promp|fomaml|reptile): each iteration draws a
    meta-batch of train-split tasks (hidden goals, objects), samples K pre-update episodes per task,
    adapts with one policy-gradient step, samples M post-update episodes, and takes one outer step:
      maml-trpo  exact (DiCE) meta-gradient, TRPO outer step (Finn et al. 2017)
      maml-ppo   exact meta-gradient, PPO-clip outer step
      promp      LVC inner objective, PPO-clip outer step with a KL penalty (Rothfuss et al. 2019)
      fomaml     first-order meta-gradient, TRPO outer step
      reptile    several inner steps per task on fresh episodes, θ ← θ + ε·mean(θ̃ − θ)

    RL² (--algo rl2-ppo): a GRU policy whose input is the observation with the previous action,
    reward and done flag; its state is carried across the episodes of a trial (episodesPerTrial
    of one task, default 2) and reset between trials. Each iteration samples trialsPerTask trials
    of a meta-batch of train tasks and takes PPO steps on whole trials (backpropagation through
    time); adaptation is the trial itself. The log's columns: iteration, return_episode_k and
    success_episode_k for each episode k of a trial, loss, approximate_kl, seconds. One process;
    checkpoint.json after every iteration, so --resume and Ctrl-C work as for meta-training.

    Options:
      --algo A          one of the above (single-task: may be omitted when --config names one)
      --env NAME|FILE   point-navigation, a robot-suite family (reach, push, grasp-lift,
                        pick-place; see 'metarl envs list') or a task spec file
      --goal x,y[,z]    single-task only: the fixed goal: x,y for point-navigation, x,y,z (m, world
                        frame) for reach, push and pick-place (default: a task drawn from the train
                        split with the seed, which for the object families also picks the object)
      --iterations N    iterations (default 100; with --resume, the run's own target)
      --seed S          seed of everything random (default 0); echoed in the result
      --threads T       workers stepping environments and computing the tasks' contributions
                        (default 1); results do not depend on it
      --episodes E      episodes per iteration (single-task), or K = M (meta-training)
      --config FILE     a TrainingConfig (single-task) or MetaConfig (meta-training) as JSON;
                        default: the algorithm's defaults for the environment
      --show-config     print the resolved config as JSON (a starting point for --config) and exit
      --out DIR         single-task: the log (below) and DIR/policy/ (weights.json,
                        config.json, run.json, command.txt). Meta-training: a run directory with
                        run.json, checkpoint.json and the log (after every iteration, written
                        atomically) and, at the end, policy/
      --resume DIR      continue a meta-training (or rl2-ppo) run directory from its checkpoint;
                        the result is bit-identical to a run that was never interrupted

    The log: learning_curve.csv, the same rows as metrics.jsonl (one JSON object per iteration),
    and TensorBoard scalars in events.out.tfevents.metarl (tensorboard --logdir DIR).
    Columns, single-task: iteration, average_return and success_rate of the episodes
    sampled at the start of the iteration, episodes, steps, loss, mean_kl (old → new policy),
    entropy, then wall-clock seconds (since the start), sample_seconds and update_seconds.
    Meta-training: iteration, pre_update_return, post_update_return, pre_update_success_rate,
    post_update_success_rate, mean_kl, line_search_steps, accepted, seconds, sampling_seconds,
    meta_update_seconds. All columns but the times are identical for identical seeds, whatever --threads.

    Output: progress on stderr (a live line on a terminal; otherwise a plain line every 10 s; none
    when CI is set). Ctrl-C during meta-training stops after the current iteration's checkpoint
    (exit status 130; continue with --resume DIR); a second Ctrl-C quits at once. The last stdout line is a
    JSON object: single-task: algo, env, goal, seed, iterations, final_success_rate, final_return,
    parameters_checksum, ranks, seconds, out; meta-training: algo, env, seed, iterations,
    final_pre/post_update_return and _success_rate, parameters_checksum (equal checksums:
    bit-identical parameters), ranks, seconds, out.

    On several machines (a build with `swift build -c release --traits MPI`): `mpirun -n R metarl
    train ...` spreads each meta-batch's tasks (single-task: each iteration's episodes) over R
    ranks, each with its own --threads. The parameters are bit-identical to one process with the
    same arguments; rank 0 alone writes DIR and prints; --resume works on any number of ranks.

    Examples:
      metarl train --algo trpo --env point-navigation --goal 0.27,-0.41 --iterations 50 --out runs/trpo
      metarl train --algo maml-trpo --env reach --iterations 300 --threads 2 --out runs/reach-maml
      mpirun -n 4 metarl train --algo maml-trpo --env reach --iterations 300 --out runs/reach-maml-4
      metarl train --resume runs/reach-maml
      metarl train --algo rl2-ppo --env point-navigation --iterations 100 --threads 2 --out runs/rl2
    """

    let config: TrainingConfig
    let envName: String
    /// The single-task environment (nil for meta-training).
    let environment: TrainingEnvironment?
    let iterations: Int
    let seed: UInt64
    let threads: Int
    let out: String?
    let showConfig: Bool
    let commandLine: String
    /// Set for a meta-learning --algo or --resume (meta-training; the fields above are then unused).
    let meta: TrainMeta?
    /// Set for --algo rl2-ppo (the fields above are then unused).
    let rl2: TrainRL2?
    /// The ranks of an MPI launch (one process otherwise); rank 0 alone writes and prints.
    let world: any Communicator

    init(arguments: inout Arguments) throws {
        world = arguments.world
        let algoText = try arguments.option("algo")
        let envText = try arguments.option("env")
        let goalText = try arguments.option("goal")
        let iterationsGiven = try arguments.int("iterations", range: 0...1_000_000)
        iterations = iterationsGiven ?? 100
        let seedGiven = try arguments.seed()
        seed = seedGiven ?? 0
        let resumeDir = try arguments.option("resume")
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        let configPath = try arguments.option("config")
        let episodes = try arguments.int("episodes", range: 1...1_000_000)
        out = try arguments.option("out")
        showConfig = arguments.flag("show-config")
        try arguments.finish()

        commandLine = invocationLine()
        if let resumeDir {
            for (name, given) in [("algo", algoText != nil), ("env", envText != nil), ("seed", seedGiven != nil), ("config", configPath != nil),
                                  ("episodes", episodes != nil), ("goal", goalText != nil), ("out", out != nil)] where given {
                throw UsageError("option --\(name): --resume takes the run's own settings from \(resumeDir); drop --\(name)")
            }
            struct AlgoField: Decodable { let algo: String }
            if let run = try? JSONDecoder().decode(AlgoField.self, from: Data(contentsOf: URL(fileURLWithPath: resumeDir).appendingPathComponent("run.json"))),
               run.algo == "rl2-ppo" {
                guard world.size == 1 else { throw UsageError("--algo rl2-ppo runs in one process (threads: --threads); run it without mpirun") }
                rl2 = try TrainRL2(resume: resumeDir, iterations: iterationsGiven, threads: threads, commandLine: commandLine)
                envName = rl2!.envName; meta = nil; environment = nil; config = TrainingConfig.defaults(for: .trpo)
                return
            }
            meta = try TrainMeta(resume: resumeDir, iterations: iterationsGiven, threads: threads, world: world, commandLine: commandLine)
            envName = meta!.envName; environment = nil; config = TrainingConfig.defaults(for: .trpo); rl2 = nil
            try meta!.checkSpread()
            return
        }
        guard let envName = envText else { throw UsageError("missing --env NAME") }
        self.envName = envName
        if algoText == "rl2-ppo" {
            for (name, given) in [("goal", goalText != nil), ("episodes", episodes != nil)] where given {
                throw UsageError("option --\(name): rl2-ppo trains on hidden tasks in trials (episodesPerTrial in --config); drop --\(name)")
            }
            guard world.size == 1 else { throw UsageError("--algo rl2-ppo runs in one process (threads: --threads); run it without mpirun") }
            let family = try TaskFamily.resolve(envName)
            // RL2Config's defaults serve every family (untuned beyond point-navigation).
            let rl2Config = try configPath.map(loadRL2Config) ?? RL2Config()
            rl2 = TrainRL2(envName: envName, family: family, config: rl2Config, iterations: iterations, seed: seed, threads: threads,
                           out: out, commandLine: commandLine)
            meta = nil; environment = nil; config = TrainingConfig.defaults(for: .trpo)
            return
        }
        rl2 = nil
        if let algoText, let metaAlgorithm = MetaAlgorithm(rawValue: algoText) {
            guard goalText == nil else { throw UsageError("option --goal: --algo \(algoText) meta-trains on hidden tasks; drop --goal") }
            let family = try TaskFamily.resolve(envName)
            var metaConfig = TrainMeta.defaults(metaAlgorithm, family: family)
            if let configPath {
                metaConfig = try loadMetaConfig(configPath)
                guard metaConfig.algorithm == metaAlgorithm else {
                    throw UsageError("option --algo: '\(algoText)' contradicts \(configPath)'s algorithm '\(metaConfig.algorithm.rawValue)'")
                }
            }
            if let episodes { metaConfig.preEpisodes = episodes; metaConfig.postEpisodes = episodes }
            meta = TrainMeta(algorithm: metaAlgorithm, envName: envName, family: family, config: metaConfig, iterations: iterations,
                             seed: seed, threads: threads, world: world, out: out, commandLine: commandLine)
            environment = nil
            config = TrainingConfig.defaults(for: .trpo)
            try meta!.checkSpread()
            return
        }
        meta = nil

        var algorithm: Algorithm?
        if let algoText {
            guard let a = Algorithm(rawValue: algoText) else {
                let known = (Algorithm.allCases.map(\.rawValue) + MetaAlgorithm.allCases.map(\.rawValue) + ["rl2-ppo"]).joined(separator: ", ")
                throw UsageError("option --algo: expected one of \(known), found '\(algoText)'")
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
        if config.episodesPerIteration < world.size {
            throw UsageError("option --episodes: \(config.episodesPerIteration) episodes per iteration cannot be spread over \(world.size) ranks; use at least \(world.size)")
        }
    }

    func run() throws {
        if let rl2 {
            if showConfig {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rl2.config), as: UTF8.self))
                return
            }
            return try rl2.run()
        }
        if let meta {
            if showConfig {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                if world.isRoot { print(String(decoding: try encoder.encode(meta.config), as: UTF8.self)) }
                return
            }
            return try meta.run()
        }
        guard let environment else { return }
        if showConfig {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if world.isRoot { print(String(decoding: try encoder.encode(config), as: UTF8.self)) }
            return
        }
        let start = Date()
        let job = TrainingJob(config: config, iterations: iterations, seed: seed, threads: threads, world: world, start: start)
        let output = try environment.visit(job)
        let curve = output.curve
        let seconds = Date().timeIntervalSince(start)

        guard world.isRoot else { return }
        if let out {
            let dir = URL(fileURLWithPath: out)
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw RuntimeError("\(out): cannot create the directory (\(NumericCSV.reason(error)))")
            }
            var log = RunLog(columns: ["iteration", "average_return", "success_rate", "episodes", "steps", "loss", "mean_kl",
                                       "entropy", "seconds", "sample_seconds", "update_seconds"],
                             group: "train", startTime: start.timeIntervalSince1970)
            for (r, t) in zip(curve, output.times) {
                log.append([.int(r.iteration), .double(r.averageReturn), .double(r.successRate), .int(r.episodes), .int(r.steps),
                            .double(r.loss), .double(r.meanKL), .double(r.entropy), .double(t.total), .double(t.sampling),
                            .double(t.update)], wallTime: start.timeIntervalSince1970 + t.total)
            }
            try log.write(to: dir)
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
        line.add("parameters_checksum", parametersChecksum(output.parameters))
        line.add("ranks", world.size)
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
    let parameters: Parameters<Float>
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
    let world: any Communicator
    let start: Date

    func visit<E: Environment>(_ environment: E, task: E.Task) throws -> TrainingOutput {
        var times: [IterationTimes] = []
        var progress = ProgressLine(total: iterations, world: world)
        let run = trainPolicy(environment: environment, task: task, config: config, iterations: iterations,
                              seed: seed, threads: threads, world: world) { record, timing in
            let t = Date().timeIntervalSince(start)
            times.append(IterationTimes(total: t, sampling: timing.samplingSeconds, update: timing.updateSeconds))
            progress.update(done: record.iteration + 1, String(format: "return %.3f  success %.2f  KL %.4f",
                                                               record.averageReturn, record.successRate, record.meanKL))
        }
        return TrainingOutput(curve: run.curve, checkpoint: PolicyCheckpoint(policy: run.learner.policy, parameters: run.learner.parameters),
                              parameters: run.learner.parameters, times: times)
    }
}

/// A TrainingConfig from a JSON file; a bad file names the file and the field.
func loadTrainingConfig(_ path: String) throws -> TrainingConfig {
    let config = try decodeFile(TrainingConfig.self, at: URL(fileURLWithPath: path))
    do { try config.validate() } catch { throw RuntimeError("\(path): \(error)") }
    return config
}

/// A MetaConfig from a JSON file (the format of --show-config); a bad file names the file and the field.
func loadMetaConfig(_ path: String) throws -> MetaConfig {
    let config = try decodeFile(MetaConfig.self, at: URL(fileURLWithPath: path))
    do { try config.validate() } catch { throw RuntimeError("\(path): \(error)") }
    return config
}

/// This process's command line as `metarl ARGS…`, each argument quoted for a POSIX shell as
/// needed: what command.txt and run.json record.
func invocationLine() -> String {
    (["metarl"] + CommandLine.arguments.dropFirst()).map(shellQuoted).joined(separator: " ")
}

/// `s` quoted for a POSIX shell when it needs to be.
private func shellQuoted(_ s: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+")
    if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
