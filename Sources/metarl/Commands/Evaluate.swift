import Foundation
import Autodiff
import MetaLearning
import Numerics
import PolicyGradient
import Reports
import RL

/// `metarl evaluate`: the meta-test protocol on held-out tasks, for a policy and, on request, the
/// baselines, aggregated over tasks and seeds with mean, IQM and stratified-bootstrap 95% CIs.
struct Evaluate: Command {
    static let name = "evaluate"
    static let abstract = "Meta-test a policy on held-out tasks: success and return before and after adaptation, with CIs."
    static let help = """
    Usage: metarl evaluate POLICY_DIR [POLICY_DIR ...] [--env NAME|FILE] [--split heldout|train] [--tasks N] [--task-seed S]
                           [--adapt-episodes K] [--adapt-steps n] [--eval-episodes M] [--seeds a,b,...]
                           [--baselines] [--baseline-iterations I] [--threads T] [--json] [--out FILE]

    For each of N tasks of the split (default: 20 held-out tasks; for the arm families held-out
    tasks use only held-out objects), and for each seed: M fresh evaluation episodes with the
    policy's parameters (adapt_step 0), then n times: K adaptation episodes with the current
    parameters, one adaptation step, M fresh evaluation episodes. Policies act stochastically, as
    in meta-training. A meta-trained policy adapts with its own inner step (α, baseline and inner
    objective from its config.json); a single-task policy does not adapt. A recurrent policy
    (--algo rl2-ppo) adapts within a trial, without a gradient step: for each task M trials of
    n + 1 episodes, adapt_step j scoring episode j of the trials (K is unused); method "rl2-ppo".

    Several POLICY_DIRs are evaluated side by side on the same tasks and seeds (for example a
    MAML policy and an RL² policy of one environment): one set of rows per policy, named by its
    method, which must differ between them. The baselines are trained once per seed, shaped like
    the first feed-forward policy (its inner step for "scratch"), or [64, 64] if all are recurrent.

    Scores are aggregated per method and adaptation step over tasks × seeds: mean, IQM
    (interquartile mean) and 95% confidence intervals of the mean from a stratified bootstrap
    (tasks are strata, seeds are resampled within each; 2000 resamples, percentile method, as in
    rliable). Never max-over-training: the policy directory is evaluated as it is.

    Options:
      POLICY_DIR             a policy directory (DIR or DIR/policy) from 'metarl train' or 'metarl adapt';
                             several are evaluated side by side
      --env NAME|FILE        the task family (default: the env recorded in the policy's run.json)
      --split heldout|train  which tasks (default heldout)
      --tasks N              tasks (default 20), drawn with --task-seed (default 0) as Benchmark does
      --adapt-episodes K     adaptation episodes per step (default 10)
      --adapt-steps n        adaptation steps (default 1, at most 3)
      --eval-episodes M      evaluation episodes before adaptation and after each step (default 3)
      --seeds a,b,...        protocol seeds: episode noise and baselines' training (default 0,1,2,3,4)
      --baselines            also run, in the same protocol and on the same tasks:
                               multitask           one PPO policy trained on train tasks, no adaptation
                               multitask-finetune  that policy fine-tuned on the same K episodes
                               scratch             a fresh policy per task adapted on the same K episodes
                                                   with the policy's own inner step (PPO fine-tuning
                                                   for a single-task policy): what the meta-learned
                                                   initialization adds over the inner step alone
                             (trained on the fly, one per seed, never shipped)
      --baseline-iterations I  PPO iterations of the multitask baseline (default 100; 10 train tasks
                             × 2 episodes per iteration)
      --threads T            workers stepping environments (default 1); results do not depend on it
      --json                 print the JSON object on stdout (the table goes to stderr either way)
      --out FILE             also write the JSON object to FILE (atomically)

    JSON: env, split, policy (the first POLICY_DIR), policies ({path, method} for each), protocol
    (the settings), seeds, and results: a list of rows
    {method, adapt_step, success_rate: {mean, iqm, ci95: [lo, hi], iqm_ci95}, return: {same}},
    adapt_step 0 being before adaptation; and per_task: each method's per-task, per-seed scores.

    Example:
      metarl evaluate Policies/reach-maml-trpo --json
      metarl evaluate runs/maml --env point-navigation --adapt-steps 3 --baselines --seeds 0,1,2 --json
      metarl evaluate runs/reach-maml runs/reach-rl2 --tasks 20 --json --out both.json
    """

    /// The policies, in the order given.
    let policies: [EvaluatedPolicy]
    let envName: String
    let family: TaskFamily
    let split: Split
    let taskCount: Int
    let taskSeed: UInt64
    let settings: MetaTestSettings
    let seeds: [UInt64]
    let baselines: Bool
    let baselineIterations: Int
    let threads: Int
    let json: Bool
    let out: String?

    init(arguments: inout Arguments) throws {
        let envText = try arguments.option("env")
        let splitText = try arguments.option("split") ?? "heldout"
        guard let split = Split(rawValue: splitText) else { throw UsageError("option --split: expected heldout or train, found '\(splitText)'") }
        self.split = split
        taskCount = try arguments.int("tasks", range: 1...10_000) ?? 20
        taskSeed = try arguments.seed("task-seed") ?? 0
        let k = try arguments.int("adapt-episodes", range: 1...10_000) ?? 10
        let n = try arguments.int("adapt-steps", range: 0...3) ?? 1
        let m = try arguments.int("eval-episodes", range: 1...10_000) ?? 3
        settings = MetaTestSettings(adaptEpisodes: k, adaptSteps: n, evalEpisodes: m)
        seeds = try parseSeeds(try arguments.option("seeds") ?? "0,1,2,3,4", option: "seeds")
        baselines = arguments.flag("baselines")
        baselineIterations = try arguments.int("baseline-iterations", range: 1...1_000_000) ?? 100
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        json = arguments.flag("json")
        out = try arguments.option("out")
        var paths = [try arguments.requiredPositional("POLICY_DIR")]
        while let more = arguments.positional() { paths.append(more) }
        try arguments.finish()
        policies = try paths.map(EvaluatedPolicy.init)
        for (i, p) in policies.enumerated() {
            if let first = policies[..<i].first(where: { $0.methodName == p.methodName }) {
                throw UsageError("\(first.path) and \(p.path) both evaluate as method '\(p.methodName)'; evaluate them one at a time")
            }
        }
        if let envText {
            envName = envText
        } else {
            let recorded = policies.compactMap { p in p.env.map { (p.path, $0) } }
            guard let (_, env) = recorded.first else {
                throw UsageError("missing --env NAME|FILE (\(paths.joined(separator: ", ")) record\(paths.count == 1 ? "s" : "") no environment)")
            }
            if let other = recorded.first(where: { $0.1 != env }) {
                throw UsageError("\(recorded[0].0) was trained on \(env) but \(other.0) on \(other.1); name one with --env")
            }
            envName = env
        }
        family = try TaskFamily.resolve(envName)
        if let out { try OutputSink(path: out).abandon() }   // the destination's folder must exist before the work starts
    }

    func run() throws {
        if seeds.count == 1 {
            printError("metarl evaluate: note: one seed: the stratified bootstrap resamples seeds within each task, so the 95% intervals collapse to the mean; pass several --seeds for intervals")
        }
        let report = try family.visit(Job(command: self))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        if let out {
            var sink = try OutputSink(path: out)
            try sink.write(String(decoding: data, as: UTF8.self) + "\n")
            try sink.finish()
        }
        // The table is for people (stderr); the JSON for programs (stdout, with --json).
        let width = max(6, report.results.map(\.method.count).max() ?? 0) + 2
        printError("method".padding(toLength: width, withPad: " ", startingAt: 0) + "step  success mean [95% CI]   IQM    return mean [95% CI]")
        for row in report.results {
            let s = row.successRate, r = row.return
            printError(row.method.padding(toLength: width, withPad: " ", startingAt: 0)
                       + String(format: "%4d  %.3f [%.3f, %.3f]    %.3f  %9.3f [%.3f, %.3f]", row.adaptStep,
                                s.mean, s.ci95[0], s.ci95[1], s.iqm, r.mean, r.ci95[0], r.ci95[1]))
        }
        if json { print(String(decoding: data, as: UTF8.self)) }
    }

    private struct Job: TaskFamilyVisitor {
        let command: Evaluate
        func visit<E: Environment, TS: TaskSampler>(_ environment: E, tasks sampler: TS, family: TaskFamily) throws -> EvaluationReport
            where TS.Task == E.Task {
            let c = command
            let spec = environment.spec
            for p in c.policies {
                let (expected, needed) = p.sizes(spec)
                guard expected == needed else {
                    throw RuntimeError("\(p.path): the policy takes \(expected.0) inputs and gives \(expected.1) actions; \(c.envName) needs \(needed.0) and \(needed.1)")
                }
            }
            let tasks = evaluationTasks(sampler, split: c.split, count: c.taskCount, seed: c.taskSeed)
            let progress = isatty(STDERR_FILENO) != 0
            // scores[method] = one MetaTestScores per seed.
            var order: [String] = []
            var scores: [String: [MetaTestScores]] = [:]
            func record(_ s: MetaTestScores) {
                if scores[s.method] == nil { order.append(s.method) }
                scores[s.method, default: []].append(s)
            }
            // The baselines are feed-forward policies shaped like the first feed-forward one;
            // beside recurrent ones only, shaped as the MLP policies of meta-training are
            // ([64, 64]) with the first one's σ₀.
            let feedForward = c.policies.lazy.compactMap(\.feedForward).first
            let baselinePolicy = feedForward?.policyConfig
                ?? PolicyConfig(hiddenSizes: [64, 64], initialStd: c.policies[0].recurrent!.learner.config.initialStd)
            for seed in c.seeds {
                for p in c.policies {
                    if progress { printError("seed \(seed): \(p.methodName) on \(tasks.count) \(c.split.rawValue) tasks") }
                    switch p {
                    case .recurrent(_, let recurrent):
                        record(rl2MetaTest(recurrent.learner, environment: environment, tasks: tasks, settings: c.settings, seed: seed, threads: c.threads))
                    case .feedForward(_, let loaded):
                        record(metaTest(loaded.method, environment: environment, tasks: tasks, settings: c.settings, seed: seed, threads: c.threads))
                    }
                }
                guard c.baselines else { continue }
                if progress { printError("seed \(seed): training the multitask baseline (\(c.baselineIterations) iterations)") }
                let multitask = trainMultitaskBaseline(environment: environment, sampler: sampler, policy: baselinePolicy,
                                                       iterations: c.baselineIterations, seed: seed, threads: c.threads)
                let methods: [any AdaptationMethod] = [
                    NoAdaptation(name: "multitask", policy: multitask.policy, parameters: multitask.parameters),
                    FineTuning(name: "multitask-finetune", policy: multitask.policy, parameters: multitask.parameters),
                    feedForward?.scratch(spec: spec, seed: seed) ?? FineTuning(scratch: baselinePolicy, spec: spec, seed: seed),
                ]
                for baseline in methods {
                    if progress { printError("seed \(seed): \(baseline.name)") }
                    record(metaTest(baseline, environment: environment, tasks: tasks, settings: c.settings, seed: seed, threads: c.threads))
                }
            }
            var results: [EvaluationReport.Row] = []
            var perTask: [EvaluationReport.PerTask] = []
            for name in order {
                let runs = scores[name]!
                for step in 0...c.settings.adaptSteps {
                    // [task][seed]: tasks are the bootstrap's strata.
                    let success = (0..<tasks.count).map { i in runs.map { $0.successRates[step][i] } }
                    let returns = (0..<tasks.count).map { i in runs.map { $0.returns[step][i] } }
                    results.append(.init(method: name, adaptStep: step, successRate: summarize(scores: success, seed: 0),
                                         return: summarize(scores: returns, seed: 0)))
                }
                perTask.append(.init(method: name, successRates: runs.map(\.successRates), returns: runs.map(\.returns)))
            }
            let protocolSettings = EvaluationReport.ProtocolSettings(
                tasks: tasks.count, taskSeed: "\(c.taskSeed)", adaptEpisodes: c.settings.adaptEpisodes,
                adaptSteps: c.settings.adaptSteps, evalEpisodes: c.settings.evalEpisodes,
                baselines: c.baselines, baselineIterations: c.baselines ? c.baselineIterations : nil,
                bootstrap: "stratified over tasks, 2000 resamples, percentile 95% interval of the mean")
            return EvaluationReport(env: c.envName, split: c.split.rawValue, policy: c.policies[0].path,
                                    policies: c.policies.map { .init(path: $0.path, method: $0.methodName) }, protocol: protocolSettings,
                                    seeds: c.seeds.map { "\($0)" }, results: results, perTask: perTask)
        }
    }
}

/// The JSON that `metarl evaluate` prints.
struct EvaluationReport: Codable {
    struct ProtocolSettings: Codable {
        var tasks: Int
        var taskSeed: String
        var adaptEpisodes: Int
        var adaptSteps: Int
        var evalEpisodes: Int
        var baselines: Bool
        var baselineIterations: Int?
        var bootstrap: String
        enum CodingKeys: String, CodingKey {
            case tasks, bootstrap, baselines
            case taskSeed = "task_seed", adaptEpisodes = "adapt_episodes", adaptSteps = "adapt_steps"
            case evalEpisodes = "eval_episodes", baselineIterations = "baseline_iterations"
        }
    }
    struct Row: Codable {
        var method: String
        var adaptStep: Int
        var successRate: Summary
        var `return`: Summary
        enum CodingKeys: String, CodingKey { case method, `return`, adaptStep = "adapt_step", successRate = "success_rate" }
    }
    /// One method's raw scores: [seed][step][task].
    struct PerTask: Codable {
        var method: String
        var successRates: [[[Double]]]
        var returns: [[[Double]]]
        enum CodingKeys: String, CodingKey { case method, returns, successRates = "success_rates" }
    }
    /// One evaluated policy directory and the method name its rows carry.
    struct PolicyEntry: Codable {
        var path: String
        var method: String
    }
    var env: String
    var split: String
    /// The first policy directory (the only one, usually).
    var policy: String
    /// Every policy directory; absent in files written before evaluate took several.
    var policies: [PolicyEntry]?
    var `protocol`: ProtocolSettings
    var seeds: [String]
    var results: [Row]
    var perTask: [PerTask]
    enum CodingKeys: String, CodingKey { case env, split, policy, policies, `protocol`, seeds, results, perTask = "per_task" }
}

/// A policy directory under evaluation: feed-forward (meta-trained or single-task) or recurrent
/// (rl2-ppo), with the path as given.
enum EvaluatedPolicy {
    case feedForward(path: String, LoadedPolicy)
    case recurrent(path: String, LoadedRecurrentPolicy)

    init(_ path: String) throws {
        if let dir = LoadedRecurrentPolicy.locate(path) {
            self = .recurrent(path: path, try LoadedRecurrentPolicy(dir))
        } else {
            self = .feedForward(path: path, try LoadedPolicy(path))
        }
    }

    var path: String {
        switch self { case .feedForward(let p, _), .recurrent(let p, _): return p }
    }
    var feedForward: LoadedPolicy? {
        if case .feedForward(_, let loaded) = self { return loaded }
        return nil
    }
    var recurrent: LoadedRecurrentPolicy? {
        if case .recurrent(_, let loaded) = self { return loaded }
        return nil
    }
    /// run.json's env, when the directory records one.
    var env: String? { feedForward?.env ?? recurrent?.env }
    /// The method its rows carry: the meta-training or single-task algorithm, or "rl2-ppo".
    var methodName: String { feedForward?.method.name ?? "rl2-ppo" }

    /// (inputs, actions) the policy has, and those `spec` needs of it.
    func sizes(_ spec: EnvironmentSpec) -> (has: (Int, Int), needs: (Int, Int)) {
        switch self {
        case .feedForward(_, let loaded):
            return ((loaded.policy.observationDimension, loaded.policy.actionDimension), (spec.observationSize, spec.actionSize))
        case .recurrent(_, let loaded):
            return ((loaded.learner.policy.inputSize, loaded.learner.policy.actionSize), (rl2InputSize(spec), spec.actionSize))
        }
    }
}

/// The "multitask" baseline: PPO on train tasks (10 a iteration, 2 episodes each), the policy
/// shaped like the evaluated one. Iteration k's tasks come from stream (7, k) of `seed`.
func trainMultitaskBaseline<E: Environment, TS: TaskSampler>(environment: E, sampler: TS, policy: PolicyConfig, iterations: Int,
                                                            seed: UInt64, threads: Int) -> PolicyGradientLearner
    where TS.Task == E.Task {
    var config = TrainingConfig.defaults(for: .ppo)
    config.policy = policy
    config.episodesPerIteration = 2
    let root = RandomSource(seed: seed)
    let run = trainPolicy(environment: environment, tasks: { k in
        var rng = root.stream(7).stream(k)
        return (0..<10).map { _ in sampler.sample(.train, rng: &rng) }
    }, config: config, iterations: iterations, seed: seed, threads: threads)
    return run.learner
}

/// "a,b,c" as seeds; errors name the option.
func parseSeeds(_ text: String, option: String) throws -> [UInt64] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    var seeds: [UInt64] = []
    for p in parts {
        guard let s = parseSeed(p) else {
            throw UsageError("option --\(option): expected comma-separated integer seeds, found '\(text)'")
        }
        seeds.append(s)
    }
    guard Set(seeds).count == seeds.count else { throw UsageError("option --\(option): seeds repeat in '\(text)'") }
    return seeds
}
