import Foundation
import Numerics
import Physics

/// `metarl bench collision`: narrowphase cost per pair, the collision stage on a box resting on a
/// plane, and broadphase cost per geom as scenes grow.
struct BenchCollision: Command {
    static let name = "bench collision"
    static let abstract = "Measure collision detection: ns per geom pair, per stage call, per broadphase geom."
    static let help = """
    Usage: metarl bench collision [--repeats R] [--scale S]

    Times, on one thread, each main narrowphase pair in a touching configuration (ns per call),
    the collision stage for a box resting on a plane (ns per detect, 4 contacts), sweep-and-prune
    at 100 and 2000 geoms (ns per geom per update), and the O(n²) AABB check at 2000 geoms for
    comparison. Each figure is the best of R runs (default 5): the machine's least disturbed run.
    S (default 1) scales the iteration counts. Build with -c release.

    Prints one JSON line: "pairs_ns" keys are prefixed pair_, then stage_box_on_plane_ns,
    broadphase_100_ns_per_geom, broadphase_2000_ns_per_geom, brute_force_2000_ns_per_geom.

    Example:
      swift run -c release metarl bench collision
    """

    let repeats: Int
    let scale: Double

    init(arguments: inout Arguments) throws {
        repeats = try arguments.int("repeats", range: 1...100) ?? 5
        scale = try arguments.double("scale") ?? 1
        guard scale > 0 && scale <= 100 else { throw UsageError("option --scale: expected a number in (0, 100], found \(scale)") }
    }

    /// Best of `repeats` runs of `iterations` calls, in ns per call. `body` receives an opaque
    /// 0 to fold into its inputs so calls cannot be hoisted out of the loop.
    private func nanosecondsPerCall(_ iterations: Int, _ body: (Double) -> Int) -> Double {
        let n = max(1, Int(Double(iterations) * scale))
        var sink = 0, best = Double.infinity
        let zero = opaqueZero()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n { sink &+= body(zero) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
        }
        consume(sink)
        return best
    }

    func run() throws {
        var json = JSONLine()
        let tilt = Quat(axis: Vec3(1, 2, 0), angle: 0.005)
        let cases: [(String, GeomShape, GeomPose, GeomShape, GeomPose)] = [
            ("plane_sphere", .plane, .identity, .sphere(0.1), GeomPose(pos: Vec3(0, 0, 0.099))),
            ("plane_box", .plane, .identity, .box(Vec3(0.1, 0.1, 0.1)), GeomPose(pos: Vec3(0, 0, 0.099))),
            ("plane_cylinder", .plane, .identity, .cylinder(radius: 0.1, halfLength: 0.1), GeomPose(pos: Vec3(0, 0, 0.099))),
            ("sphere_sphere", .sphere(0.1), .identity, .sphere(0.1), GeomPose(pos: Vec3(0.05, 0.1, 0.15))),
            ("capsule_capsule", .capsule(radius: 0.05, halfLength: 0.2), .identity,
             .capsule(radius: 0.05, halfLength: 0.2), GeomPose(pos: Vec3(0.09, 0, 0), quat: Quat(axis: .unitX, angle: 1.2))),
            ("sphere_box", .sphere(0.05), GeomPose(pos: Vec3(0.03, 0.02, 0.149)), .box(Vec3(0.1, 0.1, 0.1)), .identity),
            ("box_box_face", .box(Vec3(0.1, 0.1, 0.1)), .identity, .box(Vec3(0.1, 0.1, 0.1)),
             GeomPose(pos: Vec3(0.02, 0.01, 0.199), quat: tilt)),
            ("capsule_box", .capsule(radius: 0.05, halfLength: 0.05), GeomPose(pos: Vec3(0, 0, 0.149), quat: Quat(axis: .unitY, angle: .pi / 2)),
             .box(Vec3(0.1, 0.1, 0.1)), .identity),
            ("cylinder_box", .cylinder(radius: 0.05, halfLength: 0.05), GeomPose(pos: Vec3(0, 0, 0.149), quat: tilt),
             .box(Vec3(0.1, 0.1, 0.1)), .identity),
            ("cylinder_sphere", .sphere(0.05), GeomPose(pos: Vec3(0.13, 0.02, 0.01)), .cylinder(radius: 0.1, halfLength: 0.1), .identity),
        ]
        var scratch = ConvexScratch()
        for (name, s1, p1, s2, p2) in cases {
            let ns = nanosecondsPerCall(4_000) { z in
                collide(s1, p1, s2, GeomPose(pos: p2.pos + Vec3(z, 0, 0), rot: p2.rot), scratch: &scratch).count
            }
            json.add("pair_\(name)_ns", ns)
        }

        let m = Model(bodies: [Body(name: "world", parent: -1),
                               Body(name: "box", parent: 0, pos: Vec3(0, 0, 0.1), mass: 1, inertia: Vec3(1, 1, 1))],
                      joints: [Joint(type: .free, body: 1)],
                      geoms: [Geom(type: .plane, body: 0, size: Vec3(1, 1, 0.1)),
                              Geom(type: .box, body: 1, size: Vec3(0.1, 0.1, 0.1))])
        var detector = CollisionDetector(model: m)
        var contacts = ContactBuffer(capacity: 64)
        var xpos = [Vec3.zero, Vec3(0, 0, 0.099)]
        let xmat = [Mat3.identity, Quat(axis: Vec3(0.3, 1, 0), angle: 0.001).matrix]
        json.add("stage_box_on_plane_ns", nanosecondsPerCall(20_000) { z in
            xpos[1].x = z
            detector.detect(m, geomXpos: xpos, geomXmat: xmat, into: &contacts)
            return contacts.count
        })

        // Random cubes of side 0.1 m at constant density (about one neighbour each).
        func scene(_ n: Int) -> [AABB] {
            var rng = RandomSource(seed: 9)
            let side = 0.5 * cbrt(Double(n))
            return (0..<n).map { _ in
                let c = Vec3(rng.uniform(-side, side), rng.uniform(-side, side), rng.uniform(-side, side))
                return AABB(lo: c - Vec3(0.05, 0.05, 0.05), hi: c + Vec3(0.05, 0.05, 0.05))
            }
        }
        for n in [100, 2000] {
            let boxes = scene(n)
            var sap = SweepAndPrune(count: n)
            sap.update(boxes)
            let ns = nanosecondsPerCall(max(4, 40_000 / n)) { _ in sap.update(boxes); return sap.pairCount }
            json.add("broadphase_\(n)_ns_per_geom", ns / Double(n))
        }
        let boxes = scene(2000)
        let brute = nanosecondsPerCall(1) { z in
            var count = Int(z)
            for i in 0..<boxes.count { for j in (i + 1)..<boxes.count where boxes[i].overlaps(boxes[j]) { count += 1 } }
            return count
        }
        json.add("brute_force_2000_ns_per_geom", brute / 2000)
        print(json.text)
    }
}

/// Zero that the optimizer cannot see through.
@inline(never) @_optimize(none)
private func opaqueZero() -> Double { 0 }

/// Keeps a result alive so the optimizer cannot delete the timed work.
@inline(never) @_optimize(none)
private func consume(_ x: Int) {}
