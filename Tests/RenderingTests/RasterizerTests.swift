import Foundation
import Testing
import Numerics
import Physics
@testable import Rendering

/// Pixels that are not the background colour, and their centroid (x right, y down, pixel centres).
private func drawn(_ image: Image) -> (count: Int, centroid: (Double, Double)) {
    let bg = SIMD3<UInt8>((Shading.background * 255).rounded(.toNearestOrEven).clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255)))
    var n = 0, sx = 0.0, sy = 0.0
    for y in 0..<image.height {
        for x in 0..<image.width where image[x, y] != bg {
            n += 1; sx += Double(x) + 0.5; sy += Double(y) + 0.5
        }
    }
    return (n, n > 0 ? (sx / Double(n), sy / Double(n)) : (.nan, .nan))
}

private func scene(_ camera: Camera, _ shapes: [(Mesh, SIMD4<Float>, Pose)]) -> RenderScene {
    var s = RenderScene(camera: camera)
    for (k, (mesh, color, pose)) in shapes.enumerated() {
        s.add(RenderShape(name: "s\(k)", mesh: mesh, color: color, fixedPose: pose))
    }
    return s
}

private func at(_ x: Double, _ y: Double, _ z: Double) -> Pose { Pose(position: Vec3(x, y, z), orientation: .identity) }

/// The 8-bit value the rasterizer writes for a linear level.
private func level(_ v: Float) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }

@Suite("Software rasterizer")
struct RasterizerTests {
    /// Looking from +x at the origin: camera right is +y, up is +z; fovy 90° makes f = 1.
    let side = Camera(target: .zero, azimuth: 0, elevation: 0, distance: 2, fovy: 90)

    @Test("a small sphere lands where the pinhole model puts its centre")
    func projection() {
        let s = scene(side, [(.sphere(radius: 0.02), SIMD4(1, 0, 0, 1), at(0, 0.5, 0.25))])
        let image = Rasterizer.render(s, frame: 0, width: 200, height: 200)
        let (n, c) = drawn(image)
        // camera (x, y, z) = (0.5, 0.25, −2): NDC (0.25, 0.125), pixel (125, 200 − 112.5).
        #expect(n > 5)
        #expect(abs(c.0 - 125) < 0.5 && abs(c.1 - 87.5) < 0.5, "centroid \(c)")
        // The silhouette's size, on a bigger sphere with one sample per pixel (so the count of
        // covered pixel centres estimates the area without edge bias). From distance 2 its
        // half-angle is asin(0.2): on screen a disc of radius tan(asin 0.2)·200 px. The 24 × 16
        // polyhedron's outline is an inscribed polygon, about 1% smaller.
        let big = scene(side, [(.sphere(radius: 0.4), SIMD4(1, 0, 0, 1), at(0, 0, 0))])
        let area = Double(drawn(Rasterizer.render(big, frame: 0, width: 400, height: 400, supersample: 1)).count)
        let disc = Double.pi * pow(tan(asin(0.2)) * 200, 2)
        #expect(area < disc && area > 0.98 * disc, "area \(area) against \(disc)")
    }

    @Test("a face towards the camera has Lambert shading under the head light")
    func shading() {
        let albedo = SIMD4<Float>(0.8, 0.5, 0.2, 1)
        let s = scene(side, [(.box(half: Vec3(0.1, 0.5, 0.5)), albedo, at(0, 0, 0))])
        let image = Rasterizer.render(s, frame: 0, width: 64, height: 64)
        let k = Shading.ambient + Shading.diffuse * Shading.light.z  // normal (0, 0, 1) in the camera frame
        #expect(image[32, 32] == SIMD3(level(0.8 * k), level(0.5 * k), level(0.2 * k)))
        #expect(image[0, 0] == SIMD3(level(Shading.background.x), level(Shading.background.y), level(Shading.background.z)))
    }

    @Test("the nearer surface wins whatever the drawing order")
    func occlusion() {
        // fovy 30°: the near box spans ±16 px about the centre, the far one ±20 px.
        let side = Camera(target: .zero, azimuth: 0, elevation: 0, distance: 2, fovy: 30)
        let near = (Mesh.box(half: Vec3(0.1, 0.2, 0.2)), SIMD4<Float>(1, 0, 0, 1), at(0.5, 0, 0))
        let far = (Mesh.box(half: Vec3(0.1, 0.4, 0.4)), SIMD4<Float>(0, 0, 1, 1), at(-0.5, 0, 0))
        for shapes in [[near, far], [far, near]] {
            let image = Rasterizer.render(scene(side, shapes), frame: 0, width: 64, height: 64)
            let centre = image[32, 32], rim = image[32, 14]
            #expect(centre.x > 100 && centre.z == 0, "centre \(centre)")
            #expect(rim.z > 100 && rim.x == 0, "rim \(rim)")
        }
    }

    @Test("a floor that runs behind the camera is clipped at the near plane, not dropped")
    func nearPlane() {
        let camera = Camera(target: .zero, azimuth: 0, elevation: 20, distance: 1, fovy: 45)
        let s = scene(camera, [(.plane(halfX: 5, halfY: 5, cells: 1), SIMD4(0.2, 0.6, 0.2, 1), .identity)])
        let image = Rasterizer.render(s, frame: 0, width: 80, height: 60)
        // The bottom rows look at floor just in front of the camera, whose triangles reach behind it.
        for x in [0, 40, 79] { #expect(image[x, 59].y > image[x, 59].x, "bottom pixel \(x): \(image[x, 59])") }
        #expect(image[40, 0] == SIMD3(level(Shading.background.x), level(Shading.background.y), level(Shading.background.z)))
    }

    @Test("a translucent sheet blends over what lies behind it")
    func blending() {
        // The plane's z turned onto x faces the camera.
        let facing = Pose(position: .zero, orientation: Quat(axis: .unitY, angle: .pi / 2))
        let alpha: Float = 0.4
        let s = scene(side, [(.plane(halfX: 0.3, halfY: 0.3), SIMD4(0, 1, 0, alpha), facing)])
        let image = Rasterizer.render(s, frame: 0, width: 64, height: 64)
        let k = Shading.ambient + Shading.diffuse * Shading.light.z
        let bg = Shading.background
        #expect(image[32, 32] == SIMD3(level(bg.x * (1 - alpha)), level(k * alpha + bg.y * (1 - alpha)), level(bg.z * (1 - alpha))))
    }
}

@Suite("Recording a model")
struct RecordingTests {
    @Test("frames hold each moving geom's world pose; world geoms are posed once")
    func freeFall() throws {
        let model = try MJCF.load(string: """
        <mujoco><worldbody><geom name="floor" type="plane" size="1 1 0.1"/>
        <body name="ball" pos="0 0 1"><freejoint/><geom name="ball" type="sphere" size="0.05" pos="0.1 0 0"/>
        <geom name="stick" type="capsule" fromto="0 0 0 0 0 0.2" size="0.01"/></body></worldbody></mujoco>
        """)
        var data = Physics.Data(model)
        data.qvel[3] = 2  // spin about x so orientations change
        forward(model, &data)
        var s = RenderScene(camera: .tabletop)
        let recorder = ModelRecorder(model: model, data: data, into: &s)
        for _ in 0..<5 {
            recorder.record(data, into: &s)
            for _ in 0..<20 { step(model, &data) }
            kinematics(model, &data)
        }
        #expect(s.shapes.count == 3 && s.moving == [1, 2] && s.frameCount == 5)
        #expect(s.shapes[0].fixedPose == Pose(position: .zero, orientation: .identity))
        // Each frame against a replay of the same steps.
        var replay = Physics.Data(model)
        replay.qvel[3] = 2
        forward(model, &replay)
        for f in 0..<5 {
            for (slot, g) in [1, 2].enumerated() {
                let pose = s.pose(of: s.moving[slot], frame: f)
                #expect((pose.position - replay.geomXpos[g]).norm < 1e-12)
                #expect((pose.orientation.matrix - replay.geomXmat[g]).maxAbs < 1e-12)
            }
            for _ in 0..<20 { step(model, &replay) }
            kinematics(model, &replay)
        }
        for f in 0..<5 { #expect(abs(s.times[f] - Double(f * 20) * model.options.timestep) < 1e-12) }
    }
}

private extension Mat3 {
    var maxAbs: Double { [m00, m01, m02, m10, m11, m12, m20, m21, m22].map(abs).max()! }
}
