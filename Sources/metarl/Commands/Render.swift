import Foundation
import Numerics
import Physics
import PolicyGradient
import Rendering
import RL
import Robotics

/// `metarl render`: one episode drawn as an animated 3D page or a PNG still.
struct RenderCommand: Command {
    static let name = "render"
    static let abstract = "Draw one episode: a self-contained 3D HTML player, or a PNG still."
    static let help = """
    Usage: metarl render (POLICY_DIR | --scripted | --random) [--env NAME|FILE] --out FILE.html|FILE.png
                         [--split train|heldout] [--seed S] [--object NAME]
                         [--frame K|last] [--width W] [--height H] [--camera AZIMUTH,ELEVATION,DISTANCE]

    Runs one episode, recording every control step, on the first task of the split drawn with
    seed S (default 0): the task 'metarl rollout ... --episodes 1 --seed S --split SPLIT' runs, and
    for held-out tasks the one 'metarl adapt --task-seed S' adapts to. --object NAME swaps in a
    catalog object (train or held-out) by name. The goal or target, which the policy never
    sees, is drawn as a translucent green sphere of the success radius.
      POLICY_DIR   a policy from 'metarl train' or 'metarl adapt' (DIR or DIR/policy), acting
                   with its mean action; --env defaults to the environment it was trained on
      --scripted   the hand-written controller told the hidden parameters (the oracle)
      --random     uniform random actions

    FILE.html is one page with no network access: the episode in WebGL with orbit (drag), pan
    (right- or shift-drag), zoom (wheel), play/pause (space), a time slider and step keys (←/→),
    and the env, policy, task and outcome beside it. FILE.png is a still of frame K (default
    last; 0 is the reset) at W×H pixels (default 960×720), drawn by the project's own
    rasterizer with the page's camera and lighting, with blue dots on the hand's (or the
    point's) path up to that frame. --camera sets the starting view: degrees
    around z from +x, degrees above the horizon, metres from the target.

    Prints one JSON line: out, env, policy, split, seed, task, frames, return, success.

    Examples:
      metarl render --scripted --env grasp-lift --split heldout --seed 3 --out grasp.html
      metarl render Policies/reach-maml-trpo --split heldout --out reach.png --frame last
      metarl render --scripted --env pick-place --object steel-ball --out place.png --camera 90,35,1.6
    """

    enum Driver {
        case scripted, random
        case trained(GaussianPolicySampler, directory: String)

        var name: String {
            switch self {
            case .scripted: "scripted"
            case .random: "random"
            case .trained(_, let directory): directory
            }
        }
    }

    enum Output { case html, png }

    let driver: Driver
    let envName: String
    let family: TaskFamily
    let split: Split
    let seed: UInt64
    /// The catalog object --object names.
    let placedObject: ObjectSpec?
    let out: String
    let output: Output
    /// nil: the last frame.
    let frame: Int?
    let width: Int
    let height: Int
    let camera: (azimuth: Double, elevation: Double, distance: Double)?

    init(arguments: inout Arguments) throws {
        let scripted = arguments.flag("scripted"), random = arguments.flag("random")
        let envText = try arguments.option("env")
        guard let out = try arguments.option("out") else { throw UsageError("missing --out FILE.html|FILE.png") }
        let splitText = try arguments.option("split") ?? "train"
        guard let split = Split(rawValue: splitText) else { throw UsageError("--split: expected train or heldout, found '\(splitText)'") }
        seed = try arguments.seed() ?? 0
        let object = try arguments.option("object")
        let frameText = try arguments.option("frame")
        let widthGiven = try arguments.int("width", range: 16...8192), heightGiven = try arguments.int("height", range: 16...8192)
        width = widthGiven ?? 960
        height = heightGiven ?? 720
        let cameraText = try arguments.option("camera")
        let policyPath = arguments.positional()
        try arguments.finish()
        self.split = split
        self.out = out

        switch URL(fileURLWithPath: out).pathExtension.lowercased() {
        case "html", "htm": output = .html
        case "png": output = .png
        default: throw UsageError("option --out: '\(out)' must end in .html or .png")
        }
        if output == .html {
            for (given, flag) in [(frameText != nil, "--frame"), (widthGiven != nil, "--width"), (heightGiven != nil, "--height")] where given {
                throw UsageError("option \(flag): only for a PNG still (the page shows every frame at the window's size)")
            }
        }
        switch frameText {
        case nil, "last": frame = nil
        case let text?:
            guard let k = Int(text), k >= 0 else { throw UsageError("option --frame: expected a frame number (0 is the reset) or 'last', found '\(text)'") }
            frame = k
        }
        if let cameraText {
            let parts = cameraText.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let az = parts[0], let el = parts[1], let d = parts[2], az.isFinite, el > -90, el < 90, d > 0, d.isFinite else {
                throw UsageError("option --camera: expected AZIMUTH,ELEVATION,DISTANCE (degrees, degrees in (-90, 90), metres > 0), found '\(cameraText)'")
            }
            camera = (az, el, d)
        } else {
            camera = nil
        }

        let chosen = [scripted, random, policyPath != nil].filter { $0 }.count
        guard chosen == 1 else {
            throw UsageError(chosen == 0 ? "missing the policy: POLICY_DIR, --scripted or --random"
                                         : "give one policy: POLICY_DIR, --scripted or --random")
        }
        var recordedEnv: String?
        if let policyPath {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: policyPath, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("\(policyPath): no such policy directory")
            }
            let loaded = try LoadedPolicy(policyPath)
            driver = .trained(GaussianPolicySampler(policy: loaded.policy, parameters: loaded.parameters, deterministic: true), directory: policyPath)
            recordedEnv = loaded.env
        } else {
            driver = scripted ? .scripted : .random
        }
        guard let envName = envText ?? recordedEnv else {
            throw UsageError(policyPath == nil ? "missing --env NAME|FILE" : "missing --env NAME|FILE (\(policyPath!) records no environment)")
        }
        self.envName = envName
        let family = try TaskFamily.resolve(envName)
        self.family = family
        placedObject = try object.map { try family.catalogObject(named: $0, envName: envName) }
        if case .trained(let sampler, let directory) = driver {
            let spec: EnvironmentSpec
            switch family {
            case .pointNavigation: spec = PointNavigation().spec
            case .arm(let environment, _): spec = environment.spec
            }
            try checkPolicyFits(sampler, spec, policyName: directory)
        }
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw RuntimeError("\(out): the directory \(directory.path) does not exist")
        }
    }

    func run() throws {
        var episode: RecordedEpisode
        switch family {
        case .pointNavigation: episode = recordPointNavigation()
        case .arm(let environment, let sampler): episode = recordArm(environment, sampler)
        }
        if let camera {
            episode.scene.camera.azimuth = camera.azimuth
            episode.scene.camera.elevation = camera.elevation
            episode.scene.camera.distance = camera.distance
        }
        if let frame, frame >= episode.scene.frameCount {
            throw UsageError("option --frame: the episode has frames 0...\(episode.scene.frameCount - 1), found \(frame)")
        }
        let shown = frame ?? episode.scene.frameCount - 1
        if output == .png {
            // A still cannot move, so it shows where the hand has been: a dot every other frame.
            for p in stride(from: 0, to: shown, by: 2) {
                episode.scene.add(RenderShape(name: "path", mesh: .sphere(radius: 0.005, slices: 8, stacks: 6),
                                              color: SIMD4(0.15, 0.3, 0.8, 1), fixedPose: Pose(position: episode.path[p], orientation: .identity)))
            }
        }
        let scene = episode.scene
        var sink = try OutputSink(path: out)
        do {
            switch output {
            case .html:
                try sink.write(Player.html(scene, title: "metarl render: \(episode.envName)"))
            case .png:
                let image = Rasterizer.render(scene, frame: shown, width: width, height: height)
                try sink.write(bytes: Data(PNG.encode(image)))
            }
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        var json = JSONLine()
        json.add("out", out)
        json.add("env", episode.envName)
        json.add("policy", driver.name)
        json.add("split", split.rawValue)
        json.add("seed", String(seed))
        json.add("task", episode.task)
        json.add("frames", scene.frameCount)
        json.add("return", episode.totalReward)
        json.add("success", episode.success)
        print(json.text)
    }

    struct RecordedEpisode {
        var scene: RenderScene
        /// The hand's (arm) or the point's position at each frame: the still's trail.
        var path: [Vec3] = []
        let envName: String
        let task: String
        let totalReward: Double
        let success: Bool
    }

    /// The driver's action for one observation (the oracle's is the caller's).
    private func trainedAction(_ sampler: GaussianPolicySampler, _ observation: [Float], rng: inout RandomSource) -> [Double] {
        var action = [Float](repeating: 0, count: sampler.policy.actionDimension)
        observation.withUnsafeBufferPointer { o in
            action.withUnsafeMutableBufferPointer { sampler.act(observations: o, rows: 1, actions: $0, rng: &rng) }
        }
        return action.map(Double.init)
    }

    private func recordArm(_ env: ArmEnvironment, _ sampler: ArmTaskSampler) -> RecordedEpisode {
        var task = evaluationTasks(sampler, split: split, count: 1, seed: seed)[0]
        if let object = placedObject { task = self.family.placing(object, in: task) }
        let model = env.model(for: task)
        var scene = RenderScene(camera: .tabletop)
        var recorder: ModelRecorder?
        var path: [Vec3] = []
        let grip = model.site(named: "grip")!  // ArmEnvironment checked the robot has it
        var controller = ScriptedController(belief: task)
        // Stream 2 of the seed: streams 0 and 1 draw the tasks (the convention of metarl rollout).
        var rng = RandomSource(seed: seed).stream(2)
        let n = env.spec.actionSize
        let result = env.runEpisode(task: task, seed: seed, watch: { state in
            var data = state.data
            kinematics(model, &data)  // a step leaves the poses of the state before it
            if recorder == nil { recorder = ModelRecorder(model: model, data: data, into: &scene) }
            recorder!.record(data, into: &scene)
            path.append(data.siteXpos[grip])
        }, policy: { observation, state in
            switch driver {
            case .scripted: return controller.action(env, state)
            case .random: return (0..<n).map { _ in rng.uniform(-1, 1) }
            case .trained(let sampler, _): return trainedAction(sampler, observation, rng: &rng)
            }
        })
        // The hidden goal or target, for the viewer only.
        let family = sampler.spec.family
        if family != .graspLift {
            scene.addMarker(at: task.goal, radius: sampler.spec.success.distance)
        }
        scene.info = [("env", sampler.spec.family.rawValue), ("policy", driver.name), ("split", task.split.rawValue),
                      ("seed", String(seed))]
        if let o = task.object {
            scene.info.append(("object", "\(o.name): \(o.shape.rawValue), mass \(format(o.mass)) kg, friction \(format(o.friction)), fragility \(format(o.fragility)) N"))
        }
        if family != .graspLift { scene.info.append(("goal", "(\(format(task.goal.x)), \(format(task.goal.y)), \(format(task.goal.z))) m")) }
        scene.info.append(("outcome", "return \(format(result.totalReward)) over \(result.steps) steps; " +
                           (result.success ? "success" : result.broken ? "broke the object" : "no success")))
        return RecordedEpisode(scene: scene, path: path, envName: family.rawValue, task: describeTask(task),
                               totalReward: result.totalReward, success: result.success)
    }

    private func recordPointNavigation() -> RecordedEpisode {
        let env = PointNavigation()
        let task = evaluationTasks(PointNavigationTasks(), split: split, count: 1, seed: seed)[0]
        var scene = RenderScene(camera: Camera(target: Vec3(0, 0, 0), azimuth: -90, elevation: 60, distance: 1.7))
        let bound = PointNavigationTasks.goalBound
        scene.add(RenderShape(name: "arena", mesh: .plane(halfX: bound + 0.1, halfY: bound + 0.1),
                              color: SIMD4(0.8, 0.8, 0.8, 1), fixedPose: .identity))
        let radius = 0.02
        scene.add(RenderShape(name: "point", mesh: .sphere(radius: radius), color: SIMD4(0.2, 0.35, 0.85, 1)))
        scene.addMarker(at: Vec3(task.goal.x, task.goal.y, radius), radius: PointNavigation.successRadius)
        var rng = RandomSource(seed: seed).stream(2)
        var state = env.reset(task: task, rng: &rng)
        var observation = [Float](repeating: 0, count: 2)
        var total = 0.0, success = false, steps = 0
        var path: [Vec3] = []
        // point-navigation has no physical time; frames are shown 20 per second.
        func record() {
            let p = Vec3(state.position.x, state.position.y, radius)
            scene.appendFrame(time: Double(steps) * 0.05, poses: [Pose(position: p, orientation: .identity)])
            path.append(p)
        }
        record()
        for _ in 0..<env.spec.horizon {
            observation.withUnsafeMutableBufferPointer { env.observe(state, into: $0) }
            let action: [Double]
            switch driver {
            case .scripted: action = [task.goal.x - state.position.x, task.goal.y - state.position.y]
            case .random: action = (0..<2).map { _ in rng.uniform(-PointNavigation.maxDisplacement, PointNavigation.maxDisplacement) }
            case .trained(let sampler, _): action = trainedAction(sampler, observation, rng: &rng)
            }
            let outcome = action.withUnsafeBufferPointer { env.step(&state, action: $0) }
            steps += 1
            total += outcome.reward
            success = success || outcome.success
            record()
            if outcome.terminated { break }
        }
        scene.info = [("env", "point-navigation"), ("policy", driver.name), ("split", split.rawValue), ("seed", String(seed)),
                      ("goal", "(\(format(task.goal.x)), \(format(task.goal.y)))"),
                      ("outcome", "return \(format(total)) over \(steps) steps; " + (success ? "success" : "no success"))]
        return RecordedEpisode(scene: scene, path: path, envName: "point-navigation", task: describeTask(task), totalReward: total, success: success)
    }

    private func format(_ v: Double) -> String { String(format: "%.3g", v) }
}

extension RenderScene {
    /// A translucent green sphere: where the hidden goal is, drawn for the viewer.
    mutating func addMarker(at position: Vec3, radius: Double) {
        add(RenderShape(name: "goal", mesh: .sphere(radius: radius), color: SIMD4(0.1, 0.75, 0.3, 0.35),
                        fixedPose: Pose(position: position, orientation: .identity)))
    }
}
