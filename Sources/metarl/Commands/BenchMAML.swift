import Foundation
import Collectives
import MetaLearning
import Robotics

/// `metarl bench maml`: wall-clock time of MAML-TRPO meta-iterations on point-navigation.
struct BenchMAML: Command {
    static let name = "bench maml"
    static let abstract = "Measure MAML-TRPO meta-iteration time on point-navigation (sampling and meta-update)."
    static let help = """
    Usage: metarl bench maml [--tasks N] [--episodes E] [--horizon H] [--iterations I] [--threads T] [--seed S]

    Runs I meta-iterations (default 5) of MAML-TRPO with the exact meta-gradient on
    point-navigation with hidden goals: N tasks (default 20), E pre- and E post-update episodes
    per task (default 20), horizon H (default 100), the default [32, 32] policy, one inner step,
    TRPO with 10 CG iterations and up to 15 line-search steps. The first iteration is a warm-up and
    is not counted (unless I = 1). Build with -c release. Under mpirun (a build with the trait
    MPI) the tasks are spread over the ranks and rank 0 prints its times, which include waiting
    for the others.

    Prints one JSON line: env, tasks, episodes, horizon, threads, ranks, iterations, seconds_per_iteration,
    sampling_seconds and meta_update_seconds (per iteration), env_steps_per_iteration_max
    (2·N·E·H; episodes that reach the goal end earlier).

    Example:
      swift run -c release metarl bench maml --tasks 20 --episodes 20 --horizon 100
    """

    let tasks: Int
    let episodes: Int
    let horizon: Int
    let iterations: Int
    let threads: Int
    let seed: UInt64
    let world: any Communicator

    init(arguments: inout Arguments) throws {
        world = arguments.world
        tasks = try arguments.int("tasks", range: 1...10_000) ?? 20
        episodes = try arguments.int("episodes", range: 1...10_000) ?? 20
        horizon = try arguments.int("horizon", range: 1...100_000) ?? 100
        iterations = try arguments.int("iterations", range: 1...10_000) ?? 5
        threads = try arguments.int("threads", range: 1...1024) ?? 1
        seed = try arguments.seed() ?? 0
        try arguments.finish()
        if tasks < world.size { throw UsageError("option --tasks: \(tasks) tasks cannot be spread over \(world.size) ranks") }
    }

    func run() throws {
        var config = MetaConfig.pointNavigation(.mamlTRPO)
        config.metaBatchSize = tasks; config.preEpisodes = episodes; config.postEpisodes = episodes
        var timings: [MetaIterationTiming] = []
        let environment = PointNavigation(horizon: horizon)
        _ = metaTrain(environment: environment, tasks: PointNavigationTasks(), config: config, iterations: iterations,
                      seed: seed, threads: threads, world: world) { state, timing in
            timings.append(timing)
        }
        guard world.isRoot else { return }
        let counted = timings.count > 1 ? Array(timings.dropFirst()) : timings
        let n = Double(counted.count)
        let sampling = counted.reduce(0) { $0 + $1.samplingSeconds } / n
        let update = counted.reduce(0) { $0 + $1.metaUpdateSeconds } / n
        var line = JSONLine()
        line.add("env", "point-navigation")
        line.add("tasks", tasks)
        line.add("episodes", episodes)
        line.add("horizon", horizon)
        line.add("threads", threads)
        line.add("ranks", world.size)
        line.add("iterations", counted.count)
        line.add("seconds_per_iteration", sampling + update)
        line.add("sampling_seconds", sampling)
        line.add("meta_update_seconds", update)
        line.add("env_steps_per_iteration_max", 2 * tasks * episodes * horizon)
        print(line.text)
    }
}
