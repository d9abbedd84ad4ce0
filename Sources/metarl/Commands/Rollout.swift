import Foundation
import Numerics
import RL
import Robotics

/// `metarl rollout`: episodes of an environment under a built-in policy.
struct RolloutCommand: Command {
    static let name = "rollout"
    static let abstract = "Run episodes of an environment with a random or scripted policy; print returns and success rate."
    static let help = """
    Usage: metarl rollout NAME|FILE --policy random|scripted|POLICY_DIR [--episodes N] [--seed S] [--split train|heldout]

    Draws N tasks (default 10) of the split (default train) from the environment's benchmark with
    seed S (default 0): train tasks use train objects, held-out tasks held-out objects. Runs one
    episode per task to the horizon.
      random     uniform actions in [-1, 1] from the seed's stream
      scripted   the hand-written controller, told each task's hidden parameters (an oracle:
                 an upper reference for learners)
    Policy directories need the learners, which are not part of this build yet.

    Prints one JSON line: env, policy, split, seed, episodes, mean_return, success_rate,
    broken_rate, mean_steps.

    Example:
      metarl rollout grasp-lift --policy scripted --episodes 20 --seed 1 --split heldout
    """

    enum Policy: String { case random, scripted }

    let target: String
    let policy: Policy
    let episodes: Int
    let seed: UInt64
    let split: Split

    init(arguments: inout Arguments) throws {
        guard let policyText = try arguments.option("policy") else { throw UsageError("missing --policy random|scripted|POLICY_DIR") }
        episodes = try arguments.int("episodes", range: 1...1_000_000) ?? 10
        seed = try arguments.seed() ?? 0
        let splitText = try arguments.option("split") ?? "train"
        guard let split = Split(rawValue: splitText) else { throw UsageError("--split: expected train or heldout, found '\(splitText)'") }
        self.split = split
        target = try arguments.requiredPositional("NAME|FILE")
        try arguments.finish()
        if let p = Policy(rawValue: policyText) {
            policy = p
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: policyText, isDirectory: &isDirectory), isDirectory.boolValue {
                throw RuntimeError("--policy \(policyText): loading trained policies needs the learners (PolicyGradient), which this build does not have yet")
            }
            throw UsageError("--policy: expected random, scripted or a policy directory, found '\(policyText)'")
        }
    }

    func run() throws {
        // point-navigation (written with the learners): the lead dispatches `target ==
        // "point-navigation"` here, before the arm suite's spec loading.
        let suite = try locateSuite()
        let spec = try loadFamilySpec(target, suite: suite)
        let (env, catalog) = try makeEnvironment(spec, suite: suite)
        let bench = Benchmark(spec: spec, catalog: catalog, seed: seed,
                              trainCount: split == .train ? episodes : 0, testCount: split == .heldout ? episodes : 0)
        let tasks = split == .train ? bench.trainTasks : bench.testTasks
        let root = RandomSource(seed: seed)
        var totalReturn = 0.0, successes = 0, broken = 0, steps = 0
        for (i, task) in tasks.enumerated() {
            let result: EpisodeResult
            switch policy {
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
        json.add("policy", policy.rawValue)
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
