import Foundation
import Physics

/// `metarl bench physics`: single-thread steps per second of the bare engine.
struct BenchPhysics: Command {
    static let name = "bench physics"
    static let abstract = "Measure single-thread physics steps per second on an MJCF model."
    static let help = """
    Usage: metarl bench physics MODEL.xml [--steps N] [--keyframe K] [--repeats R]

    Steps the model N times (default 200000) on one thread from its first keyframe (or K, or
    qpos0) after a warm-up of 1000 steps, R times (default 3), and reports the median run.
    Measures the engine alone: no I/O or controls in the loop. Build with -c release.

    Prints one JSON line: model, nq, nv, integrator, timestep, steps, seconds, steps_per_second.

    Example:
      swift run -c release metarl bench physics Environments/robots/arm7.xml --steps 100000
    """

    let modelPath: String
    let model: Model
    let steps: Int
    let repeats: Int
    let keyframe: Int?

    init(arguments: inout Arguments) throws {
        steps = try arguments.int("steps", range: 1...Int.max) ?? 200_000
        repeats = try arguments.int("repeats", range: 1...1000) ?? 3
        let keyframeSpec = try arguments.option("keyframe")
        modelPath = try arguments.requiredPositional("MODEL.xml")
        try arguments.finish()
        model = try loadModel(modelPath)
        keyframe = try resolveKeyframe(keyframeSpec, in: model, path: modelPath) ?? (model.keyframes.isEmpty ? nil : 0)
    }

    func run() throws {
        var runs = (0..<repeats).map { _ in benchmarkSteps(model: model, steps: steps, keyframe: keyframe).seconds }
        runs.sort()
        let seconds = runs[runs.count / 2]
        var json = JSONLine()
        json.add("model", modelPath)
        json.add("nq", model.nq)
        json.add("nv", model.nv)
        json.add("integrator", model.options.integrator.rawValue)
        json.add("timestep", model.options.timestep)
        json.add("steps", steps)
        json.add("repeats", repeats)
        json.add("seconds", seconds)
        json.add("steps_per_second", Double(steps) / seconds)
        print(json.text)
    }
}
