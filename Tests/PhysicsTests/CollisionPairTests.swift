import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// Every pair against configurations whose distance, normal and contact points are known in
// closed form: touching, separated within the margin, penetrating, rotated.

private let plane = GeomShape.plane
private let I = GeomPose.identity

/// Expects one contact with the given distance, normal and position.
private func expectSingle(_ m: ContactManifold, dist: Double, normal: Vec3, pos: Vec3, tol: Double = 1e-9,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(m.count == 1, "expected one contact, got \(m.count)", sourceLocation: sourceLocation)
    guard m.count >= 1 else { return }
    #expect(abs(m[0].dist - dist) <= tol, "dist \(m[0].dist) vs \(dist)", sourceLocation: sourceLocation)
    #expect(isNear(m[0].normal, normal, tol), "normal \(m[0].normal) vs \(normal)", sourceLocation: sourceLocation)
    #expect(isNear(m[0].pos, pos, tol), "pos \(m[0].pos) vs \(pos)", sourceLocation: sourceLocation)
}

/// Expects exactly the listed points (any order), all with distance `dist` and normal `normal`.
private func expectPoints(_ m: ContactManifold, _ pts: [Vec3], dist: Double, normal: Vec3, tol: Double = 1e-9,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(m.count == pts.count, "expected \(pts.count) contacts, got \(m.count): \(m.array.map(\.pos))",
            sourceLocation: sourceLocation)
    for p in pts {
        let hit = (0..<m.count).contains { isNear(m[$0].pos, p, tol) }
        #expect(hit, "missing contact at \(p); have \(m.array.map(\.pos))", sourceLocation: sourceLocation)
    }
    for i in 0..<m.count {
        #expect(abs(m[i].dist - dist) <= tol, "dist \(m[i].dist) vs \(dist)", sourceLocation: sourceLocation)
        #expect(isNear(m[i].normal, normal, tol), "normal \(m[i].normal) vs \(normal)", sourceLocation: sourceLocation)
    }
}

@Suite("Collision pairs: analytic configurations")
struct CollisionPairTests {
    // MARK: plane

    @Test("plane–sphere: touching, within margin, beyond margin, penetrating, tilted plane")
    func planeSphere() {
        let s = GeomShape.sphere(0.1)
        expectSingle(collide(plane, I, s, GeomPose(pos: Vec3(0.3, -0.2, 0.1))), dist: 0, normal: .unitZ, pos: Vec3(0.3, -0.2, 0))
        expectSingle(collide(plane, I, s, GeomPose(pos: Vec3(0, 0, 0.15)), margin: 0.1),
                     dist: 0.05, normal: .unitZ, pos: Vec3(0, 0, 0.025))
        #expect(collide(plane, I, s, GeomPose(pos: Vec3(0, 0, 0.15))).isEmpty)
        expectSingle(collide(plane, I, s, GeomPose(pos: Vec3(0, 0, 0.08))), dist: -0.02, normal: .unitZ, pos: Vec3(0, 0, -0.01))
        // Tilted, displaced plane: distance is the height along its normal, whatever the lateral offset.
        let tilted = GeomPose(pos: Vec3(0, 0, 1), rot: rot(.unitX, 0.3))
        let n = tilted.rot.column2
        let lateral = 0.7 * tilted.rot.column0 - 0.2 * tilted.rot.column1
        let c = tilted.pos + 0.095 * n + lateral
        expectSingle(collide(plane, tilted, s, GeomPose(pos: c)), dist: -0.005, normal: n, pos: c - 0.0975 * n, tol: 1e-12)
    }

    @Test("plane–capsule: lying gives both end caps, standing gives one")
    func planeCapsule() {
        let cap = GeomShape.capsule(radius: 0.05, halfLength: 0.2)
        let lying = collide(plane, I, cap, GeomPose(pos: Vec3(0, 0, 0.04), rot: rot(.unitY, .pi / 2)))
        expectPoints(lying, [Vec3(0.2, 0, -0.005), Vec3(-0.2, 0, -0.005)], dist: -0.01, normal: .unitZ)
        let standing = collide(plane, I, cap, GeomPose(pos: Vec3(0, 0, 0.24)))
        expectSingle(standing, dist: -0.01, normal: .unitZ, pos: Vec3(0, 0, -0.005))
    }

    @Test("plane–box: face down gives 4 corners, edge down 2, rotated about the normal still 4")
    func planeBox() {
        let b = GeomShape.box(Vec3(0.1, 0.2, 0.3))
        let flat = collide(plane, I, b, GeomPose(pos: Vec3(0, 0, 0.29)))
        expectPoints(flat, [Vec3(0.1, 0.2, -0.005), Vec3(-0.1, 0.2, -0.005), Vec3(0.1, -0.2, -0.005), Vec3(-0.1, -0.2, -0.005)],
                     dist: -0.01, normal: .unitZ)
        let r = rot(.unitZ, 0.7)
        let spun = collide(plane, I, b, GeomPose(pos: Vec3(1, 2, 0.3), rot: r))
        let corners = [Vec3(0.1, 0.2, 0), Vec3(-0.1, 0.2, 0), Vec3(0.1, -0.2, 0), Vec3(-0.1, -0.2, 0)].map { Vec3(1, 2, 0) + r * $0 }
        expectPoints(spun, corners, dist: 0, normal: .unitZ, tol: 1e-12)
        // Rotated 45° about x: the lowest edge is (0.2 + 0.3)/√2 below the centre.
        let h = 0.5 / 2.0.squareRoot()
        let edge = collide(plane, I, b, GeomPose(pos: Vec3(0, 0, h - 0.001), rot: rot(.unitX, .pi / 4)))
        let ey = (rot(.unitX, .pi / 4) * Vec3(0, -0.2, -0.3)).y
        expectPoints(edge, [Vec3(0.1, ey, -0.0005), Vec3(-0.1, ey, -0.0005)], dist: -0.001, normal: .unitZ, tol: 1e-12)
    }

    @Test("plane–cylinder: standing gives 3 rim points 120° apart, lying 2, tipped on its rim 1")
    func planeCylinder() {
        let cyl = GeomShape.cylinder(radius: 0.1, halfLength: 0.2)
        let standing = collide(plane, I, cyl, GeomPose(pos: Vec3(0.5, 0, 0.19)))
        #expect(standing.count == 3)
        var angles: [Double] = []
        for i in 0..<standing.count {
            let p = standing[i].pos
            #expect(abs(standing[i].dist + 0.01) < 1e-12)
            #expect(abs(p.z + 0.005) < 1e-12)
            #expect(abs(Vec3(p.x - 0.5, p.y, 0).norm - 0.1) < 1e-12)
            angles.append(atan2(p.y, p.x - 0.5))
        }
        angles.sort()
        // Spread around the rim: consecutive gaps of 120° (so the axis lies inside the support triangle).
        for k in 0..<angles.count {
            let gap = k + 1 < angles.count ? angles[k + 1] - angles[k] : angles[0] + 2 * .pi - angles[k]
            #expect(abs(gap - 2 * .pi / 3) < 1e-9)
        }
        let lying = collide(plane, I, cyl, GeomPose(pos: Vec3(0, 0, 0.09), rot: rot(.unitX, .pi / 2)))
        expectPoints(lying, [Vec3(0, 0.2, -0.005), Vec3(0, -0.2, -0.005)], dist: -0.01, normal: .unitZ, tol: 1e-12)
        // Tipped by 0.5 rad about x: lowest point is the near cap's rim, h·cos + r·sin below the centre.
        let t = 0.5, h = 0.2, r = 0.1
        let cz = h * cos(t) + r * sin(t) - 0.005
        let tipped = collide(plane, I, cyl, GeomPose(pos: Vec3(0, 0, cz), rot: rot(.unitX, t)))
        expectSingle(tipped, dist: -0.005, normal: .unitZ, pos: Vec3(0, h * sin(t) - r * cos(t), -0.0025), tol: 1e-12)
    }

    // MARK: spheres and capsules

    @Test("sphere–sphere along a random direction; beyond and within margin")
    func sphereSphere() {
        var rng = RandomSource(seed: 1)
        let u = randomUnit(&rng)
        let c1 = Vec3(0.1, 0.2, 0.3)
        let m = collide(.sphere(0.1), GeomPose(pos: c1), .sphere(0.2), GeomPose(pos: c1 + 0.29 * u))
        expectSingle(m, dist: -0.01, normal: u, pos: c1 + 0.095 * u, tol: 1e-12)
        #expect(collide(.sphere(0.1), GeomPose(pos: c1), .sphere(0.2), GeomPose(pos: c1 + 0.35 * u)).isEmpty)
        let near = collide(.sphere(0.1), GeomPose(pos: c1), .sphere(0.2), GeomPose(pos: c1 + 0.35 * u), margin: 0.06)
        expectSingle(near, dist: 0.05, normal: u, pos: c1 + 0.125 * u, tol: 1e-12)
    }

    @Test("sphere–capsule: beside the side, beyond an end within margin")
    func sphereCapsule() {
        let cap = GeomShape.capsule(radius: 0.05, halfLength: 0.2)
        let side = collide(.sphere(0.1), GeomPose(pos: Vec3(0.14, 0, 0.1)), cap, I)
        expectSingle(side, dist: -0.01, normal: Vec3(-1, 0, 0), pos: Vec3(0.045, 0, 0.1), tol: 1e-12)
        let end = collide(.sphere(0.1), GeomPose(pos: Vec3(0, 0, 0.4)), cap, I, margin: 0.1)
        expectSingle(end, dist: 0.05, normal: Vec3(0, 0, -1), pos: Vec3(0, 0, 0.275), tol: 1e-12)
    }

    @Test("capsule–capsule: crossing gives one point, parallel overlap its two ends (tilted with a sideways offset), near-parallel one")
    func capsuleCapsule() {
        let c1 = GeomShape.capsule(radius: 0.05, halfLength: 0.3)
        let alongX = rot(.unitY, .pi / 2), alongY = rot(.unitX, .pi / 2)
        let cross = collide(c1, GeomPose(pos: .zero, rot: alongX), c1, GeomPose(pos: Vec3(0, 0, 0.09), rot: alongY))
        expectSingle(cross, dist: -0.01, normal: .unitZ, pos: Vec3(0, 0, 0.045), tol: 1e-12)
        let parallel = collide(c1, GeomPose(pos: .zero, rot: alongX), c1, GeomPose(pos: Vec3(0.1, 0, 0.09), rot: alongX))
        expectPoints(parallel, [Vec3(-0.2, 0, 0.045), Vec3(0.3, 0, 0.045)], dist: -0.01, normal: .unitZ, tol: 1e-12)
        // MuJoCo 3.3's rule (checked against its mj_forward): parallel with a sideways offset (0.02 in y)
        // gives the segment ends, each against its projection, so the normals tilt along the offset:
        // n = (0, 0.02, 0.09)/|…|, dist = |(0, 0.02, 0.09)| − 0.1, points halfway between the surfaces.
        let side = collide(c1, GeomPose(pos: .zero, rot: alongX), c1, GeomPose(pos: Vec3(0.1, 0.02, 0.09), rot: alongX))
        let gap = Vec3(0, 0.02, 0.09)
        let n = gap / gap.norm
        let mid = 0.5 * (0.05 * n + (gap - 0.05 * n))
        expectPoints(side, [Vec3(-0.2, 0, 0) + mid, Vec3(0.3, 0, 0) + mid], dist: gap.norm - 0.1, normal: n, tol: 1e-12)
        // Turned by 5e-4 rad about z is no longer parallel for MuJoCo (its cutoff is det < 1e-15):
        // one point, where the two axis lines pass closest (above the origin).
        let skew = collide(c1, GeomPose(pos: .zero, rot: alongX), c1, GeomPose(pos: Vec3(0, 0, 0.09), rot: rot(.unitZ, 5e-4) * alongX))
        expectSingle(skew, dist: -0.01, normal: .unitZ, pos: Vec3(0, 0, 0.045), tol: 1e-12)
    }

    @Test("sphere–box: face, edge (touching), inside the box")
    func sphereBox() {
        let b = GeomShape.box(Vec3(0.1, 0.2, 0.3))
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0.14, 0, 0)), b, I),
                     dist: -0.01, normal: Vec3(-1, 0, 0), pos: Vec3(0.095, 0, 0), tol: 1e-12)
        // Off the x–y edge by (0.03, 0.04): 0.05 from the edge, radius 0.05 → touching.
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0.13, 0.24, 0.1)), b, I),
                     dist: 0, normal: Vec3(-0.6, -0.8, 0), pos: Vec3(0.1, 0.2, 0.1), tol: 1e-12)
        // Centre 0.02 inside the +x face: leaves through it, depth 0.02 + r.
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0.08, 0, 0)), b, I),
                     dist: -0.07, normal: Vec3(-1, 0, 0), pos: Vec3(0.065, 0, 0), tol: 1e-12)
        // Rotated box: the same face contact, turned.
        let r = rot(Vec3(1, 2, 3), 0.8)
        let p = GeomPose(pos: Vec3(1, 1, 1), rot: r)
        expectSingle(collide(.sphere(0.05), GeomPose(pos: p.apply(Vec3(0.14, 0, 0))), b, p),
                     dist: -0.01, normal: r * Vec3(-1, 0, 0), pos: p.apply(Vec3(0.095, 0, 0)), tol: 1e-12)
    }

    @Test("capsule–box: lying on the top face gives 2 points, standing gives 1, tilted 8° within margin gives both ends")
    func capsuleBox() {
        let b = GeomShape.box(Vec3(0.5, 0.5, 0.1))
        let cap = GeomShape.capsule(radius: 0.05, halfLength: 0.2)
        let lying = collide(cap, GeomPose(pos: Vec3(0, 0, 0.14), rot: rot(.unitY, .pi / 2)), b, I)
        expectPoints(lying, [Vec3(0.2, 0, 0.095), Vec3(-0.2, 0, 0.095)], dist: -0.01, normal: Vec3(0, 0, -1), tol: 1e-8)
        let standing = collide(cap, GeomPose(pos: Vec3(0.1, 0.1, 0.34)), b, I)
        expectSingle(standing, dist: -0.01, normal: Vec3(0, 0, -1), pos: Vec3(0.1, 0.1, 0.095), tol: 1e-8)
        // Standing 0.03 above the top face, within a 0.05 margin.
        let near = collide(cap, GeomPose(pos: Vec3(0.45, 0, 0.38)), b, I, margin: 0.05)
        expectSingle(near, dist: 0.03, normal: Vec3(0, 0, -1), pos: Vec3(0.45, 0, 0.115), tol: 1e-8)
        #expect(collide(cap, GeomPose(pos: Vec3(0.45, 0, 0.38)), b, I, margin: 0.02).isEmpty)
        // Tilted 8° from lying, the low end 0.005 into the top face and the high end 0.0228 above it,
        // within a 0.03 margin: MuJoCo 3.3 (checked against its mj_forward) reports both segment
        // ends as spheres against the face, so each point's dist is its end's height − r − 0.1.
        let short = GeomShape.capsule(radius: 0.05, halfLength: 0.1)
        let tilt = GeomPose(pos: Vec3(0, 0, 0.158917), rot: rot(.unitY, .pi / 2 - 8 * .pi / 180))
        let ends = [tilt.apply(Vec3(0, 0, -0.1)), tilt.apply(Vec3(0, 0, 0.1))]
        let tilted = collide(short, tilt, b, I, margin: 0.03)
        #expect(tilted.count == 2, "expected 2 contacts, got \(tilted.count)")
        for e in ends {
            let expected = ContactPoint(pos: Vec3(e.x, e.y, 0.5 * (e.z - 0.05 + 0.1)), normal: Vec3(0, 0, -1), dist: e.z - 0.05 - 0.1)
            let hit = (0..<tilted.count).contains {
                isNear(tilted[$0].pos, expected.pos, 1e-12) && abs(tilted[$0].dist - expected.dist) <= 1e-12
                    && isNear(tilted[$0].normal, expected.normal, 1e-12)
            }
            #expect(hit, "missing \(expected); have \(tilted.array)")
        }
        #expect(ends[0].z - 0.05 - 0.1 < 0 && ends[1].z - 0.05 - 0.1 > 0.02)
    }

    // MARK: boxes

    @Test("box–box: small box on a big one gives its 4 corners; partial overlap the 4 overlap corners")
    func boxBoxFace() {
        let big = GeomShape.box(Vec3(0.5, 0.5, 0.1)), small = GeomShape.box(Vec3(0.1, 0.1, 0.1))
        let m = collide(big, I, small, GeomPose(pos: Vec3(0, 0, 0.19)))
        expectPoints(m, [Vec3(0.1, 0.1, 0.095), Vec3(-0.1, 0.1, 0.095), Vec3(0.1, -0.1, 0.095), Vec3(-0.1, -0.1, 0.095)],
                     dist: -0.01, normal: .unitZ)
        // Swapped: normals flip, points stay.
        expectPoints(collide(small, GeomPose(pos: Vec3(0, 0, 0.19)), big, I),
                     [Vec3(0.1, 0.1, 0.095), Vec3(-0.1, 0.1, 0.095), Vec3(0.1, -0.1, 0.095), Vec3(-0.1, -0.1, 0.095)],
                     dist: -0.01, normal: Vec3(0, 0, -1))
        let mid = GeomShape.box(Vec3(0.2, 0.2, 0.1))
        let part = collide(mid, I, small, GeomPose(pos: Vec3(0.15, 0.15, 0.19)))
        expectPoints(part, [Vec3(0.05, 0.05, 0.095), Vec3(0.2, 0.05, 0.095), Vec3(0.05, 0.2, 0.095), Vec3(0.2, 0.2, 0.095)],
                     dist: -0.01, normal: .unitZ)
    }

    @Test("box–box: equal boxes turned 45° give the 8 corners of the octagon")
    func boxBoxOctagon() {
        let b = GeomShape.box(Vec3(0.1, 0.1, 0.1))
        let m = collide(b, I, b, GeomPose(pos: Vec3(0, 0, 0.19), rot: rot(.unitZ, .pi / 4)))
        // Square |x|,|y| ≤ 0.1 ∩ diamond |x|+|y| ≤ 0.1√2: corners at (±0.1, ±(0.1√2 − 0.1)) and swaps.
        let a = 0.1, c = 0.1 * 2.0.squareRoot() - 0.1
        let pts = [Vec3(a, c, 0.095), Vec3(a, -c, 0.095), Vec3(-a, c, 0.095), Vec3(-a, -c, 0.095),
                   Vec3(c, a, 0.095), Vec3(-c, a, 0.095), Vec3(c, -a, 0.095), Vec3(-c, -a, 0.095)]
        expectPoints(m, pts, dist: -0.01, normal: .unitZ, tol: 1e-12)
    }

    @Test("box–box: crossed edges give one edge–edge point; separated beyond margin gives none")
    func boxBoxEdge() {
        let b = GeomShape.box(Vec3(0.1, 0.1, 0.1))
        let e = 0.1 * 2.0.squareRoot()
        let p1 = GeomPose(pos: .zero, rot: rot(.unitY, .pi / 4))           // top edge along y at z = e
        let p2 = GeomPose(pos: Vec3(0, 0, 2 * e - 0.01), rot: rot(.unitX, .pi / 4))  // bottom edge along x
        expectSingle(collide(b, p1, b, p2), dist: -0.01, normal: .unitZ, pos: Vec3(0, 0, e - 0.005), tol: 1e-12)
        let p3 = GeomPose(pos: Vec3(0, 0, 2 * e + 0.02), rot: rot(.unitX, .pi / 4))
        #expect(collide(b, p1, b, p3, margin: 0.01).isEmpty)
        expectSingle(collide(b, p1, b, p3, margin: 0.03), dist: 0.02, normal: .unitZ, pos: Vec3(0, 0, e + 0.01), tol: 1e-12)
    }

    // MARK: cylinders (general convex path)

    @Test("cylinder–box: standing on a box face gives ≥ 3 rim points around the axis; lying gives 2")
    func cylinderBox() {
        let b = GeomShape.box(Vec3(0.5, 0.5, 0.1)), cyl = GeomShape.cylinder(radius: 0.1, halfLength: 0.2)
        let standing = collide(cyl, GeomPose(pos: Vec3(0.1, 0, 0.29)), b, I)
        #expect(standing.count >= 3)
        var centroid = Vec3.zero
        for i in 0..<standing.count {
            let p = standing[i].pos
            #expect(abs(standing[i].dist + 0.01) < 1e-8)
            #expect(isNear(standing[i].normal, Vec3(0, 0, -1), 1e-8))
            #expect(abs(p.z - 0.095) < 1e-8)
            #expect(abs(Vec3(p.x - 0.1, p.y, 0).norm - 0.1) < 1e-8)
            centroid += p / Double(standing.count)
        }
        // Points spread around the rim: their centroid lies near the axis.
        #expect(Vec3(centroid.x - 0.1, centroid.y, 0).norm < 0.03)
        let lying = collide(cyl, GeomPose(pos: Vec3(0, 0, 0.19), rot: rot(.unitY, .pi / 2)), b, I)
        expectPoints(lying, [Vec3(0.2, 0, 0.095), Vec3(-0.2, 0, 0.095)], dist: -0.01, normal: Vec3(0, 0, -1), tol: 1e-8)
        // A small box standing on the cylinder's cap: the box's 4 bottom corners.
        let small = GeomShape.box(Vec3(0.05, 0.05, 0.05))
        let onCap = collide(cyl, I, small, GeomPose(pos: Vec3(0, 0, 0.24)))
        expectPoints(onCap, [Vec3(0.05, 0.05, 0.195), Vec3(-0.05, 0.05, 0.195), Vec3(0.05, -0.05, 0.195), Vec3(-0.05, -0.05, 0.195)],
                     dist: -0.01, normal: .unitZ, tol: 1e-8)
    }

    @Test("cylinder–sphere: on the cap centre, beside the side, within margin off the rim")
    func cylinderSphere() {
        let cyl = GeomShape.cylinder(radius: 0.1, halfLength: 0.2)
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0, 0, 0.24)), cyl, I),
                     dist: -0.01, normal: Vec3(0, 0, -1), pos: Vec3(0, 0, 0.195), tol: 1e-8)
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0.14, 0, 0)), cyl, I),
                     dist: -0.01, normal: Vec3(-1, 0, 0), pos: Vec3(0.095, 0, 0), tol: 1e-8)
        // Diagonally off the rim at (0.1, 0, 0.2) by 0.08 along (0.6, 0, 0.8): dist 0.03.
        let u = Vec3(0.6, 0, 0.8)
        expectSingle(collide(.sphere(0.05), GeomPose(pos: Vec3(0.1, 0, 0.2) + 0.08 * u), cyl, I, margin: 0.05),
                     dist: 0.03, normal: -u, pos: Vec3(0.1, 0, 0.2) + 0.015 * u, tol: 1e-7)
    }

    @Test("cylinder–capsule: lying on the cap gives 2 points; crossing the side gives 1")
    func cylinderCapsule() {
        let cyl = GeomShape.cylinder(radius: 0.1, halfLength: 0.2), cap = GeomShape.capsule(radius: 0.05, halfLength: 0.05)
        let lying = collide(cap, GeomPose(pos: Vec3(0, 0, 0.24), rot: rot(.unitY, .pi / 2)), cyl, I)
        expectPoints(lying, [Vec3(0.05, 0, 0.195), Vec3(-0.05, 0, 0.195)], dist: -0.01, normal: Vec3(0, 0, -1), tol: 1e-8)
        // Capsule along y, against the curved side at x = 0.1, 0.01 deep. EPA on a curved surface
        // stops when the support gains < 1e-10 m, which places the witness to ~√(1e-10·r) ≈ 3e-6 m.
        let side = collide(cap, GeomPose(pos: Vec3(0.14, 0, 0), rot: rot(.unitX, .pi / 2)), cyl, I)
        #expect(side.count == 1)
        #expect(abs(side[0].dist + 0.01) < 1e-9)
        #expect(isNear(side[0].normal, Vec3(-1, 0, 0), 1e-4))
        #expect(isNear(side[0].pos, Vec3(0.095, 0, 0), 1e-5))
    }

    @Test("cylinder–cylinder: stacked coaxially gives ≥ 3 rim points at the penetration depth")
    func cylinderCylinder() {
        let cyl = GeomShape.cylinder(radius: 0.1, halfLength: 0.2)
        let m = collide(cyl, I, cyl, GeomPose(pos: Vec3(0, 0, 0.39), rot: rot(.unitZ, 0.3)))
        #expect(m.count >= 3)
        for i in 0..<m.count {
            #expect(abs(m[i].dist + 0.01) < 1e-8)
            #expect(isNear(m[i].normal, .unitZ, 1e-8))
            #expect(abs(m[i].pos.z - 0.195) < 1e-8)
        }
    }
}

@Suite("Collision: resting configurations keep multi-point support")
struct CollisionRestingTests {
    /// A box resting on a box, a cylinder standing on a box and on a cylinder, each wobbling by
    /// small random tilts (≤ 0.2°) and spins at 1 mm penetration, as a settling stack does: the
    /// support must stay a face contact (≥ 3 points spread around the centre), never one edge point
    /// that would let the stack pivot.
    @Test("small tilts keep ≥ 3 face points", arguments: [GeomType.box, .cylinder])
    func wobble(top: GeomType) {
        var rng = RandomSource(seed: 77)
        let base = GeomShape.box(Vec3(0.2, 0.2, 0.05))
        let shape = top == .box ? GeomShape.box(Vec3(0.05, 0.04, 0.05)) : GeomShape.cylinder(radius: 0.05, halfLength: 0.05)
        for _ in 0..<300 {
            let tilt = Quat(axis: Vec3(rng.normal(), rng.normal(), 0), angle: rng.uniform(0, 0.2 * .pi / 180))
            let spin = Quat(axis: .unitZ, angle: rng.uniform(0, 2 * .pi))
            let c = Vec3(rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), 0.05 + 0.05 - 0.001)
            let m = collide(base, .identity, shape, GeomPose(pos: c, quat: tilt * spin))
            #expect(m.count >= 3, "\(top): \(m.count) points at tilt \(tilt)")
            // The points surround the top's centre: it lies inside their bounding rectangle.
            let xs = (0..<m.count).map { m[$0].pos.x }, ys = (0..<m.count).map { m[$0].pos.y }
            #expect(xs.min()! < c.x && c.x < xs.max()! && ys.min()! < c.y && c.y < ys.max()!, "\(top): support does not surround the centre")
            for i in 0..<m.count { #expect(m[i].normal.z > 0.999 && m[i].dist < 0) }
        }
    }
}

extension CollisionRestingTests {
    /// Equal boxes stacked with an overhang: an edge axis lies within a fraction of a degree of
    /// the face normal and separates slightly better; the face must still win (4 points), as in
    /// MuJoCo 3.3 for the same poses.
    @Test("equal boxes with an overhang and small tilts keep 4 face points")
    func overhang() {
        var rng = RandomSource(seed: 78)
        let b = GeomShape.box(Vec3(0.1, 0.1, 0.1))
        for _ in 0..<300 {
            let tilt = Quat(axis: Vec3(rng.normal(), rng.normal(), 0), angle: rng.uniform(0, 0.3 * .pi / 180))
            let c = Vec3(rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), 0.2 - 0.002)
            let m = collide(b, .identity, b, GeomPose(pos: c, quat: tilt * Quat(axis: .unitZ, angle: rng.uniform(-0.02, 0.02))))
            #expect(m.count >= 4, "\(m.count) points at offset \(c)")
        }
    }
}
