import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// MetaRL's MJCF compiler against MuJoCo 3.3.0's. Each model under Fixtures/mjcf/ (and the robots
// in Environments/robots/) was compiled by MuJoCo with Tests/DevTools/make_mjcf_fixtures.py (a
// developer script; tests never run MuJoCo) and what MuJoCo produced is stored as JSON beside it.
// Here the same XML goes through MJCF.load and every stored field must agree to 1e-12 (relative
// to max(1, |reference|)); integers and names exactly. Principal-axis quaternions (iquat) are
// compared up to sign, since q and −q are the same rotation; all other quaternions exactly.

let mjcfRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let mjcfFixtures = mjcfRepositoryRoot.appendingPathComponent("Tests/PhysicsTests/Fixtures/mjcf")

/// What MuJoCo 3.3.0 compiled (fields named as in mjModel).
struct MuJoCoModelReference: Decodable {
    let source: String
    let nq, nv, nu, nbody, njnt, ngeom, nsite, nkey: Int
    let qpos0, qpos_spring: [Double]
    let opt_timestep: Double
    let opt_gravity: [Double]
    let opt_integrator, opt_cone, opt_iterations: Int
    let opt_tolerance, opt_impratio: Double
    let body_name: [String]
    let body_parentid: [Int]
    let body_pos, body_quat, body_ipos, body_iquat, body_inertia: [[Double]]
    let body_mass: [Double]
    let jnt_name: [String]
    let jnt_type, jnt_bodyid, jnt_qposadr, jnt_dofadr, jnt_limited: [Int]
    let jnt_axis, jnt_pos, jnt_range, jnt_solref, jnt_solimp: [[Double]]
    let jnt_stiffness, jnt_margin: [Double]
    let dof_damping, dof_armature: [Double]
    let dof_parentid: [Int]
    let geom_name: [String]
    let geom_type, geom_bodyid, geom_contype, geom_conaffinity, geom_condim, geom_priority, geom_group: [Int]
    let geom_size, geom_pos, geom_quat, geom_friction, geom_solref, geom_solimp, geom_rgba: [[Double]]
    let geom_solmix, geom_margin, geom_gap: [Double]
    let site_name: [String]
    let site_bodyid: [Int]
    let site_pos, site_quat, site_size: [[Double]]
    let actuator_name: [String]
    let actuator_trnid, actuator_ctrllimited, actuator_forcelimited, actuator_gaintype, actuator_biastype: [Int]
    let actuator_gear, actuator_gain: [Double]
    let actuator_bias, actuator_ctrlrange, actuator_forcerange: [[Double]]
    let key_name: [String]
    let key_time: [Double]
    let key_qpos, key_qvel, key_ctrl: [[Double]]
}

/// Collects every disagreement, so a failure shows them all.
struct MJCFComparison {
    var mismatches: [String] = []
    static let tolerance = 1e-12

    mutating func same(_ what: String, _ a: Double, _ b: Double) {
        if !(abs(a - b) <= MJCFComparison.tolerance * max(1, abs(b))) { mismatches.append("\(what): MetaRL \(a), MuJoCo \(b)") }
    }
    mutating func same(_ what: String, _ a: [Double], _ b: [Double]) {
        guard a.count == b.count else { mismatches.append("\(what): length \(a.count) vs MuJoCo \(b.count)"); return }
        for i in a.indices { same("\(what)[\(i)]", a[i], b[i]) }
    }
    mutating func same<T: Equatable>(_ what: String, _ a: T, _ b: T) {
        if a != b { mismatches.append("\(what): MetaRL \(a), MuJoCo \(b)") }
    }
    /// Quaternions as rotations: q and −q agree.
    mutating func sameRotation(_ what: String, _ a: Quat, _ b: [Double]) {
        let plus = zip(a.array, b).allSatisfy { abs($0 - $1) <= MJCFComparison.tolerance }
        let minus = zip(a.array, b).allSatisfy { abs($0 + $1) <= MJCFComparison.tolerance }
        if !(plus || minus) { mismatches.append("\(what): MetaRL \(a), MuJoCo \(b) (up to sign)") }
    }
}

func compareWithMuJoCo(_ m: Model, with r: MuJoCoModelReference) -> [String] {
    var c = MJCFComparison()
    c.same("nq", m.nq, r.nq); c.same("nv", m.nv, r.nv); c.same("nu", m.nu, r.nu)
    c.same("nbody", m.bodies.count, r.nbody); c.same("njnt", m.joints.count, r.njnt)
    c.same("ngeom", m.geoms.count, r.ngeom); c.same("nsite", m.sites.count, r.nsite)
    c.same("nkey", m.keyframes.count, r.nkey)
    guard c.mismatches.isEmpty else { return c.mismatches }

    c.same("qpos0", m.qpos0, r.qpos0)
    c.same("qpos_spring", m.qposSpring, r.qpos_spring)
    let o = m.options
    c.same("opt.timestep", o.timestep, r.opt_timestep)
    c.same("opt.gravity", o.gravity.array, r.opt_gravity)
    c.same("opt.integrator", o.integrator == .euler ? 0 : 1, r.opt_integrator)
    c.same("opt.cone", o.cone == .pyramidal ? 0 : 1, r.opt_cone)
    c.same("opt.iterations", o.iterations, r.opt_iterations)
    c.same("opt.tolerance", o.tolerance, r.opt_tolerance)
    c.same("opt.impratio", o.impratio, r.opt_impratio)

    for (i, b) in m.bodies.enumerated() {
        let n = "body \(i) \(b.name)"
        c.same("\(n) name", i == 0 ? "world" : b.name, r.body_name[i])
        if i > 0 { c.same("\(n) parent", b.parent, r.body_parentid[i]) }
        c.same("\(n) pos", b.pos.array, r.body_pos[i])
        c.same("\(n) quat", b.quat.array, r.body_quat[i])
        c.same("\(n) mass", b.mass, r.body_mass[i])
        c.same("\(n) ipos", b.ipos.array, r.body_ipos[i])
        c.sameRotation("\(n) iquat", b.iquat, r.body_iquat[i])
        c.same("\(n) inertia", b.inertia.array, r.body_inertia[i])
    }
    for (i, j) in m.joints.enumerated() {
        let n = "joint \(i) \(j.name)"
        c.same("\(n) name", j.name, r.jnt_name[i])
        c.same("\(n) type", j.type.rawValue, r.jnt_type[i])
        c.same("\(n) body", j.body, r.jnt_bodyid[i])
        c.same("\(n) qposadr", j.qposAdr, r.jnt_qposadr[i])
        c.same("\(n) dofadr", j.dofAdr, r.jnt_dofadr[i])
        c.same("\(n) axis", j.axis.array, r.jnt_axis[i])
        c.same("\(n) pos", j.pos.array, r.jnt_pos[i])
        c.same("\(n) limited", j.limited ? 1 : 0, r.jnt_limited[i])
        c.same("\(n) range", [j.range.0, j.range.1], r.jnt_range[i])
        c.same("\(n) stiffness", j.stiffness, r.jnt_stiffness[i])
        c.same("\(n) margin", j.margin, r.jnt_margin[i])
        c.same("\(n) solreflimit", [j.solver.ref0, j.solver.ref1], r.jnt_solref[i])
        c.same("\(n) solimplimit", j.solver.imp, r.jnt_solimp[i])
    }
    for (i, d) in m.dofs.enumerated() {
        c.same("dof \(i) damping", d.damping, r.dof_damping[i])
        c.same("dof \(i) armature", d.armature, r.dof_armature[i])
        c.same("dof \(i) parent", d.parent, r.dof_parentid[i])
    }
    for (i, g) in m.geoms.enumerated() {
        let n = "geom \(i) \(g.name)"
        c.same("\(n) name", g.name, r.geom_name[i])
        c.same("\(n) type", g.type.rawValue, r.geom_type[i])
        c.same("\(n) body", g.body, r.geom_bodyid[i])
        c.same("\(n) size", g.size.array, r.geom_size[i])
        c.same("\(n) pos", g.pos.array, r.geom_pos[i])
        c.same("\(n) quat", g.quat.array, r.geom_quat[i])
        c.same("\(n) friction", g.friction.array, r.geom_friction[i])
        c.same("\(n) contype", Int(g.contype), r.geom_contype[i])
        c.same("\(n) conaffinity", Int(g.conaffinity), r.geom_conaffinity[i])
        c.same("\(n) condim", g.condim, r.geom_condim[i])
        c.same("\(n) priority", g.priority, r.geom_priority[i])
        c.same("\(n) solmix", g.solmix, r.geom_solmix[i])
        c.same("\(n) solref", [g.solver.ref0, g.solver.ref1], r.geom_solref[i])
        c.same("\(n) solimp", g.solver.imp, r.geom_solimp[i])
        c.same("\(n) margin", g.margin, r.geom_margin[i])
        c.same("\(n) gap", g.gap, r.geom_gap[i])
        // MuJoCo stores colours as 32-bit floats: compare at float precision.
        for (k, x) in [g.rgba.0, g.rgba.1, g.rgba.2, g.rgba.3].enumerated() {
            c.same("\(n) rgba[\(k)] as Float", Double(Float(x)), r.geom_rgba[i][k])
        }
        c.same("\(n) group", g.group, r.geom_group[i])
    }
    for (i, s) in m.sites.enumerated() {
        let n = "site \(i) \(s.name)"
        c.same("\(n) name", s.name, r.site_name[i])
        c.same("\(n) body", s.body, r.site_bodyid[i])
        c.same("\(n) pos", s.pos.array, r.site_pos[i])
        c.same("\(n) quat", s.quat.array, r.site_quat[i])
        c.same("\(n) size", s.size.array, r.site_size[i])
    }
    for (i, a) in m.actuators.enumerated() {
        let n = "actuator \(i) \(a.name)"
        c.same("\(n) name", a.name, r.actuator_name[i])
        c.same("\(n) joint", a.joint, r.actuator_trnid[i])
        c.same("\(n) gear", a.gear, r.actuator_gear[i])
        c.same("\(n) gain", a.gain, r.actuator_gain[i])
        // gaintype must be fixed (0). With biastype none (0) MuJoCo keeps but ignores biasprm
        // (a <motor> in a class whose template is a <position>), so the force has no bias: ours
        // must then be zero. With biastype affine (1) the parameters must agree.
        c.same("\(n) gaintype", r.actuator_gaintype[i], 0)
        let mujocoBias = r.actuator_biastype[i] == 0 ? [0, 0, 0] : r.actuator_bias[i]
        c.same("\(n) bias", [a.bias.0, a.bias.1, a.bias.2], mujocoBias)
        c.same("\(n) biastype none or affine", r.actuator_biastype[i] <= 1, true)
        c.same("\(n) ctrllimited", a.ctrllimited ? 1 : 0, r.actuator_ctrllimited[i])
        c.same("\(n) ctrlrange", [a.ctrlrange.0, a.ctrlrange.1], r.actuator_ctrlrange[i])
        c.same("\(n) forcelimited", a.forcelimited ? 1 : 0, r.actuator_forcelimited[i])
        c.same("\(n) forcerange", [a.forcerange.0, a.forcerange.1], r.actuator_forcerange[i])
    }
    for (i, k) in m.keyframes.enumerated() {
        let n = "key \(i) \(k.name)"
        c.same("\(n) name", k.name, r.key_name[i])
        c.same("\(n) time", k.time, r.key_time[i])
        c.same("\(n) qpos", k.qpos, r.key_qpos[i])
        c.same("\(n) qvel", k.qvel, r.key_qvel[i])
        c.same("\(n) ctrl", k.ctrl, r.key_ctrl[i])
    }
    return c.mismatches
}

func mjcfReferenceNames() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: mjcfFixtures.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
}

@Suite("MJCF against MuJoCo 3.3.0")
struct MJCFReferenceTests {
    @Test("the reference set covers the subset and the robots")
    func coverage() {
        // Guards against a fixture folder that silently went missing.
        let names = Set(mjcfReferenceNames())
        for expected in ["defaults", "orientation", "euler_zyx", "euler_extrinsic", "euler_mixed", "inertia", "joints",
                         "radian", "inertiafromgeom_false", "group_range", "arm7", "arm3"] {
            #expect(names.contains(expected), "missing fixture \(expected).json")
        }
    }

    @Test("compiled model equals MuJoCo's", arguments: mjcfReferenceNames())
    func matchesMuJoCo(_ name: String) throws {
        let data = try Data(contentsOf: mjcfFixtures.appendingPathComponent("\(name).json"))
        let reference = try JSONDecoder().decode(MuJoCoModelReference.self, from: data)
        let model = try MJCF.load(contentsOf: mjcfRepositoryRoot.appendingPathComponent(reference.source))
        let mismatches = compareWithMuJoCo(model, with: reference)
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) mismatches:\n" + mismatches.prefix(30).joined(separator: "\n")))
    }
}
