import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// The broadphase against an O(n²) AABB check, and the collision stage end to end on small models.

@Suite("Collision broadphase and pipeline")
struct CollisionPipelineTests {
    @Test("sort-and-sweep returns exactly the pairs of the O(n²) overlap check, frame after frame",
          arguments: [5, 40, 300])
    func broadphaseMatchesBruteForce(n: Int) {
        var rng = RandomSource(seed: UInt64(n))
        var sap = SweepAndPrune(count: n)
        // Boxes drifting over 5 frames so the persistent order is exercised; box 0 is infinite (a plane).
        var centres = (0..<n).map { _ in Vec3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-0.2, 0.2)) }
        let halves = (0..<n).map { _ in Vec3(rng.uniform(0.01, 0.15), rng.uniform(0.01, 0.15), rng.uniform(0.01, 0.15)) }
        var total = 0
        for _ in 0..<5 {
            var boxes = (0..<n).map { AABB(lo: centres[$0] - halves[$0], hi: centres[$0] + halves[$0]) }
            boxes[0] = AABB(lo: Vec3(-.infinity, -.infinity, -.infinity), hi: Vec3(.infinity, .infinity, .infinity))
            sap.update(boxes)
            var expected: [UInt64] = []
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) where boxes[i].overlaps(boxes[j]) {
                expected.append(UInt64(i) << 32 | UInt64(j))
            } }
            let got = (0..<sap.pairCount).map { k -> UInt64 in let (i, j) = sap.pair(k); return UInt64(i) << 32 | UInt64(j) }
            #expect(got == expected, "n = \(n): \(got.count) pairs vs \(expected.count)")
            total += expected.count
            for i in 0..<n { centres[i] += Vec3(rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)) }
        }
        // Beyond the plane's n − 1 pairs per frame, the larger scenes must have finite overlaps too.
        #expect(n < 40 || total > 5 * (n - 1) + 10, "scene too sparse to test")
    }

    @Test("touching boxes (shared face) count as overlapping, like the closed-interval check")
    func touchingBoxes() {
        var sap = SweepAndPrune(count: 2)
        sap.update([AABB(lo: .zero, hi: Vec3(1, 1, 1)), AABB(lo: Vec3(1, 0, 0), hi: Vec3(2, 1, 1))])
        #expect(sap.pairCount == 1)
        sap.update([AABB(lo: .zero, hi: Vec3(1, 1, 1)), AABB(lo: Vec3(1.000001, 0, 0), hi: Vec3(2, 1, 1))])
        #expect(sap.pairCount == 0)
        // Empty and single-box scenes, and a scene that shrinks: no pairs, no trap.
        sap.update([])
        #expect(sap.pairCount == 0)
        sap.update([AABB(lo: .zero, hi: Vec3(1, 1, 1))])
        #expect(sap.pairCount == 0)
        var empty = CollisionDetector(model: Model(bodies: [Body(name: "world", parent: -1)]))
        var none = ContactBuffer(capacity: 4)
        empty.detect(Model(bodies: [Body(name: "world", parent: -1)]), geomXpos: [], geomXmat: [], into: &none)
        #expect(none.count == 0)
    }

    /// A plane (world) with a box resting on it and a sphere on a hinge arm above it.
    private func scene() -> Model {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "box", parent: 0, pos: Vec3(0, 0, 0.1), mass: 1, inertia: Vec3(1, 1, 1)),
            Body(name: "arm", parent: 0, pos: Vec3(2, 0, 1), mass: 1, inertia: Vec3(1, 1, 1)),
            Body(name: "hand", parent: 2, mass: 1, inertia: Vec3(1, 1, 1)),
        ]
        let joints = [Joint(type: .free, body: 1), Joint(type: .hinge, body: 2), Joint(type: .slide, body: 3)]
        let geoms = [
            Geom(name: "floor", type: .plane, body: 0, size: Vec3(5, 5, 0.1), friction: Vec3(0.7, 0.01, 0.001)),
            Geom(name: "cube", type: .box, body: 1, size: Vec3(0.1, 0.1, 0.1), friction: Vec3(0.3, 0.02, 0.0001), condim: 4),
            Geom(name: "upper", type: .capsule, body: 2, size: Vec3(0.05, 0.3, 0)),
            Geom(name: "finger", type: .sphere, body: 3, size: Vec3(0.05, 0, 0), margin: 0.01),
        ]
        return Model(bodies: bodies, joints: joints, geoms: geoms)
    }

    @Test("box on the floor: 4 contacts, geom1 = plane, mixed parameters; parent–child arm filtered")
    func detectorEndToEnd() {
        let m = scene()
        var detector = CollisionDetector(model: m)
        var contacts = ContactBuffer(capacity: 32)
        // Box penetrates 1 mm; the arm's capsule and finger sphere overlap each other (parent–child:
        // filtered) and the finger hovers 5 mm over the floor within its 1 cm margin.
        let pos = [Vec3.zero, Vec3(0.3, 0.2, 0.099), Vec3(2, 0, 1), Vec3(2, 0, 0.055)]
        let mat = [Mat3.identity, rot(.unitZ, 0.4), Mat3.identity, Mat3.identity]
        detector.detect(m, geomXpos: pos, geomXmat: mat, into: &contacts)
        let floorBox = contacts.array.filter { $0.geom1 == 0 && $0.geom2 == 1 }
        #expect(floorBox.count == 4)
        for c in floorBox {
            #expect(isClose(c.dist, -0.001, rtol: 1e-9))
            #expect(c.normal == .unitZ)
            #expect(c.parameters.condim == 4)
            #expect(Array(0..<5).map { c.parameters.friction[$0] } == [0.7, 0.7, 0.02, 0.001, 0.001])
        }
        let floorFinger = contacts.array.filter { $0.geom1 == 0 && $0.geom2 == 3 }
        #expect(floorFinger.count == 1)
        #expect(isClose(floorFinger.first?.dist ?? .nan, 0.005, rtol: 1e-9))
        #expect(floorFinger.first?.parameters.margin == 0.01)
        #expect(!contacts.array.contains { Set([$0.geom1, $0.geom2]) == Set([2, 3]) })
        #expect(contacts.count == 5)
        // Same input, same output, bit for bit (and the scratch carries no state into the result).
        var again = ContactBuffer(capacity: 32)
        detector.detect(m, geomXpos: pos, geomXmat: mat, into: &again)
        #expect(again.array.map(\.pos) == contacts.array.map(\.pos) && again.array.map(\.dist) == contacts.array.map(\.dist))
    }

    @Test("the small-scene pair list gives the contacts of sort-and-sweep + filters, bit for bit, frame after frame")
    func pairListMatchesSweep() {
        // 24 geoms of every type on a chain of bodies (weld-parent pairs filtered), two contype /
        // conaffinity groups that exclude each other, mixed priorities, margins and friction, and
        // a plane on the world; poses drift over frames so pairs enter and leave overlap.
        var rng = RandomSource(seed: 7)
        var bodies = [Body(name: "world", parent: -1)]
        var joints: [Joint] = []
        for b in 1...8 {
            bodies.append(Body(name: "b\(b)", parent: b <= 4 ? 0 : b - 4, mass: 1, inertia: Vec3(1, 1, 1)))
            joints.append(Joint(type: .hinge, body: b))
        }
        let types: [GeomType] = [.sphere, .capsule, .cylinder, .box]
        var geoms = [Geom(name: "floor", type: .plane, body: 0, size: Vec3(5, 5, 0.1))]
        for g in 1..<24 {
            let type = types[g % 4]
            geoms.append(Geom(name: "g\(g)", type: type, body: g % 9,
                              size: Vec3(rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.2)),
                              friction: Vec3(rng.uniform(0.2, 1), 0.005, 0.0001),
                              contype: g % 5 == 0 ? 2 : 1, conaffinity: g % 5 == 0 ? 2 : 1 | (g % 7 == 0 ? 2 : 0),
                              condim: g % 3 == 0 ? 4 : 3, priority: g % 6 == 0 ? 1 : 0,
                              margin: g % 4 == 0 ? 0.01 : 0))
        }
        let m = Model(bodies: bodies, joints: joints, geoms: geoms)
        var list = CollisionDetector(model: m)
        var sweep = CollisionDetector(model: m, allowPairList: false)
        #expect(list.allowedPairs != nil && sweep.allowedPairs == nil)
        // The list holds exactly the pairs the filters allow (the O(n²) check), in ascending order.
        var allowed: [Set<Int>] = []
        for i in 0..<geoms.count { for j in (i + 1)..<geoms.count where geomsMayCollide(m, i, j) { allowed.append([i, j]) } }
        #expect(list.allowedPairs?.map { Set([$0.g1, $0.g2]) } == allowed)
        var pos = (0..<geoms.count).map { g in g == 0 ? Vec3.zero : Vec3(rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(0, 0.4)) }
        var axes = (0..<geoms.count).map { _ in Vec3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) }
        var total = 0
        for _ in 0..<10 {
            let mat = (0..<geoms.count).map { g in g == 0 ? Mat3.identity : rot(axes[g], axes[g].norm) }
            var a = ContactBuffer(capacity: 4096), b = ContactBuffer(capacity: 4096)
            list.detect(m, geomXpos: pos, geomXmat: mat, into: &a)
            sweep.detect(m, geomXpos: pos, geomXmat: mat, into: &b)
            let x = a.array, y = b.array
            #expect(x.count == y.count)
            for (c, d) in zip(x, y) {
                #expect(c.geom1 == d.geom1 && c.geom2 == d.geom2 && c.pos == d.pos && c.normal == d.normal
                        && c.dist == d.dist && c.tangentHint == d.tangentHint && c.parameters == d.parameters)
            }
            total += x.count
            for g in 1..<geoms.count {
                pos[g] += Vec3(rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05))
                axes[g] += Vec3(rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1))
            }
        }
        #expect(total > 50, "scene too sparse to test: \(total) contacts in 10 frames")
    }

    @Test("a full contact buffer drops further contacts and says so")
    func bufferOverflow() {
        let m = scene()
        var detector = CollisionDetector(model: m)
        var small = ContactBuffer(capacity: 3)
        detector.detect(m, geomXpos: [.zero, Vec3(0, 0, 0.099), Vec3(2, 0, 1), Vec3(2, 0, 0.055)],
                        geomXmat: [Mat3](repeating: .identity, count: 4), into: &small)
        #expect(small.count == 3 && small.overflowed)
        small.removeAll()
        #expect(small.count == 0 && !small.overflowed)
    }
}
