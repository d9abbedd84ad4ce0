import Foundation
import Autodiff
import MetaLearning
import PolicyGradient
import RL
import Collectives
import Robotics

/// `metarl train --algo maml-trpo|maml-ppo|promp|fomaml|reptile`: meta-training on a task family
/// with hidden task parameters, into a resumable run directory:
///
///   DIR/run.json            algo, env, seed, target iterations, the command (what --resume reads),
///                           the start time, the machine and the commit
///   DIR/checkpoint.json     the state after the last finished iteration (written atomically)
///   DIR/learning_curve.csv  one row per iteration; the same rows in DIR/metrics.jsonl and as
///                           TensorBoard scalars in DIR/events.out.tfevents.metarl (RunLog)
///   DIR/policy/             the meta-policy (weights.json, config.json, run.json, command.txt)
struct TrainMeta {
    let algorithm: MetaAlgorithm
    let envName: String
    let family: TaskFamily
    let config: MetaConfig
    let iterations: Int
    let seed: UInt64
    let threads: Int
    /// The ranks of an MPI launch; rank 0 alone writes the run directory and the progress.
    let world: any Communicator
    let out: String?
    let commandLine: String
    let resumeState: MetaTrainingState?
    /// Wall-clock times of the iterations done before a resume (the log keeps them).
    let previousTimes: [IterationTime]
    /// When the run first started (seconds since 1970; the log's wall-clock axis).
    let startTime: Double
    /// This process's machine and commit (run.json; rank 0 only, which alone writes it: the
    /// others spawn no git under MPI).
    let provenance: Provenance?

    /// One iteration's wall-clock times: seconds since the run's start at its end, and its
    /// sampling and meta-update phases. Not part of the deterministic state.
    struct IterationTime: Codable {
        var seconds: Double
        var sampling: Double
        var metaUpdate: Double
    }

    /// What --resume needs besides the checkpoint.
    struct RunFile: Codable {
        var algo: String
        var env: String
        var seed: String
        var iterations: Int
        var command: String
        /// When the run first started, seconds since 1970 (absent in run files before the logs had it).
        var started: Double?
        /// The machine and commit of the process that wrote this file (after a resume: the resumed one).
        var provenance: Provenance?
        /// Each finished iteration's wall-clock times.
        var times: [IterationTime]
    }

    /// The defaults of `algorithm` on `family` (a starting point for --config; see --show-config).
    static func defaults(_ algorithm: MetaAlgorithm, family: TaskFamily) -> MetaConfig {
        var config = MetaConfig.pointNavigation(algorithm)
        switch family {
        case .pointNavigation:
            break
        case .arm:
            // The arm's Cartesian-velocity actions make reach a 3-D point-navigation with a
            // 150-step horizon; [64, 64] for the larger observation, σ₀ = 0.5 of the ±1 action
            // box, 20 tasks × 10 + 10 episodes as in Meta-World's ML1 MAML runs (scaled down).
            // α by measurement on reach (reward scale 0.25 m): 0.05 overshoots (TRPO's line
            // search rejects every outer step), 0.015 gives post-update success 15–35% from the
            // first iterations. The other families start from the same α, untuned.
            config.policy = PolicyConfig(hiddenSizes: [64, 64], initialStd: 0.5)
            config.stepSize = 0.015
        }
        return config
    }

    init(algorithm: MetaAlgorithm, envName: String, family: TaskFamily, config: MetaConfig, iterations: Int, seed: UInt64,
         threads: Int, world: any Communicator, out: String?, commandLine: String) {
        self.algorithm = algorithm; self.envName = envName; self.family = family; self.config = config
        self.iterations = iterations; self.seed = seed; self.threads = threads; self.world = world; self.out = out
        self.commandLine = commandLine; resumeState = nil; previousTimes = []
        startTime = Date().timeIntervalSince1970
        provenance = world.isRoot ? Provenance.current(ranks: world.size) : nil
    }

    /// A run continued from DIR: algo, env, seed and config from its files; `iterations` (the
    /// new target) defaults to the one it was started with.
    init(resume dir: String, iterations: Int?, threads: Int, world: any Communicator, commandLine: String) throws {
        let base = URL(fileURLWithPath: dir)
        let runURL = base.appendingPathComponent("run.json"), checkpointURL = base.appendingPathComponent("checkpoint.json")
        let run: RunFile = try decodeFile(RunFile.self, at: runURL)
        let checkpoint: MetaCheckpoint = try decodeFile(MetaCheckpoint.self, at: checkpointURL)
        let state: MetaTrainingState
        do { state = try checkpoint.restore() } catch let error as PolicyCheckpoint.Invalid {
            throw RuntimeError("\(checkpointURL.path): \(error.description)")
        }
        guard let algorithm = MetaAlgorithm(rawValue: run.algo), algorithm == checkpoint.config.algorithm else {
            throw RuntimeError("\(runURL.path): algo '\(run.algo)' does not match the checkpoint's '\(checkpoint.config.algorithm.rawValue)'")
        }
        guard let seed = UInt64(run.seed) else { throw RuntimeError("\(runURL.path): seed: expected an integer, found '\(run.seed)'") }
        guard run.times.count >= state.iteration else {
            throw RuntimeError("\(runURL.path): times: \(run.times.count) entries for \(state.iteration) iterations")
        }
        self.algorithm = algorithm; envName = run.env; family = try TaskFamily.resolve(run.env); config = checkpoint.config
        self.iterations = iterations ?? run.iterations; self.seed = seed; self.threads = threads; self.world = world; out = dir
        self.commandLine = commandLine; resumeState = state; previousTimes = Array(run.times.prefix(state.iteration))
        startTime = run.started ?? (Date().timeIntervalSince1970 - (previousTimes.last?.seconds ?? 0))
        provenance = world.isRoot ? Provenance.current(ranks: world.size) : nil
        guard self.iterations >= state.iteration else {
            throw UsageError("option --iterations: the run in \(dir) has already done \(state.iteration) iterations")
        }
    }

    /// A meta-batch spreads over the ranks one task or more each.
    func checkSpread() throws {
        if config.metaBatchSize < world.size {
            throw UsageError("the meta-batch of \(config.metaBatchSize) tasks cannot be spread over \(world.size) ranks; use at most \(config.metaBatchSize) ranks or a larger metaBatchSize in --config")
        }
    }

    func run() throws {
        let job = Job(train: self)
        let result = try family.visit(job)
        guard world.isRoot else { return }
        var line = JSONLine()
        line.add("algo", algorithm.rawValue)
        line.add("env", envName)
        line.add("seed", "\(seed)")
        line.add("iterations", result.curve.count)
        line.add("final_pre_update_return", result.curve.last?.preUpdateReturn ?? .nan)
        line.add("final_post_update_return", result.curve.last?.postUpdateReturn ?? .nan)
        line.add("final_pre_update_success_rate", result.curve.last?.preUpdateSuccessRate ?? .nan)
        line.add("final_post_update_success_rate", result.curve.last?.postUpdateSuccessRate ?? .nan)
        line.add("parameters_checksum", parametersChecksum(result.learner.parameters))
        line.add("ranks", world.size)
        line.add("seconds", result.seconds)
        if let out { line.add("out", out) }
        print(line.text)
    }

    struct Outcome {
        let learner: MetaLearner
        let curve: [MetaIterationRecord]
        let seconds: Double
    }

    private struct Job: TaskFamilyVisitor {
        let train: TrainMeta
        func visit<E: Environment, TS: TaskSampler>(_ environment: E, tasks: TS, family: TaskFamily) throws -> Outcome
            where TS.Task == E.Task {
            let t = train
            let start = Date()
            let offset = t.previousTimes.last?.seconds ?? 0
            var times = t.previousTimes
            var progress = ProgressLine(total: t.iterations, world: t.world)
            let dir = t.world.isRoot ? t.out.map { URL(fileURLWithPath: $0) } : nil
            Interrupt.shared.install()
            if let dir {
                do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                    throw RuntimeError("\(dir.path): cannot create the directory (\(NumericCSV.reason(error)))")
                }
            }
            let result = try metaTrain(environment: environment, tasks: tasks, config: t.config, iterations: t.iterations,
                                       seed: t.seed, threads: t.threads, world: t.world, resume: t.resumeState) { state, timing in
                let elapsed = offset + Date().timeIntervalSince(start)
                times.append(IterationTime(seconds: elapsed, sampling: timing.samplingSeconds, metaUpdate: timing.metaUpdateSeconds))
                let r = state.curve.last!
                progress.update(done: r.iteration + 1, String(format: "success %.2f → %.2f  return %.2f → %.2f (before → after adaptation)",
                                                              r.preUpdateSuccessRate, r.postUpdateSuccessRate, r.preUpdateReturn, r.postUpdateReturn))
                if let dir { try t.writeRunDirectory(dir, state: state, times: times, final: false) }
                if state.iteration < t.iterations, Interrupt.shared.requested(t.world) {
                    progress.interrupt()
                    guard let out = t.out else {
                        throw Interrupted(description: "interrupted after iteration \(state.iteration) of \(t.iterations); nothing saved (no --out)")
                    }
                    throw Interrupted(description: "interrupted after iteration \(state.iteration) of \(t.iterations); \(out)/checkpoint.json holds it. Continue with: metarl train --resume \(out)")
                }
            }
            let state = MetaTrainingState(learner: result.learner, curve: result.curve)
            if let dir { try t.writeRunDirectory(dir, state: state, times: times, final: true) }
            return Outcome(learner: result.learner, curve: result.curve, seconds: Date().timeIntervalSince(start))
        }
    }

    /// The checkpoint, run file and learning curve after an iteration; with `final`, the policy too.
    func writeRunDirectory(_ dir: URL, state: MetaTrainingState, times: [IterationTime], final: Bool) throws {
        let compact = JSONEncoder()
        compact.outputFormatting = [.sortedKeys]
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        let run = RunFile(algo: algorithm.rawValue, env: envName, seed: "\(seed)", iterations: iterations,
                          command: commandLine, started: startTime, provenance: provenance, times: times)
        try writeAtomically(dir.appendingPathComponent("checkpoint.json"), try compact.encode(MetaCheckpoint(state)))
        try writeAtomically(dir.appendingPathComponent("run.json"), try pretty.encode(run))
        var log = RunLog(columns: ["iteration", "pre_update_return", "post_update_return", "pre_update_success_rate",
                                   "post_update_success_rate", "mean_kl", "line_search_steps", "accepted", "seconds",
                                   "sampling_seconds", "meta_update_seconds"], group: "meta", startTime: startTime)
        for (r, t) in zip(state.curve, times) {
            log.append([.int(r.iteration), .double(r.preUpdateReturn), .double(r.postUpdateReturn), .double(r.preUpdateSuccessRate),
                        .double(r.postUpdateSuccessRate), .double(r.meanKL), .int(r.lineSearchSteps), .int(r.accepted ? 1 : 0),
                        .double(t.seconds), .double(t.sampling), .double(t.metaUpdate)], wallTime: startTime + t.seconds)
        }
        try log.write(to: dir)
        if final {
            let record = PolicyRunRecord(algo: algorithm.rawValue, env: envName, seed: "\(seed)", iterations: state.iteration)
            try writePolicyDirectory(dir.appendingPathComponent("policy"),
                                     checkpoint: PolicyCheckpoint(policy: state.learner.policy, parameters: state.learner.parameters),
                                     config: config, run: record, commandLine: commandLine)
        }
    }
}

/// run.json of a meta-policy directory: where it came from (the env is what `evaluate` and
/// `adapt` default to).
struct PolicyRunRecord: Codable {
    var algo: String
    var env: String
    var seed: String
    var iterations: Int
    /// Set for a policy written by `metarl adapt`: the task it was adapted to.
    var adaptedTo: String? = nil
}

/// FNV-1a over the bit patterns of θ's values in parameter order, as 16 hex digits: equal
/// checksums mean (all but certainly) bit-identical parameters.
func parametersChecksum(_ θ: Parameters<Float>) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in θ.flattened().scalars {
        var bits = value.bitPattern
        for _ in 0..<4 { hash = (hash ^ UInt64(bits & 0xff)) &* 0x0000_0100_0000_01b3; bits >>= 8 }
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Writes `data` to `url` through a temporary file and rename(2): the file is old or new, never half-written.
func writeAtomically(_ url: URL, _ data: Data) throws {
    var sink = try OutputSink(path: url.path)
    try sink.write(bytes: data)
    try sink.finish()
}

/// A Codable value from a JSON file; a bad file names the file and the field.
func decodeFile<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw RuntimeError("\(url.path): cannot read (\(NumericCSV.reason(error)))")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let DecodingError.keyNotFound(key, context) {
        throw RuntimeError("\(url.path): missing field '\(codingPathText(context.codingPath + [key]))'")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        throw RuntimeError("\(url.path): field '\(codingPathText(context.codingPath))': \(context.debugDescription)")
    } catch let DecodingError.dataCorrupted(context) {
        throw RuntimeError("\(url.path): \(context.codingPath.isEmpty ? "not valid JSON" : "field '\(codingPathText(context.codingPath))'"): \(context.debugDescription)")
    } catch {
        throw RuntimeError("\(url.path): \(error)")
    }
}

func codingPathText(_ path: [any CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}
