import Foundation
import Testing
import Numerics
import Physics
import TestSupport

// The whole chain — MJCF file → MJCF.load → forward/step with contacts and limits — against
// MuJoCo 3.3.0's own trajectories of the same files (Fixtures/contact/generate_contact_fixtures.py
// and Fixtures/generate_mujoco_fixtures.py, dev tools that CI never runs).

/// Steps `m` from its first keyframe (or qpos0) and returns the largest qpos difference from the
/// reference rows `step,time,qpos...`.
private func worstDifference(_ m: Model, rows: [[Double]], prepare: (inout Physics.Data) -> Void = { _ in }) -> (Double, Int) {
    var d = Physics.Data(m)
    d.reset(m, keyframe: m.keyframes.isEmpty ? nil : 0)
    prepare(&d)
    var done = 0, worst = 0.0, worstStep = 0
    for row in rows {
        while done < Int(row[0]) { step(m, &d); done += 1 }
        let err = maxAbsDifference(d.qpos, Array(row[2...]))
        if err > worst { worst = err; worstStep = done }
    }
    return (worst, worstStep)
}

@Suite("MJCF files against MuJoCo 3.3.0 trajectories")
struct LoadedModelAgreementTests {
    static let contactScenes = ["tumble", "drop", "incline", "limits", "roll", "frictionless", "torsion", "zerofriction",
                                 "capsule_parallel", "capsule_skew", "capsule_groove", "capsule_cross", "capsule_box_margin", "capsule_box_tumble"]

    @Test("contact and limit scenes agree to 1e-6 in qpos over 2000 steps", arguments: contactScenes)
    func contactScene(_ name: String) throws {
        let m = try MJCF.load(contentsOf: Fixtures.directory.appendingPathComponent("contact/\(name).xml"))
        let (header, rows) = try Fixtures.trajectory("contact/\(name).csv")
        #expect(header.count == 2 + m.nq)
        #expect(rows.last?[0] == 2000)
        let (worst, at) = worstDifference(m, rows: rows)
        #expect(worst < 1e-6, "\(name): max |Δqpos| = \(worst) at step \(at)")
    }

    @Test("smooth-dynamics fixtures loaded through MJCF agree to 1e-6 over 3000 steps",
          arguments: MuJoCoAgreementTests.models, [Integrator.euler, .rk4])
    func smoothFixture(_ name: String, _ integrator: Integrator) throws {
        var text = try String(contentsOf: Fixtures.directory.appendingPathComponent("\(name).xml"), encoding: .utf8)
        if integrator == .rk4 {
            // The generator runs each file under both integrators; select RK4 the same way.
            text = text.replacingOccurrences(of: "integrator=\"Euler\"", with: "integrator=\"RK4\"")
        }
        let m = try MJCF.load(string: text, name: "\(name).xml")
        #expect(m.options.integrator == integrator)
        let (_, rows) = try Fixtures.trajectory("\(name)_\(integrator == .euler ? "euler" : "rk4").csv")
        let (worst, at) = worstDifference(m, rows: rows) { d in
            if let scale = FixtureModels.nonUnitScale[name] { for i in 0..<4 { d.qpos[i] *= scale } }
            FixtureModels.applyForces(name, &d)
        }
        #expect(worst < 1e-6, "\(name) \(integrator): max |Δqpos| = \(worst) at step \(at)")
    }
}
