import Foundation
import Numerics
import RL
import Robotics

/// `metarl bench env`: batched environment steps per second.
struct BenchEnv: Command {
    static let name = "bench env"
    static let abstract = "Measure environment steps per second of a task family (batched, threaded)."
    static let help = """
    Usage: metarl bench env NAME|FILE [--batch B] [--threads T] [--steps N] [--seed S]

    Steps B environments (default 8; train tasks of the benchmark with seed S) together for N
    batch steps (default 1000) on T threads (default 1) with uniform random actions, resetting
    every slot at the horizon. Only the environment's step (controller, physics, reward,
    observation) is timed: action sampling and resets are not. Build with -c release.

    Prints one JSON line: env, batch, threads, steps, control_dt (simulated s per step),
    physics_steps_per_step, seconds, steps_per_second (environment steps, all slots),
    simulated_seconds_per_second.

    Example:
      swift run -c release metarl bench env reach --batch 8 --threads 2 --steps 2000
    """

    let target: String
    let batch: Int
    let threads: Int
    let steps: Int
    let seed: UInt64

    init(arguments: inout Arguments) throws {
        batch = try arguments.int("batch", range: 1...100_000) ?? 8
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        steps = try arguments.int("steps", range: 1...100_000_000) ?? 1000
        seed = try arguments.seed() ?? 0
        target = try arguments.requiredPositional("NAME|FILE")
        try arguments.finish()
    }

    func run() throws {
        let suite = try locateSuite()
        let spec = try loadFamilySpec(target, suite: suite)
        let (env, catalog) = try makeEnvironment(spec, suite: suite)
        let bench = Benchmark(spec: spec, catalog: catalog, seed: seed, trainCount: batch, testCount: 0)
        var vec = VectorEnvironment(env, batchSize: batch, threads: threads)
        vec.reset(tasks: bench.trainTasks, seed: seed)
        var rng = RandomSource(seed: seed).stream(2)
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var episodeStep = 0
        for _ in 0..<steps {
            for i in vec.actions.indices { vec.actions[i] = rng.uniform(-1, 1) }
            let start = clock.now
            vec.step()
            elapsed += clock.now - start
            episodeStep += 1
            if episodeStep == spec.horizon || vec.terminated.contains(true) {
                vec.reset(tasks: bench.trainTasks, seed: seed &+ UInt64(episodeStep))
                episodeStep = 0
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let total = Double(batch * steps)
        var json = JSONLine()
        json.add("env", spec.family.rawValue)
        json.add("batch", batch)
        json.add("threads", vec.threads)
        json.add("steps", steps)
        json.add("control_dt", spec.controlPeriod)
        json.add("physics_steps_per_step", spec.substeps)
        json.add("seconds", seconds)
        json.add("steps_per_second", total / seconds)
        json.add("simulated_seconds_per_second", total * spec.controlPeriod / seconds)
        print(json.text)
    }
}
