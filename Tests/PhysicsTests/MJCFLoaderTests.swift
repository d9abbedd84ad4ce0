import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// The MJCF loader's semantics against analytic expectations (rotation identities, unit
// conversions, defaults inheritance, actuator parameters) rather than against MuJoCo; the
// MuJoCo comparison is MJCFReferenceTests. A coverage test checks that every attribute of the
// subset appears in a MuJoCo reference model.

func loadMJCF(_ xml: String) throws -> Model { try MJCF.load(string: xml, name: "test.xml") }

func isSameMJCFRotation(_ a: Quat, _ b: Quat, tol: Double = 1e-12) -> Bool {
    let d = abs(a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z)
    return abs(d - 1) <= tol
}

@Suite("MJCF loader")
struct MJCFLoaderTests {
    @Test("load(string:) and load(contentsOf:) build the same model; the model is named")
    func entryPoints() throws {
        let url = mjcfRepositoryRoot.appendingPathComponent("Environments/robots/arm3.xml")
        let fromFile = try MJCF.load(contentsOf: url)
        let fromString = try MJCF.load(string: String(contentsOf: url, encoding: .utf8))
        #expect(fromFile.name == "arm3" && fromString.name == "arm3")
        #expect(fromFile.qpos0 == fromString.qpos0 && fromFile.bodies.map(\.inertia) == fromString.bodies.map(\.inertia))
        #expect(try loadMJCF("<mujoco/>").name == "MuJoCo Model")
        let empty = try loadMJCF("<mujoco/>")
        #expect(empty.bodies.count == 1 && empty.nq == 0 && empty.nv == 0 && empty.nu == 0)
    }

    @Test("euler: intrinsic xyz is q_x·q_y·q_z; extrinsic XYZ(a,b,c) equals intrinsic zyx(c,b,a)")
    func euler() throws {
        let (a, b, c) = (0.3, -1.2, 2.5)
        let xyz = try loadMJCF("<mujoco><compiler angle=\"radian\"/><worldbody><body euler=\"\(a) \(b) \(c)\"/></worldbody></mujoco>")
        let product = Quat(axis: .unitX, angle: a) * Quat(axis: .unitY, angle: b) * Quat(axis: .unitZ, angle: c)
        #expect(isSameMJCFRotation(xyz.bodies[1].quat, product))
        let extrinsic = try loadMJCF("<mujoco><compiler angle=\"radian\" eulerseq=\"XYZ\"/><worldbody><body euler=\"\(a) \(b) \(c)\"/></worldbody></mujoco>")
        let intrinsic = try loadMJCF("<mujoco><compiler angle=\"radian\" eulerseq=\"zyx\"/><worldbody><body euler=\"\(c) \(b) \(a)\"/></worldbody></mujoco>")
        #expect(isSameMJCFRotation(extrinsic.bodies[1].quat, intrinsic.bodies[1].quat))
        #expect(!isSameMJCFRotation(extrinsic.bodies[1].quat, xyz.bodies[1].quat, tol: 1e-3))
    }

    @Test("degrees by default: angles convert, slide values and keyframes do not")
    func degrees() throws {
        let body = """
        <worldbody><body euler="90 0 0" axisangle_placeholder>
          <joint name="h" range="-90 45" ref="30" springref="60"/>
          <joint name="s" type="slide" range="-90 45" ref="30" springref="60"/>
          <geom size="0.1" axisangle="0 0 1 180"/>
        </body></worldbody><keyframe><key qpos="90 90"/></keyframe>
        """.replacingOccurrences(of: " axisangle_placeholder", with: "")
        let deg = try loadMJCF("<mujoco>\(body)</mujoco>")
        let d2r = Double.pi / 180
        #expect(isSameMJCFRotation(deg.bodies[1].quat, Quat(axis: .unitX, angle: Double.pi / 2)))
        #expect(isSameMJCFRotation(deg.geoms[0].quat, Quat(axis: .unitZ, angle: Double.pi)))
        let h = deg.joints[0], s = deg.joints[1]
        #expect(isClose(h.range.0, -90 * d2r, rtol: 1e-15) && isClose(h.range.1, 45 * d2r, rtol: 1e-15))
        #expect(isClose(h.ref, 30 * d2r, rtol: 1e-15) && isClose(h.springref, 60 * d2r, rtol: 1e-15))
        #expect(s.range == (-90, 45) && s.ref == 30 && s.springref == 60)
        #expect(isClose(deg.qpos0[0], 30 * d2r, rtol: 1e-15) && deg.qpos0[1] == 30)
        #expect(deg.keyframes[0].qpos == [90, 90])
        let rad = try loadMJCF("<mujoco><compiler angle=\"radian\"/>\(body)</mujoco>")
        #expect(rad.joints[0].range == (-90, 45) && rad.joints[0].ref == 30)
    }

    @Test("xyaxes, zaxis, axisangle and quat give the frames they describe")
    func frames() throws {
        let m = try loadMJCF("""
        <mujoco><compiler angle="radian"/><worldbody>
          <site xyaxes="2 0 0 1 3 0"/>
          <site zaxis="1 2 2"/>
          <site zaxis="0 0 -5"/>
          <site axisangle="1 1 1 2.0"/>
          <site quat="2 0 0 2"/>
        </worldbody></mujoco>
        """)
        let r = m.sites[0].quat.matrix
        #expect(isClose(r.column0, .unitX, atol: 1e-15) && isClose(r.column1, .unitY, atol: 1e-15))
        #expect(isClose(m.sites[1].quat.rotate(.unitZ), Vec3(1, 2, 2) / 3, atol: 1e-15))
        #expect(isSameMJCFRotation(m.sites[2].quat, Quat(0, 1, 0, 0)))
        let axis = Vec3(1, 1, 1).normalized()
        #expect(isClose(m.sites[3].quat.rotate(axis), axis, atol: 1e-15))
        #expect(isClose(m.sites[3].quat.w, cos(1.0), rtol: 1e-14))
        #expect(isClose(m.sites[4].quat.w, 0.5.squareRoot(), rtol: 1e-15) && isClose(m.sites[4].quat.z, 0.5.squareRoot(), rtol: 1e-15))
    }

    @Test("fromto: midpoint, half-length, and +z along p1 − p2 (MuJoCo 3.3)")
    func fromto() throws {
        let m = try loadMJCF("""
        <mujoco><worldbody>
          <geom type="capsule" size="0.05" fromto="0 0 0 0.3 0.4 0"/>
          <geom type="cylinder" size="0.02 9" fromto="1 1 1 1 1 3"/>
          <geom type="box" size="0.03" fromto="0 0 0 0 0.2 0"/>
        </worldbody></mujoco>
        """)
        let g = m.geoms
        #expect(isClose(g[0].pos, Vec3(0.15, 0.2, 0), atol: 1e-15) && isClose(g[0].size.y, 0.25, rtol: 1e-15))
        #expect(isClose(g[0].quat.rotate(.unitZ), Vec3(-0.6, -0.8, 0), atol: 1e-15))
        #expect(g[1].size.x == 0.02 && g[1].size.y == 1 && isClose(g[1].quat.rotate(.unitZ), -Vec3.unitZ, atol: 1e-15))
        #expect(g[2].size == Vec3(0.03, 0.03, 0.1) && isClose(g[2].quat.rotate(.unitZ), -Vec3.unitY, atol: 1e-15))
    }

    @Test("defaults: nested classes inherit then override; childclass reaches nested bodies; own values win")
    func defaults() throws {
        let m = try loadMJCF("""
        <mujoco><default>
          <joint damping="1" armature="0.5"/>
          <geom friction="0.7" size="0.1"/>
          <default class="a"><joint damping="2"/>
            <default class="b"><joint stiffness="3"/><geom friction="0.2 0.01"/></default>
          </default>
        </default>
        <worldbody>
          <body name="p" childclass="b"><joint name="j1"/><geom/>
            <body name="q"><joint name="j2" damping="9"/><joint name="j3" class="main"/><geom class="a"/>
              <site/>
            </body>
          </body>
        </worldbody></mujoco>
        """)
        let j = m.joints
        #expect(j[0].damping == 2 && j[0].armature == 0.5 && j[0].stiffness == 3)
        #expect(j[1].damping == 9 && j[1].stiffness == 3)
        #expect(j[2].damping == 1 && j[2].stiffness == 0)
        // Partial friction fills the rest from the class chain, then MuJoCo's defaults.
        #expect(m.geoms[0].friction == Vec3(0.2, 0.01, 0.0001))
        #expect(m.geoms[1].friction == Vec3(0.7, 0.005, 0.0001))
        #expect(m.sites[0].size == Vec3(0.005, 0.005, 0.005))
        // Class main exists without any <default>.
        let bare = try loadMJCF("<mujoco><worldbody><body childclass=\"main\"><geom class=\"main\" size=\"1\"/></body></worldbody></mujoco>")
        #expect(bare.geoms[0].size.x == 1)
    }

    @Test("an XML declaration and comments are accepted")
    func prolog() throws {
        let m = try loadMJCF("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- a comment -->\n<mujoco model=\"p\"><!-- inside --><worldbody/></mujoco>")
        #expect(m.name == "p")
    }

    @Test("autolimits: a range with lo < hi limits the joint; 0 0 or an explicit false does not")
    func autolimits() throws {
        let m = try loadMJCF("""
        <mujoco><worldbody><body><geom size="1"/>
          <joint range="-1 1"/><joint range="0 0" type="slide"/><joint range="-1 1" limited="false" type="slide"/>
        </body></worldbody></mujoco>
        """)
        #expect(m.joints.map(\.limited) == [true, false, false])
    }

    @Test("actuators: motor, position and velocity parameters; a class's velocity kv feeds a position's kp")
    func actuators() throws {
        let m = try loadMJCF("""
        <mujoco><default><default class="v"><velocity kv="8"/></default></default>
        <worldbody><body><joint name="j"/><geom size="1"/></body></worldbody>
        <actuator>
          <motor joint="j" gear="2" ctrlrange="-1 1"/>
          <position joint="j" kp="30" kv="4" forcerange="-5 5"/>
          <velocity joint="j" kv="6"/>
          <position joint="j" class="v"/>
          <position joint="j"/>
        </actuator></mujoco>
        """)
        let a = m.actuators
        #expect(a[0].kind == .motor && a[0].gain == 1 && a[0].bias == (0, 0, 0) && a[0].gear == 2)
        #expect(a[0].ctrllimited && a[0].ctrlrange == (-1, 1) && !a[0].forcelimited)
        #expect(a[1].gain == 30 && a[1].bias == (0, -30, -4) && a[1].forcelimited && !a[1].ctrllimited)
        #expect(a[2].gain == 6 && a[2].bias == (0, 0, -6))
        #expect(a[3].gain == 8 && a[3].bias == (0, -8, -8))
        #expect(a[4].gain == 1 && a[4].bias == (0, -1, 0))
    }

    @Test("keyframes: omitted fields are qpos0 and zeros; quaternions are normalized")
    func keyframes() throws {
        let m = try loadMJCF("""
        <mujoco><worldbody><body pos="0 0 1"><freejoint/><geom size="1"/></body>
          <body><joint name="h" ref="10"/><geom size="1"/></body></worldbody>
        <actuator><motor joint="h"/></actuator>
        <keyframe><key time="2" qvel="1 2 3 4 5 6 7"/><key qpos="1 2 3 0 0 0 2 0.5" ctrl="3"/></keyframe></mujoco>
        """)
        let k = m.keyframes
        #expect(k[0].time == 2 && k[0].qpos == m.qpos0 && k[0].ctrl == [0] && k[0].qvel == [1, 2, 3, 4, 5, 6, 7])
        #expect(k[1].qpos == [1, 2, 3, 0, 0, 0, 1, 0.5] && k[1].qvel == Array(repeating: 0, count: 7) && k[1].ctrl == [3])
        #expect(isClose(m.qpos0[7], 10 * Double.pi / 180, rtol: 1e-15))
    }

    @Test("options: MuJoCo's defaults, and every field settable")
    func options() throws {
        let d = try loadMJCF("<mujoco/>").options
        #expect(d == Options())
        #expect(d.timestep == 0.002 && d.gravity == Vec3(0, 0, -9.81) && d.integrator == .euler && d.cone == .pyramidal)
        #expect(d.iterations == 100 && d.tolerance == 1e-8 && d.impratio == 1)
        let o = try loadMJCF("""
        <mujoco><option timestep="0.01" gravity="0 0 -1" integrator="RK4" cone="pyramidal" iterations="7" tolerance="0.5" impratio="3"/></mujoco>
        """).options
        #expect(o.timestep == 0.01 && o.gravity == Vec3(0, 0, -1) && o.integrator == .rk4 && o.cone == .pyramidal)
        #expect(o.iterations == 7 && o.tolerance == 0.5 && o.impratio == 3)
    }

    @Test("inertiafromgeom: auto prefers <inertial>, true prefers geoms, false ignores geoms")
    func inertiaFromGeom() throws {
        func body(_ setting: String) throws -> Body {
            try loadMJCF("""
            <mujoco><compiler inertiafromgeom="\(setting)"/><worldbody><body><joint/>
              <inertial pos="0 0 0" mass="3" diaginertia="1 1 1"/><geom size="0.1"/>
            </body></worldbody></mujoco>
            """).bodies[1]
        }
        let sphereMass = 1000 * 4.0 / 3.0 * Double.pi * 0.001
        #expect(try body("auto").mass == 3)
        #expect(isClose(try body("true").mass, sphereMass, rtol: 1e-15))
        #expect(try body("false").mass == 3)
        let balanced = try loadMJCF("""
        <mujoco><compiler balanceinertia="true"/><worldbody><body><joint/>
          <inertial pos="0 0 0" mass="1" diaginertia="1 1 4"/></body></worldbody></mujoco>
        """)
        #expect(balanced.bodies[1].inertia == Vec3(2, 2, 2))
    }

    @Test("arm7 has the brief's structure: 9 dofs, Panda torque limits, fingers 0–0.04 m, grip sites, home key")
    func arm7() throws {
        let m = try MJCF.load(contentsOf: mjcfRepositoryRoot.appendingPathComponent("Environments/robots/arm7.xml"))
        #expect(m.nq == 9 && m.nv == 9 && m.nu == 9)
        #expect(m.actuators.prefix(7).map(\.forcerange.1) == [87, 87, 87, 87, 12, 12, 12])
        #expect(m.actuators.allSatisfy { $0.ctrllimited && $0.forcelimited && $0.kind == .motor })
        #expect(m.actuators.suffix(2).allSatisfy { $0.forcerange == (-70, 70) })
        let fingers = m.joints.suffix(2)
        #expect(fingers.allSatisfy { $0.type == .slide && $0.limited && $0.range == (0, 0.04) })
        #expect(m.site(named: "grip") != nil && m.site(named: "left_pad") != nil && m.site(named: "right_pad") != nil)
        let home = try #require(m.keyframe(named: "home"))
        #expect(m.keyframes[home].qpos.suffix(2) == [0.04, 0.04])
        #expect(m.joints.prefix(7).allSatisfy { $0.damping > 0 && $0.armature > 0 && $0.limited })
        // The home pose is inside every joint's range.
        for (j, q) in zip(m.joints, m.keyframes[home].qpos) { #expect(q >= j.range.0 && q <= j.range.1) }
        // Robot geoms (contype 2) never pair with each other, but do pair with the table (1/1).
        let table = try #require(m.geom(named: "table")), pad = try #require(m.geom(named: "left_pad"))
        let link = try #require(m.geom(named: "link4_col"))
        func pairs(_ a: Geom, _ b: Geom) -> Bool { (a.contype & b.conaffinity) != 0 || (b.contype & a.conaffinity) != 0 }
        #expect(pairs(m.geoms[pad], m.geoms[table]) && pairs(m.geoms[link], m.geoms[table]))
        #expect(!pairs(m.geoms[pad], m.geoms[link]))
    }

    @Test("every attribute of the subset appears in a MuJoCo reference model")
    func attributeCoverage() throws {
        var seen = Set<String>()
        func visit(_ node: XMLNode, inDefault: Bool) {
            for a in node.attributes { seen.insert("\(node.name).\(a.name)") }
            for c in node.children { visit(c, inDefault: inDefault || node.name == "default") }
        }
        let sources = try FileManager.default.contentsOfDirectory(atPath: mjcfFixtures.path).filter { $0.hasSuffix(".xml") }
            .map { mjcfFixtures.appendingPathComponent($0) }
            + ["arm7", "arm3"].map { mjcfRepositoryRoot.appendingPathComponent("Environments/robots/\($0).xml") }
        for url in sources {
            visit(try XMLTree.parse(String(contentsOf: url, encoding: .utf8), file: url.path), inDefault: false)
        }
        let schemas: [(String, [String: AttrType])] = [
            ("mujoco", Schema.mujoco), ("compiler", Schema.compiler), ("option", Schema.option), ("body", Schema.body),
            ("inertial", Schema.inertial), ("joint", Schema.joint), ("freejoint", Schema.freejoint), ("geom", Schema.geom),
            ("site", Schema.site), ("motor", Schema.actuator(.motor)), ("position", Schema.actuator(.position)),
            ("velocity", Schema.actuator(.velocity)), ("key", Schema.key), ("default", Schema.defaultElement),
        ]
        var missing: [String] = []
        for (element, schema) in schemas {
            for attribute in schema.keys where !seen.contains("\(element).\(attribute)") { missing.append("\(element).\(attribute)") }
        }
        #expect(missing.isEmpty, Comment(rawValue: "not exercised against MuJoCo: \(missing.sorted())"))
    }
}
