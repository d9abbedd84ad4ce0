import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// Filtering, parameter mixing and the soft-constraint formulas, against the rules and numbers of
// shared/MJCF-CONVENTIONS.md §7 (worked by hand below).

/// world ─ A (free) ─ B (hinge) ─ C (hinge)
///         │          └ S (no joint: welded to A)
///         └ W (no joint: welded to the world)
/// One unit-sphere geom per body; geom i sits on body i.
private func tree(contype: [UInt32]? = nil, conaffinity: [UInt32]? = nil) -> Model {
    let bodies = [
        Body(name: "world", parent: -1),
        Body(name: "A", parent: 0, mass: 1, inertia: Vec3(1, 1, 1)),
        Body(name: "B", parent: 1, mass: 1, inertia: Vec3(1, 1, 1)),
        Body(name: "C", parent: 2, mass: 1, inertia: Vec3(1, 1, 1)),
        Body(name: "S", parent: 1, mass: 1, inertia: Vec3(1, 1, 1)),
        Body(name: "W", parent: 0, mass: 1, inertia: Vec3(1, 1, 1)),
    ]
    let joints = [Joint(type: .free, body: 1), Joint(type: .hinge, body: 2), Joint(type: .hinge, body: 3)]
    let geoms = (0..<6).map { b in
        Geom(type: b == 0 ? .plane : .sphere, body: b, size: Vec3(0.1, 0, 0),
             contype: contype?[b] ?? 1, conaffinity: conaffinity?[b] ?? 1)
    }
    return Model(bodies: bodies, joints: joints, geoms: geoms)
}

@Suite("Collision filtering, mixing and soft-constraint formulas")
struct CollisionRulesTests {
    @Test("weld rules: same weld never, parent–child welds never, grandparent and world do")
    func weldRules() {
        let m = tree()
        // Welds: world 0, A 1, B 2, C 3, S → A (1), W → world (0).
        #expect(m.bodies.map(\.weld) == [0, 1, 2, 3, 1, 0])
        let expected: [(Int, Int, Bool)] = [
            (0, 5, false),  // world vs a static child of the world: same weld
            (1, 4, false),  // A vs S (welded to A): same weld
            (1, 2, false),  // A vs its child B
            (2, 3, false),  // B vs its child C
            (4, 2, false),  // S (weld A) vs B, whose weld-parent is A
            (1, 3, true),   // grandparent–grandchild collide
            (0, 1, true),   // the world is exempt from the parent rule
            (0, 2, true),
            (5, 1, true),   // W (weld world) vs A: world exempt
            (4, 3, true),   // S (weld A) vs C (weld-parent B)
        ]
        for (g1, g2, allowed) in expected {
            #expect(geomsMayCollide(m, g1, g2) == allowed, "geoms \(g1), \(g2)")
            #expect(geomsMayCollide(m, g2, g1) == allowed, "geoms \(g2), \(g1) (symmetric)")
        }
    }

    @Test("bitmask: (ct1 & ca2) or (ct2 & ca1)")
    func bitmask() {
        let m = tree(contype: [2, 1, 1, 4, 1, 1], conaffinity: [1, 2, 1, 2, 1, 1])
        // world (ct 2, ca 1) vs A (ct 1, ca 2): 2 & 2 ≠ 0 → yes.
        #expect(bitmaskAllows(m.geoms[0], m.geoms[1]))
        // A (ct 1, ca 2) vs C (ct 4, ca 2): 1 & 2 = 0 and 4 & 2 = 0 → no.
        #expect(!bitmaskAllows(m.geoms[1], m.geoms[3]))
        #expect(!geomsMayCollide(m, 1, 3))
        // world (ct 2, ca 1) vs C (ct 4, ca 2): 2 & 2 ≠ 0 → yes, one direction suffices.
        #expect(bitmaskAllows(m.geoms[3], m.geoms[0]))
        // contype 0 on both sides: never.
        let none = tree(contype: [0, 0, 0, 0, 0, 0])
        #expect(!geomsMayCollide(none, 0, 1))
    }

    @Test("mixing: priority wins; else condim max, friction element-wise max, solmix blend, margin/gap max")
    func mixing() {
        var g1 = Geom(type: .box, body: 1, size: Vec3(1, 1, 1), friction: Vec3(0.5, 0.01, 0.002), condim: 3,
                      solmix: 3, solver: SolverParameters(solref: (0.02, 1), solimp: [0.9, 0.95, 0.001, 0.5, 2]),
                      margin: 0.01, gap: 0.002)
        var g2 = Geom(type: .sphere, body: 2, size: Vec3(1, 0, 0), friction: Vec3(0.8, 0.005, 0.004), condim: 4,
                      solmix: 1, solver: SolverParameters(solref: (0.04, 0.5), solimp: [0.8, 0.99, 0.002, 0.3, 4]),
                      margin: 0.02, gap: 0.001)
        let p = mixContactParameters(g1, g2)
        #expect(p.condim == 4)
        #expect(Array(0..<5).map { p.friction[$0] } == [0.8, 0.8, 0.01, 0.004, 0.004])
        // w = 3/(3+1) = 0.75: solref = 0.75·(0.02, 1) + 0.25·(0.04, 0.5) = (0.025, 0.875).
        #expect(isClose(p.solref.0, 0.025, rtol: 1e-15) && isClose(p.solref.1, 0.875, rtol: 1e-15))
        // solimp = 0.75·g1 + 0.25·g2 = (0.875, 0.96, 0.00125, 0.45, 2.5).
        let imp = [0.875, 0.96, 0.00125, 0.45, 2.5]
        for i in 0..<5 { #expect(isClose(p.solimp[i], imp[i], rtol: 1e-14), "solimp[\(i)]") }
        #expect(p.margin == 0.02 && p.gap == 0.002)
        #expect(isClose(p.includeMargin, 0.018, rtol: 1e-15))
        // Direct (negative) solref on one side: element-wise min.
        g2.solver = SolverParameters(solref: (-1000, -20), solimp: [0.8, 0.99, 0.002, 0.3, 4])
        let d = mixContactParameters(g1, g2)
        #expect(d.solref == (-1000, -20))
        // Zero solmix on g1: g2's parameters entirely.
        g2.solver = SolverParameters(solref: (0.04, 0.5), solimp: [0.8, 0.99, 0.002, 0.3, 4])
        g1.solmix = 0
        let z = mixContactParameters(g1, g2)
        #expect(z.solref == (0.04, 0.5) && z.solimp[1] == 0.99)
        // Higher priority wins outright (condim, friction, solref, solimp); margin/gap still max.
        g1.priority = 1
        let q = mixContactParameters(g1, g2)
        #expect(q.condim == 3)
        #expect(Array(0..<5).map { q.friction[$0] } == [0.5, 0.5, 0.01, 0.002, 0.002])
        #expect(q.solref == (0.02, 1) && q.solimp[0] == 0.9)
        #expect(q.margin == 0.02 && q.gap == 0.002)
    }

    @Test("impedance d(r): dmin at 0, dmax beyond width, the two power pieces, derivative")
    func impedanceCurve() {
        let imp = (0.9, 0.95, 0.001, 0.5, 2.0)
        // x = |r − margin|/width; y = 2x² (x ≤ ½), 1 − 2(1 − x)² (x > ½); d = 0.9 + 0.05·y.
        #expect(impedance(imp, pos: 0, margin: 0).0 == 0.9)
        #expect(isClose(impedance(imp, pos: -0.00025, margin: 0).0, 0.90625, rtol: 1e-14))   // x = ¼: y = ⅛
        #expect(isClose(impedance(imp, pos: -0.00075, margin: 0).0, 0.94375, rtol: 1e-14))   // x = ¾: y = ⅞
        #expect(isClose(impedance(imp, pos: 0.01 - 0.0005, margin: 0.01).0, 0.925, rtol: 1e-14)) // x = ½: y = ½
        #expect(impedance(imp, pos: -0.002, margin: 0).0 == 0.95)
        // Power 3, midpoint 0.3 at x = 0.2: a = 1/0.3², y = 0.008/0.09.
        let imp3 = (0.5, 0.9, 0.01, 0.3, 3.0)
        #expect(isClose(impedance(imp3, pos: -0.002, margin: 0).0, 0.5 + 0.4 * 0.008 / 0.09, rtol: 1e-14))
        // Derivative against central differences, on both pieces and both signs.
        for r in [-0.0003, -0.0007, 0.0002, 0.0008] {
            let fd = (impedance(imp, pos: r + 1e-9, margin: 0).0 - impedance(imp, pos: r - 1e-9, margin: 0).0) / 2e-9
            #expect(isClose(impedance(imp, pos: r, margin: 0).1, fd, rtol: 1e-6), "r = \(r)")
        }
        // dmin = dmax or zero width: flat at their mean.
        #expect(impedance((0.9, 0.9, 0.001, 0.5, 2), pos: -0.0004, margin: 0).0 == 0.9)
        #expect(isClose(impedance((0.8, 0.9, 0, 0.5, 2), pos: -0.0004, margin: 0).0, 0.85, rtol: 1e-15))
    }

    @Test("K and B from solref: standard, refsafe (tc ≥ 2h), direct; R from d")
    func stiffnessDamping() {
        let defaults = SoftParameters(solref: (0.02, 1), solimp: (0.9, 0.95, 0.001, 0.5, 2), timestep: 0.002)
        let (k, b) = referenceStiffnessDamping(defaults)
        // B = 2/(0.95·0.02) = 105.263…, K = 1/(0.95²·0.02²·1²) = 2770.083…
        #expect(isClose(b, 2 / (0.95 * 0.02), rtol: 1e-15) && isClose(b, 105.26315789473684, rtol: 1e-12))
        #expect(isClose(k, 2770.0831024930747, rtol: 1e-12))
        // tc = 0.001 < 2h = 0.004 is raised to 0.004; damping ratio 0.5 enters K only.
        let fast = SoftParameters(solref: (0.001, 0.5), solimp: (0.9, 0.95, 0.001, 0.5, 2), timestep: 0.002)
        #expect(fast.solref.0 == 0.004)
        let (kf, bf) = referenceStiffnessDamping(fast)
        #expect(isClose(kf, 1 / (0.95 * 0.95 * 0.004 * 0.004 * 0.25), rtol: 1e-15))
        #expect(isClose(bf, 2 / (0.95 * 0.004), rtol: 1e-15))
        // Direct form (−k, −b) = (−1000, −50): K = 1000/0.95², B = 50/0.95; no refsafe.
        let direct = SoftParameters(solref: (-1000, -50), solimp: (0.9, 0.95, 0.001, 0.5, 2), timestep: 0.002)
        let (kd, bd) = referenceStiffnessDamping(direct)
        #expect(isClose(kd, 1108.0332409972298, rtol: 1e-12) && isClose(bd, 52.631578947368425, rtol: 1e-12))
        // Mixed signs fall back to the default (0.02, 1); solimp clamps to [1e-4, 0.9999], power ≥ 1.
        let mixed = SoftParameters(solref: (0.05, -1), solimp: (0, 1.2, -1, 2, 0.5), timestep: 0.002)
        #expect(mixed.solref == (0.02, 1))
        #expect(mixed.solimp == (0.0001, 0.9999, 0, 0.9999, 1))
        // a_ref = −B v − K d (r − margin); R = (1 − d)/d · A.
        #expect(isClose(referenceAcceleration(k: 100, b: 20, impedance: 0.9, pos: -0.01, margin: 0, vel: -0.5), 10.9, rtol: 1e-15))
        #expect(isClose(regularizer(impedance: 0.9, diagApprox: 2), 2.0 / 9.0, rtol: 1e-15))
    }
}
