import Foundation
import Physics

/// `metarl simulate`: runs an MJCF model and writes its trajectory as CSV.
struct Simulate: Command {
    static let name = "simulate"
    static let abstract = "Simulate an MJCF model and write its trajectory as CSV."
    static let help = """
    Usage: metarl simulate MODEL.xml --steps N [--controls FILE.csv] [--keyframe K] [--every K] [--out FILE]

    Starts from the model's first keyframe if it has one (or from keyframe K, an index or a name),
    else from qpos0, and takes N physics steps with the model's integrator and timestep.

    Output (stdout, or FILE written atomically): a CSV header
      time,qpos_0,...,qpos_{nq-1},qvel_0,...,qvel_{nv-1}
    then the initial state, then the state after every K-th step (default: every step).
    Numbers are printed with the shortest text that reads back to the same double.

    Options:
      --steps N          number of physics steps (required, N >= 0)
      --controls FILE    CSV of controls: nu numbers per row, one row per step; after the last row
                         the last row holds. An optional header row of names is skipped.
      --keyframe K       start from keyframe K (index or name)
      --every K          write every K-th state (default 1)
      --out FILE         write to FILE instead of stdout

    A numerical blow-up (NaN or runaway state) stops the run with exit status 1, naming the
    coordinate, body and time.

    Example:
      metarl simulate Environments/robots/arm3.xml --steps 1000 --every 10 --out arm3.csv
    """

    let modelPath: String
    let model: Model
    let steps: Int
    let every: Int
    let keyframe: Int?
    let controls: [[Double]]
    let out: String?

    init(arguments: inout Arguments) throws {
        guard let steps = try arguments.int("steps", range: 0...Int.max) else { throw UsageError("missing --steps N") }
        self.steps = steps
        every = try arguments.int("every", range: 1...Int.max) ?? 1
        let keyframeSpec = try arguments.option("keyframe")
        let controlsPath = try arguments.option("controls")
        out = try arguments.option("out")
        modelPath = try arguments.requiredPositional("MODEL.xml")
        try arguments.finish()

        model = try loadModel(modelPath)
        keyframe = try resolveKeyframe(keyframeSpec, in: model, path: modelPath) ?? (model.keyframes.isEmpty ? nil : 0)
        if let controlsPath {
            controls = try NumericCSV(contentsOf: URL(fileURLWithPath: controlsPath), columns: model.nu).rows
            if controls.isEmpty { throw RuntimeError("\(controlsPath): no control rows") }
        } else {
            controls = []
        }
    }

    func run() throws {
        var d = Physics.Data(model)
        d.reset(model, keyframe: keyframe)
        var sink = try OutputSink(path: out)
        var header = ["time"]
        header += (0..<model.nq).map { "qpos_\($0)" }
        header += (0..<model.nv).map { "qvel_\($0)" }
        try sink.write(header.joined(separator: ",") + "\n")
        try sink.write(row(d))
        for k in 0..<steps {
            if !controls.isEmpty {
                let row = controls[min(k, controls.count - 1)]
                for i in 0..<model.nu { d.ctrl[i] = row[i] }
            }
            step(model, &d)
            if let warning = d.warning {
                sink.abandon()
                throw RuntimeError("\(modelPath): step \(k + 1): \(warning)")
            }
            if (k + 1) % every == 0 { try sink.write(row(d)) }
        }
        try sink.finish()
    }

    private func row(_ d: Physics.Data) -> String {
        var line = "\(d.time)"
        for x in d.qpos { line += ",\(x)" }
        for x in d.qvel { line += ",\(x)" }
        return line + "\n"
    }
}
