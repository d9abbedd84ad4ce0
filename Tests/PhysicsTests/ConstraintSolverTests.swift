import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// The pipeline's primal Newton solver (ConstraintSolver.swift) against things outside it: the KKT
// conditions of the dual problem, an independent dual solver (BoxQP, itself checked against
// brute force in BoxQPTests), brute-force minimization of the line search, and bit-for-bit
// determinism including copies of a Data that share row storage.

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A box tumbling onto a plane, a two-box stack and a limited hinge: contacts with changing
/// active sets, stacked contacts and limit rows.
private let scenes: [(String, String)] = [
    ("tumble", """
    <mujoco><worldbody><geom type="plane" size="5 5 .1"/>
    <body pos="0 0 0.3" euler="20 30 10"><freejoint/><geom type="box" size=".1 .07 .05"/></body>
    </worldbody></mujoco>
    """),
    ("stack", """
    <mujoco><worldbody><geom type="plane" size="5 5 .1" friction="0.7"/>
    <body pos="0 0 0.1"><freejoint/><geom type="box" size=".1 .1 .1"/></body>
    <body pos="0.02 0.01 0.31" euler="0 0 15"><freejoint/><geom type="box" size=".08 .08 .1" condim="4"/></body>
    </worldbody></mujoco>
    """),
    ("limit", """
    <mujoco><worldbody>
    <body><joint type="hinge" axis="0 1 0" limited="true" range="-0.3 0.4"/>
    <geom type="capsule" fromto="0 0 0 0.3 0 0" size="0.03" contype="0" conaffinity="0"/>
    <body pos="0.3 0 0"><joint type="slide" axis="1 0 0" limited="true" range="-0.05 0.02"/>
    <geom type="sphere" size="0.05" contype="0" conaffinity="0"/></body></body>
    </worldbody></mujoco>
    """),
]

/// The dual problem of the current rows, built from the public row data: H = J M⁻¹ Jᵀ + R and
/// b = J M⁻¹ qfrcSmooth − aref.
private func dualProblem(_ m: Model, _ d: Physics.Data) -> (H: [Double], b: [Double]) {
    let n = d.efc.count, nv = m.nv
    let J = d.efc.J, R = d.efc.R, aref = d.efc.aref
    var minvJT = [[Double]](repeating: [], count: n)
    for r in 0..<n {
        var y = [Double](repeating: 0, count: nv)
        solveMassMatrix(m, d, &y, Array(J[(r * nv)..<((r + 1) * nv)]))
        minvJT[r] = y
    }
    var a0 = [Double](repeating: 0, count: nv)
    solveMassMatrix(m, d, &a0, d.qfrcSmooth)
    var H = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
    for r in 0..<n {
        for s in 0..<n {
            var h = 0.0
            for i in 0..<nv { h += J[r * nv + i] * minvJT[s][i] }
            H[r * n + s] = h + (r == s ? R[r] : 0)
        }
        var ja0 = 0.0
        for i in 0..<nv { ja0 += J[r * nv + i] * a0[i] }
        b[r] = ja0 - aref[r]
    }
    return (H, b)
}

@Suite("Constraint solver (primal Newton)")
struct ConstraintSolverTests {
    @Test("forces satisfy the dual KKT conditions and equal an independent box-QP solve", arguments: scenes.map(\.0))
    func agreesWithDual(_ name: String) throws {
        let xml = scenes.first { $0.0 == name }!.1
        let m = try MJCF.load(string: xml, name: name)
        var d = Physics.Data(m)
        d.reset(m)
        if name == "limit" { d.qvel[0] = 4; d.qvel[1] = -1 }  // drive both joints into their limits
        var checked = 0
        for k in 0..<600 {
            step(m, &d)
            guard k % 20 == 0 || d.efc.count > 0 && k < 60 else { continue }
            forward(m, &d)
            let n = d.efc.count
            if n == 0 { continue }
            let f = d.efc.force
            let (H, b) = dualProblem(m, d)
            let fmax = f.map(abs).max() ?? 0
            let scale = 1 + fmax + b.map(abs).max()!
            // KKT: f ≥ 0, gradient Hf + b ≥ 0, and zero where f > 0.
            for r in 0..<n {
                var g = b[r]
                for s in 0..<n { g += H[r * n + s] * f[s] }
                #expect(f[r] >= 0)
                #expect(g >= -1e-9 * scale, "\(name) step \(k) row \(r): gradient \(g) < 0")
                if f[r] > 1e-9 * (1 + fmax) { #expect(abs(g) <= 1e-9 * scale, "\(name) step \(k) row \(r): f \(f[r]), gradient \(g)") }
            }
            // The same problem through the dual solver, from zero, to a tight tolerance.
            var qp = BoxQP(capacity: n)
            var fd = [Double](repeating: 0, count: n)
            let lo = [Double](repeating: 0, count: n), hi = [Double](repeating: .infinity, count: n)
            let res = qp.solve(n: n, H: H, b: b, lo: lo, hi: hi, f: &fd, maxIterations: 500, tolerance: 1e-13)
            #expect(res.converged)
            #expect(maxAbsDifference(f, fd) <= 1e-8 * (1 + fmax), "\(name) step \(k): primal \(f) dual \(fd)")
            checked += 1
        }
        #expect(checked >= 5, "\(name): only \(checked) states with constraint rows")
    }

    @Test("a warm-started resting box converges in one Newton iteration, exactly")
    func restingBoxOneIteration() throws {
        let m = try MJCF.load(string: """
        <mujoco><worldbody><geom type="plane" size="5 5 .1"/>
        <body pos="0 0 0.1"><freejoint/><geom type="box" size=".1 .1 .1"/></body></worldbody></mujoco>
        """)
        var d = Physics.Data(m)
        d.reset(m)
        for _ in 0..<500 { step(m, &d) }
        #expect(d.efc.count == 16)
        for _ in 0..<100 {
            step(m, &d)
            #expect(d.efc.solverResult.newtonIterations == 1 && d.efc.solverResult.converged)
            #expect(d.efc.solverResult.residual == 0)
        }
        // Newton's third law on the whole box at rest: the normal forces carry its weight.
        var normal = 0.0
        for c in 0..<d.contacts.count { normal += d.efc.contactForce[c].x }
        #expect(isClose(normal, m.bodies[1].mass * 9.81, rtol: 1e-6))
    }

    @Test("stepping is bit-for-bit deterministic, also for copies of a Data that share row storage")
    func determinism() throws {
        let m = try MJCF.load(contentsOf: repositoryRoot.appendingPathComponent("Environments/robots/arm7_holding.xml"))
        var a = Physics.Data(m)
        a.reset(m, keyframe: m.keyframes.isEmpty ? nil : 0)
        for _ in 0..<200 { step(m, &a) }
        #expect(a.efc.count > 0)
        var b = a            // shares the row storage until one of them steps
        var c = Physics.Data(m)
        c.reset(m, keyframe: m.keyframes.isEmpty ? nil : 0)
        for _ in 0..<200 { step(m, &c) }
        for _ in 0..<300 {
            step(m, &a)
            step(m, &b)
            step(m, &c)
        }
        #expect(a.qpos == b.qpos && a.qvel == b.qvel && a.efc.force == b.efc.force)
        #expect(a.qpos == c.qpos && a.qvel == c.qvel && a.efc.force == c.efc.force)
        // The copy really was independent: stepping one leaves the other's rows as they were.
        let before = b.efc.force
        step(m, &a)
        #expect(b.efc.force == before)
    }

    @Test("the exact line search finds the minimizer of random piecewise quadratics")
    func lineSearch() {
        var rng = RandomSource(seed: 7)
        func uniform(_ lo: Double, _ hi: Double) -> Double { rng.uniform(lo, hi) }
        for trial in 0..<300 {
            let n = 1 + trial % 12
            let z = (0..<n).map { _ in uniform(-2, 2) }
            let dz = (0..<n).map { _ in trial % 5 == 0 ? 0 : uniform(-3, 3) }
            let D = (0..<n).map { _ in uniform(0.1, 10) }
            let quad = uniform(0.01, 2), lin = uniform(-5, 1)
            func phi(_ x: Double) -> Double {
                var v = 0.5 * x * x * quad + x * lin
                for r in 0..<n { let zz = z[r] + x * dz[r]; if zz < 0 { v += 0.5 * D[r] * zz * zz } }
                return v
            }
            let (alpha, change) = z.withUnsafeBufferPointer { zp in
                dz.withUnsafeBufferPointer { dp in
                    D.withUnsafeBufferPointer { Dp in
                        exactLineSearch(n: n, z: zp.baseAddress!, dz: dp.baseAddress!, D: Dp.baseAddress!, quad: quad, lin: lin)
                    }
                }
            }
            // Reference: φ is convex; its minimizer over α ≥ 0 is where φ′ changes sign, found by
            // checking every piece between sorted breakpoints.
            var points = [0.0]
            for r in 0..<n where dz[r] != 0 { let t = -z[r] / dz[r]; if t > 0 { points.append(t) } }
            points.sort()
            points.append(1e9)
            var best = 0.0
            func slope(_ x: Double) -> Double {
                var v = x * quad + lin
                for r in 0..<n { let zz = z[r] + x * dz[r]; if zz < 0 { v += D[r] * zz * dz[r] } }
                return v
            }
            if slope(0) < 0 {
                for k in 0..<(points.count - 1) where slope(points[k + 1]) >= 0 {
                    // φ′ is linear on [points[k], points[k+1]]: interpolate its root.
                    let a = points[k], bnd = points[k + 1], sa = slope(a), sb = slope(min(bnd, a + 1))
                    let lineSlope = (sb - sa) / (min(bnd, a + 1) - a)
                    best = a - sa / lineSlope
                    break
                }
            }
            #expect(abs(alpha - best) <= 1e-9 * (1 + best), "trial \(trial): alpha \(alpha) vs \(best)")
            #expect(abs(change - (phi(alpha) - phi(0))) <= 1e-9 * (1 + abs(phi(0))))
            #expect(phi(alpha) <= phi(0) + 1e-12)
        }
    }
}
