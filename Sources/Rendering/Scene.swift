import Foundation
import Numerics
import Physics

// What a renderer needs of a simulation: the shapes once, and every frame's poses. Recording
// copies poses out of `Data` as the episode runs; nothing is simulated again to draw it.

/// One drawn shape: a mesh in its own frame with a colour. Shapes fixed in the world (on body 0
/// and markers) are posed once; moving shapes get a pose per frame.
public struct RenderShape: Sendable {
    public var name: String
    public var mesh: Mesh
    /// Linear RGBA in [0, 1]; alpha < 1 is drawn blended after the opaque shapes.
    public var color: SIMD4<Float>
    /// The pose when the shape does not move (its frames hold no pose for it).
    public var fixedPose: Pose?

    public init(name: String, mesh: Mesh, color: SIMD4<Float>, fixedPose: Pose? = nil) {
        self.name = name; self.mesh = mesh; self.color = color; self.fixedPose = fixedPose
    }

    public var isOpaque: Bool { color.w >= 1 }
}

/// A rigid pose: world position and orientation (unit quaternion w, x, y, z).
public struct Pose: Sendable, Equatable {
    public var position: Vec3
    public var orientation: Quat
    public init(position: Vec3, orientation: Quat) { self.position = position; self.orientation = orientation }
    public static let identity = Pose(position: .zero, orientation: .identity)
}

/// A recorded episode: shapes, a camera, and per frame the time and the poses of the moving
/// shapes (in shape order).
public struct RenderScene: Sendable {
    public var shapes: [RenderShape] = []
    public var camera: Camera
    public private(set) var times: [Double] = []
    /// Frame-major: frame f's pose of moving shape k is `framePoses[f * movingCount + k]`.
    public private(set) var framePoses: [Pose] = []
    /// Indices (into `shapes`) of the shapes that move, in the order frames store them.
    public private(set) var moving: [Int] = []
    /// Lines shown with the page or written beside the still: env, policy, task, outcome.
    public var info: [(label: String, value: String)] = []

    public init(camera: Camera) { self.camera = camera }

    public var frameCount: Int { times.count }

    /// Adds a shape: one with a fixed pose at any time, a moving one before the first frame.
    public mutating func add(_ shape: RenderShape) {
        precondition(shape.fixedPose != nil || times.isEmpty, "RenderScene: add moving shapes before recording frames")
        if shape.fixedPose == nil { moving.append(shapes.count) }
        shapes.append(shape)
    }

    /// Appends a frame: `poses` holds one pose per moving shape, in `moving`'s order.
    public mutating func appendFrame(time: Double, poses: [Pose]) {
        precondition(poses.count == moving.count, "RenderScene: \(poses.count) poses for \(moving.count) moving shapes")
        times.append(time)
        framePoses += poses
    }

    /// The pose of shape `shape` in frame `frame`.
    public func pose(of shape: Int, frame: Int) -> Pose {
        if let fixed = shapes[shape].fixedPose { return fixed }
        let k = moving.firstIndex(of: shape)!
        return framePoses[frame * moving.count + k]
    }
}

/// Records a physics model: one shape per geom (geoms on the world body are fixed), posed from
/// `Data`'s kinematics.
public struct ModelRecorder: Sendable {
    public let model: Model
    /// The scene's shape index of each geom.
    public let shapeOfGeom: [Int]
    /// The geoms that move (not on the world body), in the order frames store their poses.
    let movingGeoms: [Int]

    /// Adds `model`'s geoms to `scene`, posed as in `data` (whose kinematics must be current).
    public init(model: Model, data: Physics.Data, into scene: inout RenderScene) {
        self.model = model
        var map: [Int] = []
        for (g, geom) in model.geoms.enumerated() {
            let c = geom.rgba
            let color = SIMD4<Float>(Float(c.0), Float(c.1), Float(c.2), Float(c.3))
            let fixed: Pose? = geom.body == 0 ? ModelRecorder.pose(model, data, geom: g) : nil
            map.append(scene.shapes.count)
            scene.add(RenderShape(name: geom.name.isEmpty ? "geom\(g)" : geom.name, mesh: .of(geom), color: color, fixedPose: fixed))
        }
        shapeOfGeom = map
        movingGeoms = model.geoms.indices.filter { model.geoms[$0].body != 0 }
        precondition(scene.moving == movingGeoms.map { map[$0] }, "ModelRecorder: the model's geoms must be the scene's only moving shapes")
    }

    /// Appends a frame at `data.time` from `data`'s kinematics (run `kinematics` first after a
    /// step: a step leaves poses of the state before it).
    public func record(_ data: Physics.Data, into scene: inout RenderScene) {
        scene.appendFrame(time: data.time, poses: movingGeoms.map { ModelRecorder.pose(model, data, geom: $0) })
    }

    static func pose(_ model: Model, _ data: Physics.Data, geom g: Int) -> Pose {
        let geom = model.geoms[g]
        return Pose(position: data.geomXpos[g], orientation: (data.xquat[geom.body] * geom.quat).normalized())
    }
}
