import Foundation
import Reports

/// `metarl` with no arguments: the main job on a built-in default — a short MAML-TRPO
/// meta-training on `reach` (hidden goals) followed by the meta-test protocol on held-out goals.
/// It runs `metarl train` and `metarl evaluate` exactly as a user would.
struct DefaultJob: Command {
    static let name = ""
    static let abstract = "Meta-train MAML-TRPO on reach briefly, then evaluate adaptation on held-out goals."
    static let help = """
    Usage: metarl [--iterations N] [--seed S] [--threads T] [--out DIR]

    The main job, in two steps that are also commands of their own:
      metarl train --algo maml-trpo --env reach --iterations N --seed S --threads T --out DIR
      metarl evaluate DIR --tasks 20 --seeds 0,1,2 --threads T --out DIR/evaluation.json
    N defaults to 20 meta-iterations (about 1.5 minutes on 2 cores), T to 2, DIR to
    runs/default (its files are overwritten). The evaluation adapts to 20 held-out goals from 10
    episodes each, with one policy-gradient step, and scores 3 fresh episodes before and after.
    A longer run (--iterations 150, ~12 minutes) is how Policies/reach-maml-trpo was made.

    Prints the training progress and the evaluation table on stderr, and one JSON line on stdout:
    job, env, iterations, seed, success_before and success_after (mean over tasks and seeds, with
    their 95% CIs), return_before, return_after, seconds, out.

    Example:
      swift run -c release metarl
      swift run -c release metarl --iterations 60 --out runs/reach60
    """

    let iterations: Int
    let seed: UInt64
    let threads: Int
    let out: String

    init(arguments: inout Arguments) throws {
        iterations = try arguments.int("iterations", range: 1...100_000) ?? 20
        seed = try arguments.seed() ?? 0
        threads = try arguments.int("threads", range: 1...1024) ?? 2
        out = try arguments.option("out") ?? "runs/default"
        try arguments.finish()
    }

    func run() throws {
        let start = Date()
        let dir = URL(fileURLWithPath: out)
        printError("metarl: meta-training MAML-TRPO on reach for \(iterations) iterations (hidden goals), then evaluating on held-out goals")
        var trainArguments = Arguments(["--algo", "maml-trpo", "--env", "reach", "--iterations", "\(iterations)",
                                        "--seed", "\(seed)", "--threads", "\(threads)", "--out", out])
        let train = try Train(arguments: &trainArguments)
        try train.run()
        let report = dir.appendingPathComponent("evaluation.json")
        var evaluateArguments = Arguments([dir.path, "--tasks", "20", "--seeds", "0,1,2", "--threads", "\(threads)",
                                           "--out", report.path])
        let evaluate = try Evaluate(arguments: &evaluateArguments)
        try evaluate.run()
        let evaluation = try decodeFile(EvaluationReport.self, at: report)
        func row(_ step: Int) -> EvaluationReport.Row? { evaluation.results.first { $0.adaptStep == step } }
        guard let before = row(0), let after = row(1) else { throw RuntimeError("\(report.path): no rows for adapt_step 0 and 1") }
        var line = JSONLine()
        line.add("job", "maml-trpo-reach")
        line.add("env", "reach")
        line.add("iterations", iterations)
        line.add("seed", "\(seed)")
        line.add("success_before", before.successRate.mean)
        line.add("success_before_ci95", before.successRate.ci95.map { "\($0)" }.joined(separator: ","))
        line.add("success_after", after.successRate.mean)
        line.add("success_after_ci95", after.successRate.ci95.map { "\($0)" }.joined(separator: ","))
        line.add("return_before", before.return.mean)
        line.add("return_after", after.return.mean)
        line.add("seconds", Date().timeIntervalSince(start))
        line.add("out", out)
        print(line.text)
    }
}
