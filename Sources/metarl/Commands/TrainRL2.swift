import Foundation
import Autodiff
import MetaLearning
import RL
import Collectives

/// `metarl train --algo rl2-ppo`: RL² (a GRU policy trained with PPO over trials) on a task
/// family, into a run directory:
///
///   DIR/run.json            algo, env, seed, iterations, the command, start time, machine, commit
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

    /// The settings for `family`: point-navigation as is; the arm families with σ₀ = 0.5 of the
    /// ±1 action box (the MLP policies' choice), otherwise untuned.
    static func defaults(family: TaskFamily) -> RL2Config { RL2Config() }

    struct RunFile: Codable {
        var algo: String
        var env: String
        var seed: String
        var iterations: Int
        var command: String
        var started: Double
        var provenance: Provenance?
    }

    func run() throws {
        let dir = out.map { URL(fileURLWithPath: $0) }
        if let dir {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw RuntimeError("\(dir.path): cannot create the directory (\(NumericCSV.reason(error)))")
            }
            let pretty = JSONEncoder()
            pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
            let run = RunFile(algo: "rl2-ppo", env: envName, seed: "\(seed)", iterations: iterations, command: commandLine,
                              started: Date().timeIntervalSince1970, provenance: Provenance.current(ranks: 1))
            try writeAtomically(dir.appendingPathComponent("run.json"), try pretty.encode(run))
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
            var trainer = RL2Trainer(config: t.config, environment: environment, tasks: tasks, seed: t.seed, threads: t.threads)
            var curve: [RL2Iteration] = []
            var progress = ProgressLine(total: t.iterations)
            let N = t.config.episodesPerTrial
            let columns = ["iteration"] + (1...N).map { "return_episode_\($0)" } + (1...N).map { "success_episode_\($0)" }
                + ["loss", "approximate_kl", "seconds"]
            var log = RunLog(columns: columns, group: "rl2", startTime: start.timeIntervalSince1970)
            Interrupt.shared.install()
            var interrupted: Interrupted?
            for i in 0..<t.iterations {
                let r = trainer.step()
                curve.append(r)
                let elapsed = Date().timeIntervalSince(start)
                log.append([.int(i)] + r.returns.map { .double($0) } + r.successRates.map { .double($0) }
                           + [.double(r.statistics.loss), .double(r.statistics.approximateKL), .double(elapsed)],
                           wallTime: start.timeIntervalSince1970 + elapsed)
                if let dir { try log.write(to: dir) }
                progress.update(done: i + 1, String(format: "return %@  success %@ (episodes of a trial)",
                                                    r.returns.map { String(format: "%.2f", $0) }.joined(separator: " → "),
                                                    r.successRates.map { String(format: "%.2f", $0) }.joined(separator: " → ")))
                if i + 1 < t.iterations, Interrupt.shared.requested(SingleProcess()) {
                    progress.interrupt()
                    interrupted = Interrupted(description: "interrupted after iteration \(i + 1) of \(t.iterations)"
                                              + (t.out.map { "; \($0)/policy holds the policy so far" } ?? "; nothing saved (no --out)"))
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
