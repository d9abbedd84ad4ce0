import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL
import Robotics

/// `metarl rollout`: episodes of an environment under a built-in policy.
struct RolloutCommand: Command {
    static let name = "rollout"
    static let abstract = "Run episodes of an environment with a random, scripted or trained policy; print returns and success rate."
    static let help = """
    Usage: metarl rollout NAME|FILE --policy random|scripted|POLICY_DIR [--episodes N] [--seed S] [--split train|heldout]
                          [--task-seed T]

    Draws N tasks (default 10) of the split (default train) with seed S (default 0): for the arm
    suite from the environment's benchmark (train tasks use train objects, held-out tasks held-out
    objects), for point-navigation goals from its train or held-out stream. Runs one episode per
    task to the horizon. With --task-seed T, all N episodes run on one task instead: the first
    held-out task of Benchmark(seed: T), the task 'metarl adapt --task-seed T' adapts to.
      random      uniform actions in the action space from the seed's stream
      scripted    the hand-written controller, told each task's hidden parameters (an oracle:
                  an upper reference for learners)
      POLICY_DIR  a policy written by 'metarl train' (DIR/policy, or the run directory DIR),
                  acting with its mean action

    Prints one JSON line: env, policy, split, seed, episodes, mean_return, success_rate,
    broken_rate (arm suite), mean_steps.

    Example:
      metarl rollout grasp-lift --policy scripted --episodes 20 --seed 1 --split heldout
      metarl rollout reach --policy runs/trpo --episodes 20 --split heldout
      metarl adapt Policies/reach-maml-trpo --task-seed 3 --out runs/adapted
      metarl rollout reach --policy runs/adapted --task-seed 3 --episodes 10
    """

    enum Policy {
        case random, scripted
        /// A trained Gaussian MLP policy and the directory it came from.
        case trained(GaussianPolicySampler, directory: String)

        var name: String {
            switch self {
            case .random: "random"
            case .scripted: "scripted"
            case .trained(_, let directory): directory
            }
        }
    }

    let target: String
    let policy: Policy
    let episodes: Int
    let seed: UInt64
    let split: Split
    /// Every episode on this one held-out task (Benchmark(seed:)'s first), when set.
    let taskSeed: UInt64?

    init(arguments: inout Arguments) throws {
        guard let policyText = try arguments.option("policy") else { throw UsageError("missing --policy random|scripted|POLICY_DIR") }
        episodes = try arguments.int("episodes", range: 1...1_000_000) ?? 10
        seed = try arguments.seed() ?? 0
        let splitGiven = try arguments.option("split")
        let splitText = splitGiven ?? "train"
        guard let split = Split(rawValue: splitText) else { throw UsageError("--split: expected train or heldout, found '\(splitText)'") }
        taskSeed = try arguments.seed("task-seed")
        if taskSeed != nil && splitGiven == "train" { throw UsageError("option --task-seed: picks a held-out task; drop --split train") }
        self.split = taskSeed != nil ? .heldout : split
        target = try arguments.requiredPositional("NAME|FILE")
        try arguments.finish()
        switch policyText {
        case "random": policy = .random
        case "scripted": policy = .scripted
        default:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: policyText, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("--policy: expected random, scripted or a policy directory, found '\(policyText)'")
            }
            policy = .trained(try loadTrainedPolicy(policyText), directory: policyText)
        }
    }

    func run() throws {
        if target == "point-navigation" { return try runPointNavigation() }
        let suite = try locateSuite()
        let spec = try loadFamilySpec(target, suite: suite)
        let (env, catalog) = try makeEnvironment(spec, suite: suite)
        let bench = Benchmark(spec: spec, catalog: catalog, seed: seed,
                              trainCount: split == .train ? episodes : 0, testCount: split == .heldout ? episodes : 0)
        var tasks = split == .train ? bench.trainTasks : bench.testTasks
        if let taskSeed {
            let task = Benchmark(spec: spec, catalog: catalog, seed: taskSeed, trainCount: 0, testCount: 1).testTasks[0]
            tasks = Array(repeating: task, count: episodes)
        }
        if case .trained(let sampler, _) = policy {
            try checkSizes(sampler, env.spec)
            let batch = Sampler(env).sample(sampler, tasks: tasks, episodesPerTask: 1, seed: seed)
            print(summary(env: spec.family.rawValue, batch, brokenRate: nil))
            return
        }
        let root = RandomSource(seed: seed)
        var totalReturn = 0.0, successes = 0, broken = 0, steps = 0
        for (i, task) in tasks.enumerated() {
            let result: EpisodeResult
            switch policy {
            case .trained: preconditionFailure("handled above")
            case .scripted:
                result = env.runScripted(task: task, belief: task, seed: seed)
            case .random:
                // Stream 2 + i: streams 0 and 1 of the seed draw the benchmark's tasks.
                var rng = root.stream(2 + i)
                let n = env.spec.actionSize
                result = env.runEpisode(task: task, seed: seed) { _, _ in (0..<n).map { _ in rng.uniform(-1, 1) } }
            }
            totalReturn += result.totalReward
            if result.success { successes += 1 }
            if result.broken { broken += 1 }
            steps += result.steps
        }
        let n = Double(tasks.count)
        var json = JSONLine()
        json.add("env", spec.family.rawValue)
        json.add("policy", policy.name)
        json.add("split", split.rawValue)
        json.add("seed", String(seed))
        json.add("episodes", tasks.count)
        json.add("mean_return", totalReturn / n)
        json.add("success_rate", Double(successes) / n)
        json.add("broken_rate", Double(broken) / n)
        json.add("mean_steps", Double(steps) / n)
        print(json.text)
    }
}

extension RolloutCommand {
    /// point-navigation: goals from the split's stream of the seed, one episode each.
    private func runPointNavigation() throws {
        var rng = RandomSource(seed: seed).stream(0)
        var tasks = (0..<episodes).map { _ in PointNavigationTasks().sample(split, rng: &rng) }
        if let taskSeed {
            tasks = Array(repeating: evaluationTasks(PointNavigationTasks(), split: .heldout, count: 1, seed: taskSeed)[0], count: episodes)
        }
        let env = PointNavigation()
        let batch: EpisodeBatch
        switch policy {
        case .trained(let sampler, _):
            try checkSizes(sampler, env.spec)
            batch = Sampler(env).sample(sampler, tasks: tasks, episodesPerTask: 1, seed: seed)
        case .random:
            batch = Sampler(env).sample(UniformPolicy(space: env.spec.action), tasks: tasks, episodesPerTask: 1, seed: seed)
        case .scripted:
            // The oracle steps straight at the goal it is told (the environment clips to ±0.1).
            batch = Sampler(env).sample(GoalSeekingPolicy(goals: tasks.map(\.goal)), tasks: tasks, episodesPerTask: 1, seed: seed)
        }
        print(summary(env: "point-navigation", batch, brokenRate: nil))
    }

    private func checkSizes(_ sampler: GaussianPolicySampler, _ spec: EnvironmentSpec) throws {
        try checkPolicyFits(sampler, spec, policyName: "--policy \(policy.name)")
    }

    private func summary(env: String, _ batch: EpisodeBatch, brokenRate: Double?) -> String {
        var json = JSONLine()
        json.add("env", env)
        json.add("policy", policy.name)
        json.add("split", split.rawValue)
        json.add("seed", String(seed))
        json.add("episodes", batch.episodeCount)
        json.add("mean_return", batch.averageReturn)
        json.add("success_rate", batch.successRate)
        if let brokenRate { json.add("broken_rate", brokenRate) }
        json.add("mean_steps", Double(batch.stepCount) / Double(batch.episodeCount))
        return json.text
    }
}

/// Checks that a trained policy's input and output sizes are the environment's; the error names
/// the policy (its directory) and the sizes.
func checkPolicyFits(_ sampler: GaussianPolicySampler, _ spec: EnvironmentSpec, policyName: String) throws {
    let policyIn = sampler.policy.observationDimension, policyOut = sampler.policy.actionDimension
    guard policyIn == spec.observationSize, policyOut == spec.actionSize else {
        throw RuntimeError("\(policyName): the policy maps \(policyIn) observations to \(policyOut) actions, but \(spec.name) has \(spec.observationSize) and \(spec.actionSize)")
    }
}

/// Reads a policy directory written by `metarl train` (weights.json in DIR or DIR/policy).
func loadTrainedPolicy(_ directory: String) throws -> GaussianPolicySampler {
    let read = try readPolicyCheckpoint(directory)
    return GaussianPolicySampler(policy: read.policy, parameters: read.parameters, deterministic: true)
}

/// The checkpoint in DIR/weights.json or DIR/policy/weights.json, restored and checked; errors
/// name the file and the problem. `directory` is the folder that holds weights.json.
func readPolicyCheckpoint(_ path: String) throws
    -> (directory: URL, checkpoint: PolicyCheckpoint, policy: GaussianMLPPolicy<Float>, parameters: Parameters<Float>) {
    let base = URL(fileURLWithPath: path)
    let candidates = [base.appendingPathComponent("weights.json"), base.appendingPathComponent("policy/weights.json")]
    guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
        throw RuntimeError("\(path): not a policy directory (no weights.json in it or in its policy/ folder)")
    }
    if LoadedRecurrentPolicy.locate(path) != nil {
        throw RuntimeError("\(file.path): a recurrent (rl2-ppo) policy, which adapts within a trial: evaluate it with 'metarl evaluate'; this command takes feed-forward policies")
    }
    do {
        let checkpoint = try JSONDecoder().decode(PolicyCheckpoint.self, from: Foundation.Data(contentsOf: file))
        let (policy, parameters) = try checkpoint.restore()
        return (file.deletingLastPathComponent(), checkpoint, policy, parameters)
    } catch let error as PolicyCheckpoint.Invalid {
        throw RuntimeError("\(file.path): \(error.description)")
    } catch let error as DecodingError {
        throw RuntimeError("\(file.path): not a policy checkpoint (\(describe(error)))")
    }
}

private func describe(_ error: DecodingError) -> String {
    switch error {
    case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
        let path = c.codingPath.map(\.stringValue).joined(separator: ".")
        return (path.isEmpty ? "" : "\(path): ") + c.debugDescription
    @unknown default:
        return "\(error)"
    }
}

/// Uniform random actions in the box, drawn in row order from the sampler's policy stream.
private struct UniformPolicy: BatchPolicy {
    let space: BoxSpace
    func act(observations: UnsafeBufferPointer<Float>, rows: Int, actions: UnsafeMutableBufferPointer<Float>,
             rng: inout RandomSource) {
        let n = space.size
        for r in 0..<rows { for j in 0..<n { actions[r * n + j] = Float(rng.uniform(space.low[j], space.high[j])) } }
    }
    func skip(rows: Int, rng: inout RandomSource) { for _ in 0..<(rows * space.size) { _ = rng.next() } }
}

/// point-navigation's oracle: slot r steps toward goal r (observations are positions).
private struct GoalSeekingPolicy: BatchPolicy {
    let goals: [SIMD2<Double>]
    func act(observations: UnsafeBufferPointer<Float>, rows: Int, actions: UnsafeMutableBufferPointer<Float>,
             rng: inout RandomSource) {
        for r in 0..<rows {
            actions[2 * r] = Float(goals[r].x) - observations[2 * r]
            actions[2 * r + 1] = Float(goals[r].y) - observations[2 * r + 1]
        }
    }
    func skip(rows: Int, rng: inout RandomSource) {}
}
