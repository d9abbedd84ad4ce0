import Foundation
import Autodiff
import MetaLearning
import Numerics
import PolicyGradient
import RL
import Robotics

/// `metarl adapt`: deployment-time adaptation of a meta-trained policy to one task from K
/// rollouts, saved as a policy directory that `rollout` and `evaluate` accept like any other.
struct AdaptCommand: Command {
    static let name = "adapt"
    static let abstract = "Adapt a meta-trained policy to one task from K rollouts and save the adapted policy."
    static let help = """
    Usage: metarl adapt POLICY_DIR --env NAME|FILE (--object NAME | --task-seed S) [--episodes K] [--steps n]
                        [--seed S] [--threads T] --out DIR

    Picks one task, runs K episodes (default 10) of it with the policy's parameters, takes one
    adaptation step with the policy's own inner step (α, baseline, inner objective from its
    config.json), and repeats n times (default 1), each time on K fresh episodes of the adapted
    policy. The adapted policy is written to DIR (weights.json, config.json, run.json naming the
    task, command.txt), whole or not at all.

    Options:
      POLICY_DIR      a meta-trained policy directory (DIR or DIR/policy)
      --env NAME|FILE the task family (default: the env recorded in the policy's run.json)
      --object NAME   an object of the family's catalog (train or held-out) by name; its
                      placement and the goal are drawn with --task-seed (default 0)
      --task-seed S   the first held-out task of Benchmark(seed: S) (goal, object, placement)
      --episodes K    adaptation episodes per step (default 10)
      --steps n       adaptation steps (default 1)
      --seed S        seed of the episodes' noise (default 0)
      --threads T     workers stepping environments (default 1); results do not depend on it
      --out DIR       where the adapted policy goes

    Output: one JSON line: env, task (the task, as JSON text), episodes, steps, and the mean return
    and success rate of the adaptation episodes of each step (returns, success_rates), out.

    Example:
      metarl adapt Policies/grasp-lift-maml-trpo --env grasp-lift --object heavy-slick-box --out runs/adapted
      metarl adapt Policies/reach-maml-trpo --task-seed 3 --out runs/adapted-reach
      metarl rollout reach --policy runs/adapted-reach --task-seed 3 --episodes 10   # on the same task
    """

    let policyPath: String
    let loaded: LoadedPolicy
    let envName: String
    let family: TaskFamily
    let object: String?
    /// The catalog object --object names.
    let placedObject: ObjectSpec?
    let taskSeed: UInt64
    let episodes: Int
    let steps: Int
    let seed: UInt64
    let threads: Int
    let out: String
    let commandLine: String

    init(arguments: inout Arguments) throws {
        let envText = try arguments.option("env")
        object = try arguments.option("object")
        let taskSeedGiven = try arguments.seed("task-seed")
        taskSeed = taskSeedGiven ?? 0
        episodes = try arguments.int("episodes", range: 1...10_000) ?? 10
        steps = try arguments.int("steps", range: 1...100) ?? 1
        seed = try arguments.seed() ?? 0
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        guard let out = try arguments.option("out") else { throw UsageError("missing --out DIR") }
        self.out = out
        policyPath = try arguments.requiredPositional("POLICY_DIR")
        try arguments.finish()
        guard object != nil || taskSeedGiven != nil else { throw UsageError("missing --object NAME or --task-seed S: which task to adapt to") }
        commandLine = invocationLine()
        loaded = try LoadedPolicy(policyPath)
        guard loaded.metaConfig != nil else {
            throw UsageError("\(policyPath): a single-task policy (\(loaded.algorithmName)) has no adaptation step; adapt a meta-trained one")
        }
        guard let envName = envText ?? loaded.env else { throw UsageError("missing --env NAME|FILE (\(policyPath) records no environment)") }
        self.envName = envName
        let family = try TaskFamily.resolve(envName)
        self.family = family
        placedObject = try object.map { try family.catalogObject(named: $0, envName: envName, hint: "; use --task-seed") }
        let parent = URL(fileURLWithPath: out).deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path) else { throw RuntimeError("\(out): the directory \(parent.path) does not exist") }
    }

    func run() throws {
        let (parameters, task, returns, successes) = try family.visit(Job(command: self))
        let meta = loaded.metaConfig!
        let record = PolicyRunRecord(algo: meta.algorithm.rawValue, env: envName, seed: "\(seed)", iterations: 0, adaptedTo: task)
        try writePolicyDirectory(URL(fileURLWithPath: out), checkpoint: PolicyCheckpoint(policy: loaded.policy, parameters: parameters),
                                 config: meta, run: record, commandLine: commandLine)
        var line = JSONLine()
        line.add("env", envName)
        line.add("task", task)
        line.add("episodes", episodes)
        line.add("steps", steps)
        line.add("returns", returns.map { "\($0)" }.joined(separator: ","))
        line.add("success_rates", successes.map { "\($0)" }.joined(separator: ","))
        line.add("out", out)
        print(line.text)
    }

    private struct Job: TaskFamilyVisitor {
        let command: AdaptCommand
        func visit<E: Environment, TS: TaskSampler>(_ environment: E, tasks sampler: TS, family: TaskFamily) throws
            -> (Parameters<Float>, String, [Double], [Double]) where TS.Task == E.Task {
            let c = command
            guard environment.spec.observationSize == c.loaded.policy.observationDimension,
                  environment.spec.actionSize == c.loaded.policy.actionDimension else {
                throw RuntimeError("\(c.policyPath): the policy does not fit \(c.envName)'s observation and action sizes")
            }
            var task = evaluationTasks(sampler, split: .heldout, count: 1, seed: c.taskSeed)[0]
            if let object = c.placedObject, let arm = task as? ArmTask { task = family.placing(object, in: arm) as! E.Task }
            let method = c.loaded.method
            var θ = method.initialParameters(task: 0)
            let sampling = Sampler(environment, threads: c.threads)
            let root = RandomSource(seed: c.seed)
            var returns: [Double] = [], successes: [Double] = []
            for s in 0..<c.steps {
                var stepSeed = root.stream(s)
                let batch = sampling.sample(GaussianPolicySampler(policy: method.policy, parameters: θ), tasks: [task],
                                            episodesPerTask: c.episodes, seed: stepSeed.next())
                returns.append(batch.averageReturn); successes.append(batch.successRate)
                θ = method.adaptStep(θ, episodes: batch)
            }
            return (θ, describeTask(task), returns, successes)
        }
    }
}

/// A task as one line of JSON (tasks are Codable where they can be).
func describeTask<T>(_ task: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    if let codable = task as? any Encodable, let data = try? encoder.encode(codable) { return String(decoding: data, as: UTF8.self) }
    return "\(task)"
}
