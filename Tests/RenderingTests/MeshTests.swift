import Foundation
import Testing
import Numerics
import Physics
import TestSupport
@testable import Rendering

/// Volume enclosed by a closed mesh (divergence theorem: signed tetrahedra from the origin);
/// positive when the triangles wind counter-clockwise seen from outside.
private func volume(_ m: Mesh) -> Double {
    var v = 0.0
    for t in 0..<m.triangleCount {
        let p = (0..<3).map { k -> Vec3 in
            let i = Int(m.indices[3 * t + k])
            return Vec3(Double(m.positions[3 * i]), Double(m.positions[3 * i + 1]), Double(m.positions[3 * i + 2]))
        }
        v += p[0].dot(p[1].cross(p[2])) / 6
    }
    return v
}

private func normal(_ m: Mesh, _ i: Int) -> Vec3 { Vec3(Double(m.normals[3 * i]), Double(m.normals[3 * i + 1]), Double(m.normals[3 * i + 2])) }
private func position(_ m: Mesh, _ i: Int) -> Vec3 { Vec3(Double(m.positions[3 * i]), Double(m.positions[3 * i + 1]), Double(m.positions[3 * i + 2])) }

@Suite("Geom meshes")
struct MeshTests {
    @Test("closed meshes enclose the primitive's volume, wind outward, and carry unit outward normals")
    func volumes() {
        let r = 0.03, h = 0.05
        let cases: [(String, Mesh, Double, Double)] = [
            ("box", .box(half: Vec3(0.1, 0.2, 0.3)), 8 * 0.1 * 0.2 * 0.3, 1e-6),
            // A polyhedron inscribed in the curved surface falls short of it by a known small amount.
            ("sphere", .sphere(radius: r), 4.0 / 3 * .pi * r * r * r, 0.03),
            ("cylinder", .cylinder(radius: r, halfHeight: h), .pi * r * r * 2 * h, 0.015),
            ("capsule", .capsule(radius: r, halfLength: h), .pi * r * r * 2 * h + 4.0 / 3 * .pi * r * r * r, 0.03),
        ]
        for (name, mesh, exact, tolerance) in cases {
            let v = volume(mesh)
            #expect(v > 0 && v <= exact * (1 + 1e-6) && v >= exact * (1 - tolerance), "\(name): \(v) vs \(exact)")
            for i in 0..<mesh.vertexCount {
                let n = normal(mesh, i)
                #expect(abs(n.norm - 1) < 1e-6, "\(name): normal \(i) has length \(n.norm)")
            }
        }
        // Sphere normals point along the position (outward).
        let sphere = Mesh.sphere(radius: r)
        for i in 0..<sphere.vertexCount { #expect(normal(sphere, i).dot(position(sphere, i)) > 0.99 * r) }
    }

    @Test("a geom's mesh follows MuJoCo's size conventions; an infinite plane is drawn 5 m each way")
    func geomSizes() {
        func extent(_ m: Mesh) -> Vec3 {
            var e = Vec3.zero
            for i in 0..<m.vertexCount { let p = position(m, i); e = Vec3(max(e.x, abs(p.x)), max(e.y, abs(p.y)), max(e.z, abs(p.z))) }
            return e
        }
        let capsule = Geom(type: .capsule, body: 0, size: Vec3(0.02, 0.1, 0))
        #expect(isClose(extent(.of(capsule)), Vec3(0.02, 0.02, 0.12), atol: 1e-6))  // radius, half-length + radius along z
        let cylinder = Geom(type: .cylinder, body: 0, size: Vec3(0.02, 0.1, 0))
        #expect(isClose(extent(.of(cylinder)), Vec3(0.02, 0.02, 0.1), atol: 1e-6))
        let box = Geom(type: .box, body: 0, size: Vec3(0.1, 0.2, 0.3))
        #expect(isClose(extent(.of(box)), Vec3(0.1, 0.2, 0.3), atol: 1e-6))
        let plane = Geom(type: .plane, body: 0, size: Vec3(0, 0, 0.1))
        #expect(isClose(extent(.of(plane)), Vec3(5, 5, 0), atol: 1e-6))
        #expect(Mesh.of(plane).normals.enumerated().allSatisfy { $0.offset % 3 != 2 || $0.element == 1 })
    }
}
