import Foundation
import Numerics

// A small software renderer for stills: a z-buffered triangle rasterizer with per-pixel
// Lambert shading under a head light, supersampled and box-filtered. Its camera, lighting and
// blending are the HTML player's (see Player.js), so a still is the page's frame.

/// An 8-bit RGB image, rows top to bottom.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "Image: \(pixels.count) bytes for \(width)×\(height) RGB")
        self.width = width; self.height = height; self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> SIMD3<UInt8> {
        let i = (y * width + x) * 3
        return SIMD3(pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

/// The shading both renderers use.
public enum Shading {
    /// Background colour (linear RGB in [0, 1]).
    public static let background = SIMD3<Float>(0.93, 0.95, 0.97)
    /// Direction towards the light in the camera frame (right, up, backward): above and to the
    /// right of the viewer.
    public static let light = SIMD3<Float>(0.3, 0.5, 1) / (SIMD3<Float>(0.3, 0.5, 1) * SIMD3<Float>(0.3, 0.5, 1)).sum().squareRoot()
    public static let ambient: Float = 0.3
    public static let diffuse: Float = 0.7

    /// The colour of a surface of `albedo` whose unit normal (camera frame, facing the viewer)
    /// is `n`.
    @inline(__always)
    static func shade(_ albedo: SIMD3<Float>, normal n: SIMD3<Float>) -> SIMD3<Float> {
        albedo * (ambient + diffuse * max(0, (n * light).sum()))
    }
}

public enum Rasterizer {
    /// Renders frame `frame` of `scene` at `width` × `height`, with `supersample`² samples per
    /// pixel.
    public static func render(_ scene: RenderScene, frame: Int, width: Int, height: Int, supersample: Int = 2) -> Image {
        precondition(width > 0 && height > 0 && supersample >= 1, "Rasterizer: bad size")
        precondition(frame >= 0 && frame < max(scene.frameCount, 1), "Rasterizer: frame \(frame) of \(scene.frameCount)")
        var target = Target(width: width * supersample, height: height * supersample)
        let camera = scene.camera
        let view = camera.viewRotation, eye = camera.eye
        let aspect = Double(width) / Double(height)
        func pose(_ k: Int) -> Pose {
            scene.frameCount == 0 ? (scene.shapes[k].fixedPose ?? .identity) : scene.pose(of: k, frame: frame)
        }
        // Opaque shapes in any order, then translucent ones far to near (by their origin).
        let opaque = scene.shapes.indices.filter { scene.shapes[$0].isOpaque }
        let translucent = scene.shapes.indices.filter { !scene.shapes[$0].isOpaque }.sorted {
            view.row2.dot(pose($0).position - eye) < view.row2.dot(pose($1).position - eye)
        }
        for k in opaque + translucent {
            draw(scene.shapes[k], pose: pose(k), view: view, eye: eye, camera: camera, aspect: aspect, into: &target)
        }
        return target.downsampled(by: supersample)
    }

    /// One vertex after the camera transform.
    struct Vertex {
        var position: Vec3  // camera frame
        var normal: Vec3    // camera frame
    }

    static func draw(_ shape: RenderShape, pose: Pose, view: Mat3, eye: Vec3, camera: Camera, aspect: Double,
                     into target: inout Target) {
        let rotation = view * pose.orientation.matrix
        let offset = view * (pose.position - eye)
        let m = shape.mesh
        var vertices: [Vertex] = []
        vertices.reserveCapacity(m.vertexCount)
        for v in 0..<m.vertexCount {
            let p = Vec3(Double(m.positions[3 * v]), Double(m.positions[3 * v + 1]), Double(m.positions[3 * v + 2]))
            let n = Vec3(Double(m.normals[3 * v]), Double(m.normals[3 * v + 1]), Double(m.normals[3 * v + 2]))
            vertices.append(Vertex(position: rotation * p + offset, normal: rotation * n))
        }
        let albedo = SIMD3(shape.color.x, shape.color.y, shape.color.z)
        var polygon: [Vertex] = []
        for t in 0..<m.triangleCount {
            let a = vertices[Int(m.indices[3 * t])], b = vertices[Int(m.indices[3 * t + 1])], c = vertices[Int(m.indices[3 * t + 2])]
            clipNear([a, b, c], into: &polygon)
            guard polygon.count >= 3 else { continue }
            for i in 1..<(polygon.count - 1) {
                target.fill(polygon[0], polygon[i], polygon[i + 1], camera: camera, aspect: aspect,
                            albedo: albedo, alpha: shape.color.w)
            }
        }
    }

    /// Clips a triangle to the near plane (z_cam ≤ −near), Sutherland–Hodgman style.
    static func clipNear(_ triangle: [Vertex], into out: inout [Vertex]) {
        out.removeAll(keepingCapacity: true)
        let limit = -Camera.near
        for i in 0..<3 {
            let p = triangle[i], q = triangle[(i + 1) % 3]
            let pIn = p.position.z <= limit, qIn = q.position.z <= limit
            if pIn { out.append(p) }
            if pIn != qIn {
                let s = (limit - p.position.z) / (q.position.z - p.position.z)
                out.append(Vertex(position: p.position + s * (q.position - p.position),
                                  normal: p.normal + s * (q.normal - p.normal)))
            }
        }
    }

    /// The sample buffers.
    struct Target {
        let width: Int
        let height: Int
        var color: [SIMD3<Float>]
        var depth: [Float]

        init(width: Int, height: Int) {
            self.width = width; self.height = height
            color = Array(repeating: Shading.background, count: width * height)
            depth = Array(repeating: .infinity, count: width * height)
        }

        /// Rasterizes one triangle in front of the near plane: samples at pixel centres, depth
        /// in NDC, normals interpolated perspective-correctly. Front faces wind counter-clockwise
        /// on screen (OpenGL's default); back faces are lit with the normal flipped.
        mutating func fill(_ a: Vertex, _ b: Vertex, _ c: Vertex, camera: Camera, aspect: Double,
                           albedo: SIMD3<Float>, alpha: Float) {
            let clips = [camera.project(a.position, aspect: aspect), camera.project(b.position, aspect: aspect),
                         camera.project(c.position, aspect: aspect)]
            let w = Double(width), h = Double(height)
            // Screen coordinates with y up (so counter-clockwise keeps its sign), and NDC depth.
            var sx = [Double](repeating: 0, count: 3), sy = sx, sz = sx, invW = sx
            for i in 0..<3 {
                let q = clips[i]
                invW[i] = 1 / q.w
                sx[i] = (q.x * invW[i] * 0.5 + 0.5) * w
                sy[i] = (q.y * invW[i] * 0.5 + 0.5) * h
                sz[i] = q.z * invW[i]
            }
            let area = (sx[1] - sx[0]) * (sy[2] - sy[0]) - (sx[2] - sx[0]) * (sy[1] - sy[0])
            guard abs(area) > 1e-12 else { return }
            let front = area > 0
            let x0 = max(0, Int(floor(sx.min()!))), x1 = min(width - 1, Int(ceil(sx.max()!)))
            let y0 = max(0, Int(floor(sy.min()!))), y1 = min(height - 1, Int(ceil(sy.max()!)))
            guard x0 <= x1, y0 <= y1 else { return }
            let normals = [a.normal, b.normal, c.normal]
            // The fill rule (OpenGL's top-left rule in spirit): a sample exactly on an edge belongs
            // to one of the two triangles that share the edge, the one that traverses it upwards
            // (or leftwards when level) once oriented counter-clockwise, so translucent meshes
            // are not blended twice along their inner edges.
            let orientation = area > 0 ? 1.0 : -1.0
            func owns(_ from: Int, _ to: Int) -> Bool {
                let dx = orientation * (sx[to] - sx[from]), dy = orientation * (sy[to] - sy[from])
                return dy > 0 || (dy == 0 && dx < 0)
            }
            let own0 = owns(1, 2), own1 = owns(2, 0), own2 = owns(0, 1)
            for py in y0...y1 {
                let y = Double(py) + 0.5
                let row = (height - 1 - py) * width
                for px in x0...x1 {
                    let x = Double(px) + 0.5
                    // Barycentric weights: each edge function over the doubled area.
                    let e0 = ((sx[2] - sx[1]) * (y - sy[1]) - (sy[2] - sy[1]) * (x - sx[1])) / area
                    let e1 = ((sx[0] - sx[2]) * (y - sy[2]) - (sy[0] - sy[2]) * (x - sx[2])) / area
                    let e2 = ((sx[1] - sx[0]) * (y - sy[0]) - (sy[1] - sy[0]) * (x - sx[0])) / area
                    guard e0 > 0 || (e0 == 0 && own0), e1 > 0 || (e1 == 0 && own1), e2 > 0 || (e2 == 0 && own2) else { continue }
                    let z = Float(e0 * sz[0] + e1 * sz[1] + e2 * sz[2])
                    let i = row + px
                    guard z < depth[i], z >= -1 else { continue }
                    let p0 = e0 * invW[0], p1 = e1 * invW[1], p2 = e2 * invW[2]
                    var n = (p0 * normals[0] + p1 * normals[1] + p2 * normals[2]) / (p0 + p1 + p2)
                    let length = n.norm
                    if length > 0 { n = n / length }
                    if !front { n = -n }
                    let shaded = Shading.shade(albedo, normal: SIMD3(Float(n.x), Float(n.y), Float(n.z)))
                    if alpha >= 1 {
                        color[i] = shaded
                        depth[i] = z
                    } else {
                        color[i] = shaded * alpha + color[i] * (1 - alpha)
                    }
                }
            }
        }

        /// Averages `factor`² samples per pixel and quantizes (rounding, clamped).
        func downsampled(by factor: Int) -> Image {
            let ow = width / factor, oh = height / factor
            var pixels = [UInt8](repeating: 0, count: ow * oh * 3)
            let scale = 1 / Float(factor * factor)
            for y in 0..<oh {
                for x in 0..<ow {
                    var sum = SIMD3<Float>.zero
                    for dy in 0..<factor { for dx in 0..<factor { sum += color[(y * factor + dy) * width + x * factor + dx] } }
                    let c = (sum * scale).clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1)) * 255
                    let o = (y * ow + x) * 3
                    pixels[o] = UInt8(c.x.rounded()); pixels[o + 1] = UInt8(c.y.rounded()); pixels[o + 2] = UInt8(c.z.rounded())
                }
            }
            return Image(width: ow, height: oh, pixels: pixels)
        }
    }
}
