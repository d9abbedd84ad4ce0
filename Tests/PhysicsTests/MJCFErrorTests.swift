import Foundation
import Testing
import Numerics
@testable import Physics

// Every error path of the MJCF loader: the error must be an MJCFError of the right kind whose
// message names the file, the line, the element and the attribute, and says what was expected
// and found. The expected lines are counted in the literal XML below (line 1 = first line).

/// Loads `xml` as "bad.xml" and checks the error it must raise.
func expectMJCFError(_ xml: String, _ kind: MJCFError.Kind, line: Int?, element: String?, attribute: String? = nil,
                     mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try MJCF.load(string: xml, name: "bad.xml")
        Issue.record("expected an MJCFError (\(kind)), but the model loaded", sourceLocation: sourceLocation)
    } catch let e as MJCFError {
        #expect(e.kind == kind, "kind \(e.kind): \(e)", sourceLocation: sourceLocation)
        #expect(e.file == "bad.xml", sourceLocation: sourceLocation)
        #expect(e.line == line, "line \(String(describing: e.line)): \(e)", sourceLocation: sourceLocation)
        #expect(e.element == element, "element: \(e)", sourceLocation: sourceLocation)
        #expect(e.attribute == attribute, "attribute: \(e)", sourceLocation: sourceLocation)
        let text = e.description
        var parts = ["bad.xml" + (line.map { ":\($0)" } ?? "")]
        if let element { parts.append("<\(element)>") }
        if let attribute { parts.append("'\(attribute)'") }
        for fragment in parts + mentions {
            #expect(text.contains(fragment), "message lacks \"\(fragment)\": \(text)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected an MJCFError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// A one-body model around `body` (the body's elements), with extra top-level sections.
func mjcfWorld(_ inner: String, _ extra: String = "") -> String {
    "<mujoco>\n<worldbody>\n\(inner)\n</worldbody>\n\(extra)\n</mujoco>"
}

@Suite("MJCF errors")
struct MJCFErrorTests {
    // MARK: Files and XML

    @Test("a missing file names its path")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/robot.xml")
        do {
            _ = try MJCF.load(contentsOf: url)
            Issue.record("loaded a missing file")
        } catch let e as MJCFError {
            #expect(e.kind == .unreadableFile)
            #expect(e.description.contains("/nonexistent/dir/robot.xml"))
            #expect(e.description.contains("cannot read"))
        } catch { Issue.record("\(error)") }
    }

    @Test("malformed XML reports the parser's line")
    func malformed() {
        expectMJCFError("<mujoco>\n<worldbody>\n<body>\n</worldbody>\n</mujoco>", .malformedXML, line: 4, element: nil,
                        mentions: ["malformed XML", "open elements: <mujoco> (line 1) > <worldbody> (line 2) > <body> (line 3)"])
        // An unterminated attribute value runs to the end of the input, where the parser stops.
        expectMJCFError("<mujoco>\n<worldbody a=\"1>\n</mujoco>", .malformedXML, line: 3, element: nil)
    }

    @Test("the root must be <mujoco>")
    func root() {
        expectMJCFError("<robot>\n</robot>", .unknownElement, line: 1, element: "robot", mentions: ["expected the root element <mujoco>"])
    }

    @Test("text inside elements is rejected")
    func text() {
        expectMJCFError("<mujoco>\n<worldbody>hello</worldbody>\n</mujoco>", .badValue, line: 2, element: "worldbody",
                        mentions: ["found text \"hello\""])
    }

    // MARK: Elements and attributes outside the subset

    @Test("unknown and unsupported elements are errors, never ignored")
    func elements() {
        expectMJCFError("<mujoco>\n<worldbodyy/>\n</mujoco>", .unknownElement, line: 2, element: "worldbodyy",
                        mentions: ["unknown element", "<worldbody>"])
        expectMJCFError("<mujoco>\n<asset>\n<mesh file=\"a.stl\"/>\n</asset>\n</mujoco>", .unknownElement, line: 2,
                        element: "asset", mentions: ["outside MetaRL's MJCF subset"])
        expectMJCFError("<mujoco>\n<tendon/>\n</mujoco>", .unknownElement, line: 2, element: "tendon", mentions: ["outside"])
        expectMJCFError("<mujoco>\n<equality/>\n</mujoco>", .unknownElement, line: 2, element: "equality", mentions: ["outside"])
        expectMJCFError(mjcfWorld("<body>\n<camera/>\n</body>"), .unknownElement, line: 4, element: "camera", mentions: ["outside"])
        expectMJCFError(mjcfWorld("<joint/>"), .unknownElement, line: 3, element: "joint", mentions: ["not allowed inside <worldbody>"])
        expectMJCFError(mjcfWorld("<geom size=\"1\">\n<site/>\n</geom>"), .unknownElement, line: 4, element: "site",
                        mentions: ["no child elements"])
        expectMJCFError("<mujoco>\n<actuator>\n<general joint=\"j\"/>\n</actuator>\n</mujoco>", .unknownElement, line: 3,
                        element: "general", mentions: ["<motor>"])
        expectMJCFError("<mujoco>\n<keyframe>\n<keys/>\n</keyframe>\n</mujoco>", .unknownElement, line: 3, element: "keys")
        expectMJCFError("<mujoco>\n<default>\n<inertial/>\n</default>\n</mujoco>", .unknownElement, line: 3, element: "inertial")
    }

    @Test("unknown attributes name themselves and their line inside a multi-line element")
    func attributes() {
        let xml = """
        <mujoco>
        <worldbody>
        <geom type="sphere"
              size="0.1"
              mesh="bunny"/>
        </worldbody>
        </mujoco>
        """
        expectMJCFError(xml, .unknownAttribute, line: 5, element: "geom", attribute: "mesh", mentions: ["unknown attribute", "size"])
        expectMJCFError(mjcfWorld("<body>\n<joint frictionloss=\"1\"/>\n<geom size=\"1\"/>\n</body>"), .unknownAttribute, line: 4,
                        element: "joint", attribute: "frictionloss")
        expectMJCFError("<mujoco>\n<compiler coordinate=\"local\"/>\n</mujoco>", .unknownAttribute, line: 2, element: "compiler",
                        attribute: "coordinate")
        expectMJCFError("<mujoco>\n<option noslip_iterations=\"3\"/>\n</mujoco>", .unknownAttribute, line: 2, element: "option",
                        attribute: "noslip_iterations")
        expectMJCFError("<mujoco>\n<default>\n<geom name=\"g\"/>\n</default>\n</mujoco>", .unknownAttribute, line: 3,
                        element: "geom", attribute: "name")
        expectMJCFError("<mujoco>\n<default>\n<motor joint=\"j\"/>\n</default>\n</mujoco>", .unknownAttribute, line: 3,
                        element: "motor", attribute: "joint")
        expectMJCFError("<mujoco>\n<default>\n<geom euler=\"0 0 1\"/>\n</default>\n</mujoco>", .unknownAttribute, line: 3,
                        element: "geom", attribute: "euler")
        expectMJCFError("<mujoco>\n<actuator>\n<motor joint=\"j\" kp=\"3\"/>\n</actuator>\n</mujoco>", .unknownAttribute,
                        line: 3, element: "motor", attribute: "kp")
        expectMJCFError("<mujoco>\n<worldbody name=\"w\"/>\n</mujoco>", .unknownAttribute, line: 2, element: "worldbody",
                        attribute: "name", mentions: ["no attributes"])
    }

    // MARK: Values

    @Test("bad numbers: not a number, NaN, infinity, wrong count, negative")
    func numbers() {
        expectMJCFError(mjcfWorld("<geom size=\"abc\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["expected a number", "abc"])
        expectMJCFError(mjcfWorld("<geom size=\"nan\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["finite", "nan"])
        expectMJCFError(mjcfWorld("<geom size=\"0.1\" pos=\"0 inf 0\"/>"), .badValue, line: 3, element: "geom", attribute: "pos",
                        mentions: ["finite"])
        expectMJCFError(mjcfWorld("<geom size=\"0.1\" pos=\"0 1\"/>"), .badValue, line: 3, element: "geom", attribute: "pos",
                        mentions: ["expected 3 numbers, found 2"])
        expectMJCFError(mjcfWorld("<geom size=\"0.1 0.1 0.1 0.1\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["expected 1 to 3 numbers, found 4"])
        expectMJCFError(mjcfWorld("<body>\n<geom size=\"0.1\" mass=\"-1\"/>\n</body>"), .badValue, line: 4, element: "geom",
                        attribute: "mass", mentions: ["non-negative", "-1"])
        expectMJCFError(mjcfWorld("<geom size=\"0.1\" density=\"-5\"/>"), .badValue, line: 3, element: "geom", attribute: "density")
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"-2\" diaginertia=\"1 1 1\"/>\n</body>"), .badValue,
                        line: 4, element: "inertial", attribute: "mass", mentions: ["non-negative"])
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"1\" diaginertia=\"1 -1 1\"/>\n</body>"), .badValue,
                        line: 4, element: "inertial", attribute: "diaginertia")
        expectMJCFError(mjcfWorld("<geom size=\"-0.1\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["size[0] > 0", "-0.1"])
        expectMJCFError(mjcfWorld("<geom type=\"box\" size=\"0.1 0.2\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["size[2] > 0"])
        expectMJCFError(mjcfWorld("<geom type=\"capsule\"/>"), .badValue, line: 3, element: "geom", attribute: "size",
                        mentions: ["no size given"])
        expectMJCFError(mjcfWorld("<geom type=\"plane\" size=\"-1 1 1\"/>"), .badValue, line: 3, element: "geom", attribute: "size")
        expectMJCFError(mjcfWorld("<site size=\"0\"/>"), .badValue, line: 3, element: "site", attribute: "size")
        expectMJCFError(mjcfWorld("<body>\n<joint damping=\"-1\"/>\n<geom size=\"1\"/>\n</body>"), .badValue, line: 4,
                        element: "joint", attribute: "damping")
        expectMJCFError(mjcfWorld("<geom size=\"1\" friction=\"1 -0.1\"/>"), .badValue, line: 3, element: "geom", attribute: "friction")
        expectMJCFError(mjcfWorld("<geom size=\"1\" rgba=\"1 0 0\"/>"), .badValue, line: 3, element: "geom", attribute: "rgba",
                        mentions: ["expected 4 numbers, found 3"])
        expectMJCFError("<mujoco>\n<option timestep=\"0\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "timestep", mentions: ["positive timestep"])
        expectMJCFError("<mujoco>\n<option impratio=\"-1\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "impratio")
        expectMJCFError("<mujoco>\n<option gravity=\"0 0\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "gravity")
        expectMJCFError("<mujoco>\n<option tolerance=\"-1e-8\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "tolerance")
    }

    @Test("bad integers, booleans and keywords")
    func keywords() {
        expectMJCFError(mjcfWorld("<geom size=\"1\" contype=\"1.5\"/>"), .badValue, line: 3, element: "geom", attribute: "contype",
                        mentions: ["integer"])
        expectMJCFError(mjcfWorld("<geom size=\"1\" conaffinity=\"-1\"/>"), .badValue, line: 3, element: "geom",
                        attribute: "conaffinity", mentions: ["≥ 0"])
        expectMJCFError(mjcfWorld("<geom size=\"1\" contype=\"4294967296\"/>"), .badValue, line: 3, element: "geom",
                        attribute: "contype", mentions: ["32-bit"])
        expectMJCFError("<mujoco>\n<compiler inertiagrouprange=\"0 1e300\"/>\n</mujoco>", .badValue, line: 2,
                        element: "compiler", attribute: "inertiagrouprange")
        expectMJCFError(mjcfWorld("<site size=\"0.1 -1\"/>"), .badValue, line: 3, element: "site", attribute: "size")
        expectMJCFError(mjcfWorld("<geom size=\"1\" condim=\"2\"/>"), .badValue, line: 3, element: "geom", attribute: "condim",
                        mentions: ["1, 3, 4 or 6"])
        expectMJCFError("<mujoco>\n<option iterations=\"many\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "iterations")
        expectMJCFError("<mujoco>\n<option integrator=\"implicitfast\"/>\n</mujoco>", .badValue, line: 2, element: "option",
                        attribute: "integrator", mentions: ["Euler, RK4", "implicitfast"])
        expectMJCFError("<mujoco>\n<option cone=\"round\"/>\n</mujoco>", .badValue, line: 2, element: "option", attribute: "cone")
        expectMJCFError(mjcfWorld("<geom type=\"ellipsoid\" size=\"1 1 1\"/>"), .badValue, line: 3, element: "geom",
                        attribute: "type", mentions: ["plane, sphere, capsule, cylinder, box"])
        expectMJCFError(mjcfWorld("<site type=\"mesh\"/>"), .badValue, line: 3, element: "site", attribute: "type")
        expectMJCFError(mjcfWorld("<body>\n<joint type=\"universal\"/>\n</body>"), .badValue, line: 4, element: "joint", attribute: "type")
        expectMJCFError("<mujoco>\n<compiler angle=\"grad\"/>\n</mujoco>", .badValue, line: 2, element: "compiler",
                        attribute: "angle")
        expectMJCFError("<mujoco>\n<compiler eulerseq=\"xyw\"/>\n</mujoco>", .badValue, line: 2, element: "compiler",
                        attribute: "eulerseq", mentions: ["three letters"])
        expectMJCFError("<mujoco>\n<compiler autolimits=\"yes\"/>\n</mujoco>", .badValue, line: 2, element: "compiler",
                        attribute: "autolimits", mentions: ["true or false"])
        expectMJCFError("<mujoco>\n<compiler inertiafromgeom=\"maybe\"/>\n</mujoco>", .badValue, line: 2, element: "compiler",
                        attribute: "inertiafromgeom", mentions: ["true, false or auto"])
        expectMJCFError("<mujoco>\n<compiler inertiagrouprange=\"0 2.5\"/>\n</mujoco>", .badValue, line: 2,
                        element: "compiler", attribute: "inertiagrouprange")
        expectMJCFError(mjcfWorld("<body>\n<joint limited=\"yes\" range=\"0 1\"/>\n<geom size=\"1\"/>\n</body>"), .badValue,
                        line: 4, element: "joint", attribute: "limited")
    }

    @Test("orientation and frame errors")
    func orientation() {
        expectMJCFError(mjcfWorld("<geom size=\"1\" quat=\"1 0 0 0\" euler=\"0 0 10\"/>"), .badValue, line: 3, element: "geom",
                        attribute: "euler", mentions: ["at most one orientation", "quat and euler"])
        expectMJCFError(mjcfWorld("<body quat=\"0 0 0 0\"/>"), .badValue, line: 3, element: "body", attribute: "quat",
                        mentions: ["non-zero quaternion"])
        expectMJCFError(mjcfWorld("<site axisangle=\"0 0 0 30\"/>"), .badValue, line: 3, element: "site", attribute: "axisangle")
        expectMJCFError(mjcfWorld("<site xyaxes=\"1 0 0 2 0 0\"/>"), .badValue, line: 3, element: "site", attribute: "xyaxes",
                        mentions: ["non-parallel"])
        expectMJCFError(mjcfWorld("<site zaxis=\"0 0 0\"/>"), .badValue, line: 3, element: "site", attribute: "zaxis")
        expectMJCFError(mjcfWorld("<body>\n<joint axis=\"0 0 0\"/>\n<geom size=\"1\"/>\n</body>"), .invalidModel, line: 4,
                        element: "joint", attribute: "axis", mentions: ["non-zero axis"])
        expectMJCFError(mjcfWorld("<geom type=\"sphere\" size=\"1\" fromto=\"0 0 0 1 0 0\"/>"), .badValue, line: 3,
                        element: "geom", attribute: "fromto", mentions: ["capsule, cylinder and box"])
        expectMJCFError(mjcfWorld("<geom type=\"capsule\" size=\"1\" pos=\"1 0 0\" fromto=\"0 0 0 1 0 0\"/>"), .badValue, line: 3,
                        element: "geom", attribute: "fromto", mentions: ["pos"])
        expectMJCFError(mjcfWorld("<geom type=\"capsule\" size=\"1\" fromto=\"1 0 0 1 0 0\"/>"), .badValue, line: 3,
                        element: "geom", attribute: "fromto", mentions: ["distinct"])
        expectMJCFError(mjcfWorld("<geom type=\"capsule\" size=\"1\" fromto=\"1 0 0 1 0\"/>"), .badValue, line: 3,
                        element: "geom", attribute: "fromto", mentions: ["expected 6 numbers, found 5"])
    }

    // MARK: Names

    @Test("unknown names: joints, classes, childclasses")
    func unknownNames() {
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>",
                              "<actuator>\n<motor joint=\"nope\"/>\n</actuator>"), .unknownName, line: 9,
                        element: "motor", attribute: "joint", mentions: ["no joint named \"nope\""])
        expectMJCFError(mjcfWorld("<geom size=\"1\" class=\"nope\"/>"), .unknownName, line: 3, element: "geom", attribute: "class",
                        mentions: ["no defaults class named \"nope\""])
        expectMJCFError(mjcfWorld("<body childclass=\"ghost\">\n</body>"), .unknownName, line: 3, element: "body",
                        attribute: "childclass")
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>",
                              "<actuator>\n<position joint=\"j\" class=\"x\"/>\n</actuator>"), .unknownName, line: 9,
                        element: "position", attribute: "class")
    }

    @Test("duplicate names within a kind")
    func duplicates() {
        expectMJCFError(mjcfWorld("<body name=\"a\"/>\n<body name=\"a\"/>"), .duplicateName, line: 4, element: "body",
                        attribute: "name", mentions: ["repeated body name \"a\"", "line 3"])
        expectMJCFError(mjcfWorld("<body name=\"world\"/>"), .duplicateName, line: 3, element: "body", attribute: "name")
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>"),
                        .duplicateName, line: 5, element: "joint", attribute: "name")
        expectMJCFError(mjcfWorld("<geom name=\"g\" size=\"1\"/>\n<geom name=\"g\" size=\"1\"/>"), .duplicateName, line: 4,
                        element: "geom", attribute: "name")
        expectMJCFError(mjcfWorld("<site name=\"s\"/>\n<site name=\"s\"/>"), .duplicateName, line: 4, element: "site", attribute: "name")
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>",
                              "<actuator>\n<motor name=\"m\" joint=\"j\"/>\n<motor name=\"m\" joint=\"j\"/>\n</actuator>"),
                        .duplicateName, line: 10, element: "actuator", attribute: "name")
        expectMJCFError(mjcfWorld("", "<keyframe>\n<key name=\"k\"/>\n<key name=\"k\"/>\n</keyframe>"), .duplicateName, line: 7,
                        element: "key", attribute: "name")
        expectMJCFError("<mujoco>\n<default>\n<default class=\"a\"/>\n<default class=\"a\"/>\n</default>\n</mujoco>",
                        .duplicateName, line: 4, element: "default", attribute: "class")
    }

    // MARK: Defaults

    @Test("defaults structure")
    func defaults() {
        expectMJCFError("<mujoco>\n<default>\n<default/>\n</default>\n</mujoco>", .missingAttribute, line: 3, element: "default",
                        mentions: ["needs class"])
        expectMJCFError("<mujoco>\n<default/>\n<default/>\n</mujoco>", .badValue, line: 3, element: "default",
                        mentions: ["at most one top-level"])
        expectMJCFError("<mujoco>\n<default class=\"arm\"/>\n</mujoco>", .badValue, line: 2, element: "default",
                        attribute: "class", mentions: ["main"])
        expectMJCFError("<mujoco>\n<default>\n<geom size=\"x\"/>\n</default>\n</mujoco>", .badValue, line: 3, element: "geom",
                        attribute: "size")
    }

    // MARK: Joints, limits, actuators, keyframes

    @Test("joint structure: free joints, dof count, ball order")
    func jointStructure() {
        expectMJCFError(mjcfWorld("<body>\n<geom size=\"1\"/>\n<body>\n<freejoint/>\n<geom size=\"1\"/>\n</body>\n</body>"),
                        .invalidModel, line: 6, element: "freejoint", mentions: ["top-level body"])
        expectMJCFError(mjcfWorld("<body>\n<geom size=\"1\"/>\n<body>\n<joint type=\"free\"/>\n<geom size=\"1\"/>\n</body>\n</body>"),
                        .invalidModel, line: 6, element: "joint", attribute: "type", mentions: ["top-level body"])
        expectMJCFError(mjcfWorld("<body>\n<freejoint/>\n<joint/>\n<geom size=\"1\"/>\n</body>"), .invalidModel, line: 5,
                        element: "joint", mentions: ["at most 6 degrees of freedom", "found 7"])
        expectMJCFError(mjcfWorld("<body>\n<joint type=\"ball\"/>\n<joint/>\n<geom size=\"1\"/>\n</body>"), .invalidModel, line: 5,
                        element: "joint", mentions: ["ball joint may not be followed"])
    }

    @Test("limits: limited without a valid range, autolimits off")
    func limits() {
        expectMJCFError(mjcfWorld("<body>\n<joint limited=\"true\"/>\n<geom size=\"1\"/>\n</body>"), .invalidModel, line: 4,
                        element: "joint", attribute: "limited", mentions: ["range[0] < range[1]"])
        expectMJCFError(mjcfWorld("<body>\n<joint limited=\"true\" range=\"1 -1\"/>\n<geom size=\"1\"/>\n</body>"), .invalidModel,
                        line: 4, element: "joint", attribute: "range")
        expectMJCFError("<mujoco>\n<compiler autolimits=\"false\"/>\n<worldbody>\n<body>\n<joint range=\"0 1\"/>\n<geom size=\"1\"/>\n</body>\n</worldbody>\n</mujoco>",
                        .invalidModel, line: 5, element: "joint", attribute: "range", mentions: ["autolimits is false"])
        let arm = "<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>"
        expectMJCFError(mjcfWorld(arm, "<actuator>\n<motor joint=\"j\" ctrllimited=\"true\"/>\n</actuator>"), .invalidModel, line: 9,
                        element: "motor", attribute: "ctrllimited", mentions: ["needs ctrlrange", "no ctrlrange"])
        expectMJCFError(mjcfWorld(arm, "<actuator>\n<motor joint=\"j\" ctrllimited=\"true\" ctrlrange=\"1 0\"/>\n</actuator>"),
                        .invalidModel, line: 9, element: "motor", attribute: "ctrlrange")
        expectMJCFError(mjcfWorld(arm, "<actuator>\n<motor joint=\"j\" forcelimited=\"true\"/>\n</actuator>"), .invalidModel, line: 9,
                        element: "motor", attribute: "forcelimited", mentions: ["forcerange"])
        expectMJCFError("<mujoco>\n<compiler autolimits=\"false\"/>\n" + mjcfWorld(arm, "<actuator>\n<motor joint=\"j\" ctrlrange=\"-1 1\"/>\n</actuator>").dropFirst(9),
                        .invalidModel, line: 10, element: "motor", attribute: "ctrlrange", mentions: ["autolimits is false"])
        // A class's ctrllimited="true" is reported where the class wrote it.
        expectMJCFError("<mujoco>\n<default>\n<motor ctrllimited=\"true\"/>\n</default>\n" + mjcfWorld(arm, "<actuator>\n<motor joint=\"j\"/>\n</actuator>").dropFirst(9),
                        .invalidModel, line: 3, element: "motor", attribute: "ctrllimited")
    }

    @Test("actuators need a hinge or slide joint")
    func actuatorTargets() {
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>", "<actuator>\n<motor/>\n</actuator>"),
                        .missingAttribute, line: 9, element: "motor", attribute: "joint", mentions: ["needs joint"])
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"b\" type=\"ball\"/>\n<geom size=\"1\"/>\n</body>",
                              "<actuator>\n<velocity joint=\"b\"/>\n</actuator>"), .badValue, line: 9, element: "velocity",
                        attribute: "joint", mentions: ["hinge or slide", "ball"])
        expectMJCFError(mjcfWorld("<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>",
                              "<actuator>\n<position joint=\"j\" kv=\"-1\"/>\n</actuator>"), .badValue, line: 9,
                        element: "position", attribute: "kv", mentions: ["non-negative"])
    }

    @Test("keyframe vectors must have nq, nv, nu entries")
    func keyframes() {
        let body = "<body>\n<joint name=\"j\"/>\n<geom size=\"1\"/>\n</body>"
        expectMJCFError(mjcfWorld(body, "<keyframe>\n<key qpos=\"1 2\"/>\n</keyframe>"), .badValue, line: 9, element: "key",
                        attribute: "qpos", mentions: ["expected 1 numbers (nq", "found 2"])
        expectMJCFError(mjcfWorld(body, "<keyframe>\n<key qvel=\"\"/>\n</keyframe>"), .badValue, line: 9, element: "key",
                        attribute: "qvel", mentions: ["nv", "found 0"])
        expectMJCFError(mjcfWorld(body, "<keyframe>\n<key ctrl=\"1\"/>\n</keyframe>"), .badValue, line: 9, element: "key",
                        attribute: "ctrl", mentions: ["expected 0 numbers (nu"])
        expectMJCFError(mjcfWorld(body, "<keyframe>\n<key time=\"x\"/>\n</keyframe>"), .badValue, line: 9, element: "key",
                        attribute: "time")
    }

    // MARK: Mass and inertia

    @Test("inertial element errors")
    func inertial() {
        expectMJCFError(mjcfWorld("<body>\n<inertial mass=\"1\" diaginertia=\"1 1 1\"/>\n</body>"), .missingAttribute, line: 4,
                        element: "inertial", attribute: "pos", mentions: ["requires pos"])
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\"/>\n</body>"), .missingAttribute, line: 4,
                        element: "inertial", attribute: "mass")
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"1\" diaginertia=\"1 1 1\" fullinertia=\"1 1 1 0 0 0\"/>\n</body>"),
                        .badValue, line: 4, element: "inertial", attribute: "fullinertia", mentions: ["found both"])
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"1\" quat=\"1 0 0 0\" fullinertia=\"1 1 1 0 0 0\"/>\n</body>"),
                        .badValue, line: 4, element: "inertial", attribute: "fullinertia", mentions: ["orientation"])
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"1\" fullinertia=\"1 1 1 2 0 0\"/>\n</body>"),
                        .badValue, line: 4, element: "inertial", attribute: "fullinertia", mentions: ["positive semi-definite"])
        expectMJCFError(mjcfWorld("<body>\n<inertial pos=\"0 0 0\" mass=\"1\"/>\n<inertial pos=\"0 0 0\" mass=\"1\"/>\n</body>"),
                        .badValue, line: 5, element: "inertial", mentions: ["at most one <inertial>"])
    }

    @Test("compile errors: massless moving bodies, A+B<C, massless multi-geom bodies, planes on moving bodies")
    func compileErrors() {
        expectMJCFError(mjcfWorld("<body name=\"arm\">\n<joint/>\n</body>"), .invalidModel, line: 3, element: "body",
                        mentions: ["moving body \"arm\"", "mass 0.0"])
        // A massless link between two jointed bodies is an error even though its child has mass.
        expectMJCFError(mjcfWorld("<body name=\"a\">\n<joint/>\n<body>\n<joint/>\n<geom size=\"1\"/>\n</body>\n</body>"),
                        .invalidModel, line: 3, element: "body", mentions: ["\"a\""])
        expectMJCFError(mjcfWorld("<body>\n<joint/>\n<inertial pos=\"0 0 0\" mass=\"1\" diaginertia=\"1 1 2.001\"/>\n</body>"),
                        .invalidModel, line: 5, element: "inertial", attribute: "diaginertia",
                        mentions: ["A + B ≥ C", "balanceinertia"])
        expectMJCFError(mjcfWorld("<body name=\"b\">\n<geom size=\"1\" mass=\"0\"/>\n<geom size=\"1\" mass=\"0\"/>\n</body>"),
                        .invalidModel, line: 3, element: "body", mentions: ["centre of mass is undefined"])
        expectMJCFError(mjcfWorld("<body>\n<joint/>\n<geom size=\"1\"/>\n<body>\n<geom type=\"plane\" size=\"1 1 1\"/>\n</body>\n</body>"),
                        .invalidModel, line: 7, element: "geom", attribute: "type", mentions: ["plane may only belong to a static body"])
    }

    @Test("the error description format is file:line: <element> attribute 'name': message")
    func descriptionFormat() {
        let e = MJCFError(.badValue, file: "a.xml", line: 7, element: "geom", attribute: "size", "expected x, found y")
        #expect(e.description == "a.xml:7: <geom> attribute 'size': expected x, found y")
        let f = MJCFError(.unreadableFile, file: "b.xml", line: nil, "cannot read")
        #expect(f.description == "b.xml: cannot read")
    }

    @Test("mutated robot files never crash the loader: each loads or throws an MJCFError")
    func mutations() throws {
        let text = try String(contentsOf: mjcfRepositoryRoot.appendingPathComponent("Environments/robots/arm7.xml"), encoding: .utf8)
        let bytes = Array(text.utf8)
        let alphabet = Array("<>/=\" 0123456789.-+eE abcxyz\n".utf8)
        var rng = RandomSource(seed: 7)
        var loaded = 0, rejected = 0
        for _ in 0..<400 {
            var b = bytes
            for _ in 0..<Int(rng.next() % 4) + 1 {
                let i = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b.remove(at: i)
                case 1: b[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                default: b.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                }
            }
            do {
                _ = try MJCF.load(string: String(decoding: b, as: UTF8.self), name: "mutant.xml")
                loaded += 1
            } catch let e as MJCFError {
                #expect(e.file == "mutant.xml" && !e.message.isEmpty)
                rejected += 1
            }
        }
        // Most single-character damage to a model is caught (comments absorb some of it).
        #expect(rejected > 100 && loaded + rejected == 400)
    }
}

@Suite("MJCF: features outside the solver")
struct MJCFSolverFeatureTests {
    @Test("an elliptic friction cone is refused with the line and attribute, not solved as a pyramid")
    func ellipticCone() {
        let xml = """
        <mujoco>
          <option cone="elliptic"/>
          <worldbody/>
        </mujoco>
        """
        #expect {
            _ = try MJCF.load(string: xml, name: "cone.xml")
        } throws: { error in
            let e = error as! MJCFError
            return e.kind == .badValue && e.line == 2 && e.description.contains("cone.xml:2")
                && e.description.contains("elliptic") && e.description.contains("pyramidal")
        }
        #expect(throws: Never.self) { _ = try MJCF.load(string: "<mujoco><option cone=\"pyramidal\"/><worldbody/></mujoco>") }
    }
}

@Suite("MJCF: pathological sizes")
struct MJCFPathologicalTests {
    @Test("bodies nested beyond the depth limit are refused with the line, not a stack overflow")
    func deepNesting() {
        let depth = 1500
        let xml = "<mujoco><worldbody>\n" + String(repeating: "<body><joint/><geom size=\"0.1\"/>\n", count: depth)
            + String(repeating: "</body>", count: depth) + "\n</worldbody></mujoco>"
        #expect {
            _ = try MJCF.load(string: xml, name: "deep.xml")
        } throws: { error in
            let e = error as! MJCFError
            return e.kind == .invalidModel && e.line == 1002 && e.description.contains("nested more than 1000 deep")
        }
    }

    @Test("a geom whose mass overflows is refused naming its body")
    func infiniteMass() {
        let xml = """
        <mujoco><worldbody>
          <body name="huge"><joint/><geom size="1e200"/></body>
        </worldbody></mujoco>
        """
        #expect {
            _ = try MJCF.load(string: xml, name: "huge.xml")
        } throws: { error in
            let e = error as! MJCFError
            return e.kind == .invalidModel && e.line == 2 && e.description.contains("huge") && e.description.contains("not finite")
        }
    }
}
