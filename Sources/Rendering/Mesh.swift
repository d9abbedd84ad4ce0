import Foundation
import Numerics
import Physics

// Triangle meshes of MuJoCo's primitive geoms, in the geom's own frame and at its size. The HTML
// player and the PNG rasterizer draw these same triangles, so the page and the still agree.

/// An indexed triangle mesh: positions and unit normals (x, y, z each) per vertex, three indices
/// per triangle, counter-clockwise seen from outside.
public struct Mesh: Sendable, Equatable {
    public var positions: [Float] = []
    public var normals: [Float] = []
    public var indices: [UInt32] = []

    public init() {}

    public var vertexCount: Int { positions.count / 3 }
    public var triangleCount: Int { indices.count / 3 }

    mutating func vertex(_ p: Vec3, _ n: Vec3) -> UInt32 {
        positions += [Float(p.x), Float(p.y), Float(p.z)]
        normals += [Float(n.x), Float(n.y), Float(n.z)]
        return UInt32(vertexCount - 1)
    }

    mutating func triangle(_ a: UInt32, _ b: UInt32, _ c: UInt32) { indices += [a, b, c] }

    /// The mesh of `geom` at its size. A plane of size 0 (MuJoCo's infinite plane) is drawn 5 m
    /// across each way.
    public static func of(_ geom: Geom) -> Mesh {
        let s = geom.size
        switch geom.type {
        case .plane: return plane(halfX: s.x > 0 ? s.x : 5, halfY: s.y > 0 ? s.y : 5)
        case .sphere: return sphere(radius: s.x)
        case .capsule: return capsule(radius: s.x, halfLength: s.y)
        case .cylinder: return cylinder(radius: s.x, halfHeight: s.y)
        case .box: return box(half: s)
        }
    }

    /// The z = 0 plane facing +z, split into a grid of squares so that no triangle is much
    /// larger than the scene (near-plane clipping and interpolation stay accurate).
    public static func plane(halfX: Double, halfY: Double, cells: Int = 12) -> Mesh {
        var m = Mesh()
        let n = Vec3.unitZ
        for j in 0...cells {
            for i in 0...cells {
                let x = -halfX + 2 * halfX * Double(i) / Double(cells), y = -halfY + 2 * halfY * Double(j) / Double(cells)
                _ = m.vertex(Vec3(x, y, 0), n)
            }
        }
        let row = UInt32(cells + 1)
        for j in 0..<UInt32(cells) {
            for i in 0..<UInt32(cells) {
                let a = j * row + i
                m.triangle(a, a + 1, a + row + 1)
                m.triangle(a, a + row + 1, a + row)
            }
        }
        return m
    }

    /// A box of half-extents `half`: four vertices per face, so edges stay sharp.
    public static func box(half h: Vec3) -> Mesh {
        var m = Mesh()
        for axis in 0..<3 {
            for sign in [-1.0, 1.0] {
                var n = Vec3.zero; n[axis] = sign
                // u, v span the face so that u × v = n (counter-clockwise from outside).
                var u = Vec3.zero, v = Vec3.zero
                u[(axis + 1) % 3] = 1; v[(axis + 2) % 3] = 1
                if sign < 0 { swap(&u, &v) }
                let centre = Vec3(n.x * h.x, n.y * h.y, n.z * h.z)
                let du = u.scaled(by: h), dv = v.scaled(by: h)
                let a = m.vertex(centre - du - dv, n), b = m.vertex(centre + du - dv, n)
                let c = m.vertex(centre + du + dv, n), d = m.vertex(centre - du + dv, n)
                m.triangle(a, b, c); m.triangle(a, c, d)
            }
        }
        return m
    }

    public static func sphere(radius r: Double, slices: Int = 24, stacks: Int = 16) -> Mesh {
        var profile: [(radius: Double, z: Double, nr: Double, nz: Double)] = []
        for k in 0...stacks {
            let phi = -Double.pi / 2 + Double.pi * Double(k) / Double(stacks)
            profile.append((r * cos(phi), r * sin(phi), cos(phi), sin(phi)))
        }
        var m = Mesh()
        m.lathe(profile, slices: slices)
        return m
    }

    /// A capsule along z: a cylinder of half-length `halfLength` with hemispherical ends.
    public static func capsule(radius r: Double, halfLength h: Double, slices: Int = 24, capStacks: Int = 8) -> Mesh {
        var profile: [(radius: Double, z: Double, nr: Double, nz: Double)] = []
        for k in 0...capStacks {
            let phi = -Double.pi / 2 + Double.pi / 2 * Double(k) / Double(capStacks)
            profile.append((r * cos(phi), -h + r * sin(phi), cos(phi), sin(phi)))
        }
        for k in 0...capStacks {
            let phi = Double.pi / 2 * Double(k) / Double(capStacks)
            profile.append((r * cos(phi), h + r * sin(phi), cos(phi), sin(phi)))
        }
        var m = Mesh()
        m.lathe(profile, slices: slices)
        return m
    }

    /// A cylinder along z with flat caps (sharp rims: the side and caps have their own vertices).
    public static func cylinder(radius r: Double, halfHeight h: Double, slices: Int = 24) -> Mesh {
        var m = Mesh()
        m.lathe([(r, -h, 1, 0), (r, h, 1, 0)], slices: slices)
        for (z, nz) in [(-h, -1.0), (h, 1.0)] {
            let n = Vec3(0, 0, nz)
            let centre = m.vertex(Vec3(0, 0, z), n)
            let first = UInt32(m.vertexCount)
            for i in 0..<slices {
                let t = 2 * Double.pi * Double(i) / Double(slices)
                _ = m.vertex(Vec3(r * cos(t), r * sin(t), z), n)
            }
            for i in 0..<UInt32(slices) {
                let a = first + i, b = first + (i + 1) % UInt32(slices)
                if nz > 0 { m.triangle(centre, a, b) } else { m.triangle(centre, b, a) }
            }
        }
        return m
    }

    /// Revolves a profile (radius, z and the normal's radial and z parts, bottom to top) about
    /// the z axis.
    mutating func lathe(_ profile: [(radius: Double, z: Double, nr: Double, nz: Double)], slices: Int) {
        let first = UInt32(vertexCount)
        let ring = UInt32(slices + 1)
        for p in profile {
            for i in 0...slices {
                let t = 2 * Double.pi * Double(i) / Double(slices)
                let c = cos(t), s = sin(t)
                _ = vertex(Vec3(p.radius * c, p.radius * s, p.z), Vec3(p.nr * c, p.nr * s, p.nz))
            }
        }
        for k in 0..<UInt32(profile.count - 1) {
            for i in 0..<UInt32(slices) {
                let a = first + k * ring + i, b = a + 1, c = a + ring + 1, d = a + ring
                // Degenerate triangles at the poles (radius 0) are harmless and skipped here.
                if profile[Int(k)].radius > 1e-12 { triangle(a, b, c) }
                if profile[Int(k) + 1].radius > 1e-12 { triangle(a, c, d) }
            }
        }
    }
}

