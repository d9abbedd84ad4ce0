import Foundation
import Autodiff
import MetaLearning
import PolicyGradient
import RL
import Collectives

/// `metarl train --algo rl2-ppo`: RL² (a GRU policy trained with PPO over trials) on a task
/// family, into a run directory:
///
///   DIR/run.json            algo, env, seed, iterations, the command, start time, machine, commit,
///                           each iteration's wall-clock time
///   DIR/checkpoint.json     the state after the last finished iteration (written atomically):
///                           what --resume continues from, bit-identically
///   DIR/learning_curve.csv  one row per iteration (also metrics.jsonl and TensorBoard scalars):
///                           return and success of each episode of the sampled trials, the PPO
///                           loss and the approximate KL
///   DIR/policy/             the recurrent policy (weights.json, config.json, run.json, command.txt),
///                           written at the end and when Ctrl-C stops the run
struct TrainRL2 {
    let envName: String
    let family: TaskFamily
    let config: RL2Config
    let iterations: Int
    let seed: UInt64
    let threads: Int
    let out: String?
    let commandLine: String
    /// A resumed run's learner and curve, and its iterations' wall-clock times.
    var resumed: (learner: RL2Learner, curve: [RL2Iteration])? = nil
    var previousTimes: [Double] = []
    var startTime = Date().timeIntervalSince1970

    init(envName: String, family: TaskFamily, config: RL2Config, iterations: Int, seed: UInt64, threads: Int, out: String?,
         commandLine: String) {
        self.envName = envName; self.family = family; self.config = config; self.iterations = iterations; self.seed = seed
        self.threads = threads; self.out = out; self.commandLine = commandLine
    }

    /// A run continued from DIR: env, seed and config from its files; `iterations` (the new
    /// target) defaults to the one it was started with.
    init(resume dir: String, iterations: Int?, threads: Int, commandLine: String) throws {
        let base = URL(fileURLWithPath: dir)
        let runURL = base.appendingPathComponent("run.json"), checkpointURL = base.appendingPathComponent("checkpoint.json")
        let run = try decodeFile(RunFile.self, at: runURL)
        let checkpoint = try decodeFile(RL2TrainingCheckpoint.self, at: checkpointURL)
        let state: (learner: RL2Learner, curve: [RL2Iteration])
        do { state = try checkpoint.restore() } catch let error as PolicyCheckpoint.Invalid {
            throw RuntimeError("\(checkpointURL.path): \(error.description)")
        }
        guard let seed = UInt64(run.seed) else { throw RuntimeError("\(runURL.path): seed: expected an integer, found '\(run.seed)'") }
        guard run.times.count >= state.curve.count else {
            throw RuntimeError("\(runURL.path): times: \(run.times.count) entries for \(state.curve.count) iterations")
        }
        self.init(envName: run.env, family: try TaskFamily.resolve(run.env), config: checkpoint.config,
                  iterations: iterations ?? run.iterations, seed: seed, threads: threads, out: dir, commandLine: commandLine)
        resumed = state
        previousTimes = Array(run.times.prefix(state.curve.count))
        startTime = run.started
        guard self.iterations >= state.curve.count else {
            throw UsageError("option --iterations: the run in \(dir) has already done \(state.curve.count) iterations")
        }
    }

    struct RunFile: Codable {
        var algo: String
        var env: String
        var seed: String
        var iterations: Int
        var command: String
        var started: Double
        var provenance: Provenance?
        /// Seconds since `started` at the end of each finished iteration.
        var times: [Double]
    }

    func run() throws {
        let dir = out.map { URL(fileURLWithPath: $0) }
        if let dir {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw RuntimeError("\(dir.path): cannot create the directory (\(NumericCSV.reason(error)))")
            }
        }
        let outcome = try family.visit(Job(train: self, dir: dir))
        var line = JSONLine()
        line.add("algo", "rl2-ppo")
        line.add("env", envName)
        line.add("seed", "\(seed)")
        line.add("iterations", outcome.curve.count)
        line.add("final_first_episode_return", outcome.curve.last?.returns.first ?? .nan)
        line.add("final_last_episode_return", outcome.curve.last?.returns.last ?? .nan)
        line.add("final_first_episode_success_rate", outcome.curve.last?.successRates.first ?? .nan)
        line.add("final_last_episode_success_rate", outcome.curve.last?.successRates.last ?? .nan)
        line.add("parameters_checksum", parametersChecksum(outcome.learner.parameters))
        line.add("ranks", 1)
        line.add("seconds", outcome.seconds)
        if let out { line.add("out", out) }
        print(line.text)
        if let stop = outcome.interrupted { throw stop }
    }

    struct Outcome {
        let learner: RL2Learner
        let curve: [RL2Iteration]
        let seconds: Double
        let interrupted: Interrupted?
    }

    private struct Job: TaskFamilyVisitor {
        let train: TrainRL2
        let dir: URL?
        func visit<E: Environment, TS: TaskSampler>(_ environment: E, tasks: TS, family: TaskFamily) throws -> Outcome
            where TS.Task == E.Task {
            let t = train
            let start = Date()
            let offset = t.previousTimes.last ?? 0
            var trainer: RL2Trainer<E, TS>
            var curve: [RL2Iteration]
            if let resumed = t.resumed {
                trainer = RL2Trainer(learner: resumed.learner, iteration: resumed.curve.count, environment: environment, tasks: tasks,
                                     seed: t.seed, threads: t.threads)
                curve = resumed.curve
            } else {
                trainer = RL2Trainer(config: t.config, environment: environment, tasks: tasks, seed: t.seed, threads: t.threads)
                curve = []
            }
            var times = t.previousTimes
            var progress = ProgressLine(total: t.iterations)
            let N = t.config.episodesPerTrial
            let columns = ["iteration"] + (1...N).map { "return_episode_\($0)" } + (1...N).map { "success_episode_\($0)" }
                + ["loss", "approximate_kl", "seconds"]
            let provenance = Provenance.current(ranks: 1)
            Interrupt.shared.install()
            var interrupted: Interrupted?
            while curve.count < t.iterations {
                let r = trainer.step()
                curve.append(r)
                times.append(offset + Date().timeIntervalSince(start))
                if let dir {
                    // Checkpoint, run file and log after every iteration, each written atomically.
                    let compact = JSONEncoder()
                    compact.outputFormatting = [.sortedKeys]
                    let pretty = JSONEncoder()
                    pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try writeAtomically(dir.appendingPathComponent("checkpoint.json"),
                                        try compact.encode(RL2TrainingCheckpoint(learner: trainer.learner, curve: curve)))
                    let run = RunFile(algo: "rl2-ppo", env: t.envName, seed: "\(t.seed)", iterations: t.iterations, command: t.commandLine,
                                      started: t.startTime, provenance: provenance, times: times)
                    try writeAtomically(dir.appendingPathComponent("run.json"), try pretty.encode(run))
                    var log = RunLog(columns: columns, group: "rl2", startTime: t.startTime)
                    for (i, (row, seconds)) in zip(curve, times).enumerated() {
                        log.append([.int(i)] + row.returns.map { .double($0) } + row.successRates.map { .double($0) }
                                   + [.double(row.statistics.loss), .double(row.statistics.approximateKL), .double(seconds)],
                                   wallTime: t.startTime + seconds)
                    }
                    try log.write(to: dir)
                }
                progress.update(done: curve.count, String(format: "return %@  success %@ (episodes of a trial)",
                                                          r.returns.map { String(format: "%.2f", $0) }.joined(separator: " → "),
                                                          r.successRates.map { String(format: "%.2f", $0) }.joined(separator: " → ")))
                if curve.count < t.iterations, Interrupt.shared.requested(SingleProcess()) {
                    progress.interrupt()
                    interrupted = Interrupted(description: "interrupted after iteration \(curve.count) of \(t.iterations)"
                                              + (t.out.map { "; \($0)/checkpoint.json holds it and \($0)/policy the policy so far. Continue with: metarl train --resume \($0)" }
                                                 ?? "; nothing saved (no --out)"))
                    break
                }
            }
            if let dir {
                let record = PolicyRunRecord(algo: "rl2-ppo", env: t.envName, seed: "\(t.seed)", iterations: curve.count)
                try writePolicyDirectory(dir.appendingPathComponent("policy"),
                                         checkpoint: RecurrentPolicyCheckpoint(policy: trainer.learner.policy, parameters: trainer.learner.parameters),
                                         config: t.config, run: record, commandLine: t.commandLine)
            }
            return Outcome(learner: trainer.learner, curve: curve, seconds: Date().timeIntervalSince(start), interrupted: interrupted)
        }
    }
}

/// An RL2Config from a JSON file (the format of --show-config); a bad file names the file and the field.
func loadRL2Config(_ path: String) throws -> RL2Config {
    let config = try decodeFile(RL2Config.self, at: URL(fileURLWithPath: path))
    let issues = config.issues()
    if !issues.isEmpty { throw RuntimeError("\(path): \(issues.joined(separator: "; "))") }
    return config
}
