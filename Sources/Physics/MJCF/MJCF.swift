import Foundation
import Numerics

/// Loads MetaRL's subset of MuJoCo's MJCF into a `Model`, with MuJoCo 3.3's compiler semantics
/// (shared/MJCF-CONVENTIONS.md). Anything outside the subset is an `MJCFError`, never ignored.
///
/// Supported: `mujoco`; `compiler` (angle, eulerseq, autolimits, inertiafromgeom, balanceinertia,
/// inertiagrouprange); `option` (timestep, gravity, integrator Euler|RK4, cone, iterations,
/// tolerance, impratio); `default` classes for joint, geom, site and motor/position/velocity;
/// `worldbody`/`body`, `inertial`, `joint`, `freejoint`, `geom`, `site`;
/// `actuator` motor/position/velocity on joints; `keyframe`/`key`.
public enum MJCF {
    /// Reads and compiles the MJCF file at `url`; errors name the file's path.
    public static func load(contentsOf url: URL) throws -> Model {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MJCFError(.unreadableFile, file: url.path, line: nil,
                            "cannot read the file: expected a readable UTF-8 MJCF file (\(error.localizedDescription))")
        }
        return try load(string: text, name: url.path)
    }

    /// Compiles MJCF text; `name` stands for the file in error messages.
    public static func load(string: String, name: String = "<string>") throws -> Model {
        let root = try XMLTree.parse(string, file: name)
        return try MJCFCompiler(file: name).compile(root)
    }
}

/// `<compiler inertiafromgeom>`.
enum InertiaFromGeom { case auto, always, never }

/// A defaults class: attribute values for joints, geoms and sites, and one actuator template.
final class DefaultClass {
    let name: String
    let parent: DefaultClass?
    var joint: [String: Value]
    var geom: [String: Value]
    var site: [String: Value]
    var actuator: ActuatorTemplate

    init(name: String, parent: DefaultClass?) {
        self.name = name
        self.parent = parent
        joint = parent?.joint ?? [:]
        geom = parent?.geom ?? [:]
        site = parent?.site ?? [:]
        actuator = parent?.actuator ?? ActuatorTemplate()
    }

    /// This class and its ancestors, nearest first. (Values are already copied down, so the
    /// chain only matters for partially given vectors.)
    var lineage: [DefaultClass] {
        var result: [DefaultClass] = []
        var c: DefaultClass? = self
        while let k = c { result.append(k); c = k.parent }
        return result
    }
}

/// What the compiler collects for one body before its mass properties are known.
struct BodyBuild {
    var line: Int
    var inertial: MassProperties?
    var inertialLine: Int?
    var geomParts: [MassProperties] = []
    var hasPlane = false
    var planeLine = 0
}

/// Compiles one MJCF document. Sections are processed in MuJoCo's order (compiler and option
/// first, then defaults, bodies, actuators, keyframes) whatever their order in the file.
final class MJCFCompiler {
    let file: String
    var modelName = "MuJoCo Model"

    // <compiler>
    var degree = true
    var eulerseq: [Character] = ["x", "y", "z"]
    var autolimits = true
    var inertiaFromGeom = InertiaFromGeom.auto
    var balanceInertia = false
    var inertiaGroupRange = (0, 5)

    var options = Options()
    var classes: [String: DefaultClass] = [:]
    var main = DefaultClass(name: "main", parent: nil)

    // The tree, in depth-first order; per-body element lists are flattened at the end so that
    // joints, geoms and sites are grouped by body as MuJoCo numbers them.
    var bodies: [Body] = [Body(name: "world", parent: -1)]
    var builds: [BodyBuild] = [BodyBuild(line: 0)]
    var jointsOf: [[Joint]] = [[]]
    var jointLines: [[Int]] = [[]]
    var geomsOf: [[Geom]] = [[]]
    var geomLines: [[Int]] = [[]]
    var siteLines: [[Int]] = [[]]
    var sitesOf: [[Site]] = [[]]
    var actuatorNodes: [XMLNode] = []
    var keyNodes: [XMLNode] = []

    init(file: String) {
        self.file = file
        // Class main exists even without a <default> element.
        classes["main"] = main
    }

    // MARK: Errors and structure checks

    func error(_ kind: MJCFError.Kind, _ node: XMLNode, attribute: String? = nil, _ message: String) -> MJCFError {
        MJCFError(kind, file: file, line: attribute.flatMap { node.attribute($0)?.line } ?? node.line,
                  element: node.name, attribute: attribute, message)
    }

    /// Rejects attributes outside `schema` and checks the syntax of those present.
    func checkAttributes(_ node: XMLNode, _ schema: [String: AttrType]) throws {
        for a in node.attributes {
            guard let type = schema[a.name] else {
                throw MJCFError(.unknownAttribute, file: file, line: a.line, element: node.name, attribute: a.name,
                                "unknown attribute '\(a.name)': <\(node.name)> in MetaRL's MJCF subset takes "
                                + (schema.isEmpty ? "no attributes" : schema.keys.sorted().joined(separator: ", ")))
            }
            try Parse.check(Value(text: a.value, line: a.line, element: node.name, attribute: a.name), type, file: file)
        }
    }

    /// Rejects a child element not in `allowed`, saying whether it is MJCF outside the subset.
    func unexpected(_ child: XMLNode, in parent: XMLNode, allowed: [String]) -> MJCFError {
        let list = allowed.isEmpty ? "no child elements" : allowed.map { "<\($0)>" }.joined(separator: ", ")
        if Schema.subsetElements.contains(child.name) {
            return MJCFError(.unknownElement, file: file, line: child.line, element: child.name,
                             "<\(child.name)> is not allowed inside <\(parent.name)>; expected \(list)")
        }
        if Schema.knownUnsupportedElements.contains(child.name) {
            return MJCFError(.unknownElement, file: file, line: child.line, element: child.name,
                             "<\(child.name)> inside <\(parent.name)> is outside MetaRL's MJCF subset; expected \(list)")
        }
        return MJCFError(.unknownElement, file: file, line: child.line, element: child.name,
                         "unknown element <\(child.name)> inside <\(parent.name)>; expected \(list)")
    }

    func requireLeaf(_ node: XMLNode) throws {
        if let child = node.children.first { throw unexpected(child, in: node, allowed: []) }
    }

    // MARK: Top level

    func compile(_ root: XMLNode) throws -> Model {
        guard root.name == "mujoco" else {
            throw MJCFError(.unknownElement, file: file, line: root.line, element: root.name,
                            "expected the root element <mujoco>, found <\(root.name)>")
        }
        try checkAttributes(root, Schema.mujoco)
        if let name = root.attribute("model")?.value { modelName = name }

        let sections = ["compiler", "option", "default", "worldbody", "actuator", "keyframe"]
        for child in root.children where !sections.contains(child.name) {
            throw unexpected(child, in: root, allowed: sections)
        }
        for node in root.children where node.name == "compiler" { try parseCompiler(node) }
        for node in root.children where node.name == "option" { try parseOption(node) }
        let defaults = root.children.filter { $0.name == "default" }
        if defaults.count > 1 {
            throw error(.badValue, defaults[1], "expected at most one top-level <default> (class main), found a second")
        }
        if let top = defaults.first { try parseTopDefault(top) }
        for node in root.children where node.name == "worldbody" { try parseWorldbody(node) }
        for node in root.children where node.name == "actuator" {
            try checkAttributes(node, [:])
            for child in node.children {
                guard ["motor", "position", "velocity"].contains(child.name) else {
                    throw unexpected(child, in: node, allowed: ["motor", "position", "velocity"])
                }
                actuatorNodes.append(child)
            }
        }
        for node in root.children where node.name == "keyframe" {
            try checkAttributes(node, [:])
            for child in node.children {
                guard child.name == "key" else { throw unexpected(child, in: node, allowed: ["key"]) }
                keyNodes.append(child)
            }
        }
        return try assemble()
    }

    func parseCompiler(_ node: XMLNode) throws {
        try checkAttributes(node, Schema.compiler)
        try requireLeaf(node)
        let a = Attributes(file: file, node: node)
        if let angle = a.string("angle") { degree = angle == "degree" }
        if let v = a.value("eulerseq") {
            let seq = Array(v.text)
            guard seq.count == 3, seq.allSatisfy({ "xyzXYZ".contains($0) }) else {
                throw a.error(.badValue, v, "expected three letters from x, y, z, X, Y, Z, found \"\(v.text)\"")
            }
            eulerseq = seq
        }
        autolimits = try a.bool("autolimits", autolimits)
        if a.has("inertiafromgeom") {
            switch try a.tri("inertiafromgeom") {
            case .some(true): inertiaFromGeom = .always
            case .some(false): inertiaFromGeom = .never
            case .none: inertiaFromGeom = .auto
            }
        }
        balanceInertia = try a.bool("balanceinertia", balanceInertia)
        if let v = a.value("inertiagrouprange") {
            let xs = try Parse.reals(v, file: file, count: 2...2)
            // Group numbers are small integers; the bound keeps Int(_:) from trapping.
            guard xs.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else {
                throw a.error(.badValue, v, "expected two integers, found \"\(v.text)\"")
            }
            inertiaGroupRange = (Int(xs[0]), Int(xs[1]))
        }
    }

    func parseOption(_ node: XMLNode) throws {
        try checkAttributes(node, Schema.option)
        try requireLeaf(node)
        let a = Attributes(file: file, node: node)
        if let v = a.value("timestep") {
            let h = try a.double("timestep", 0)
            guard h > 0 else { throw a.error(.badValue, v, "expected a positive timestep (s), found \(v.text)") }
            options.timestep = h
        }
        options.gravity = try a.vec3("gravity", options.gravity)
        if let s = a.string("integrator") { options.integrator = Integrator(rawValue: s)! }
        if let s = a.string("cone") {
            // The constraint solver handles pyramidal cones (MuJoCo's default) only; an elliptic
            // cone would silently become a pyramid, so it is refused.
            if s != Cone.pyramidal.rawValue, let v = a.value("cone") {
                throw a.error(.badValue, v, "cone=\"elliptic\" is not supported yet: MetaRL's solver uses pyramidal friction cones (MuJoCo's default)")
            }
            options.cone = .pyramidal
        }
        options.iterations = try a.int("iterations", options.iterations)
        options.tolerance = try a.double("tolerance", options.tolerance)
        if let v = a.value("impratio") {
            let r = try a.double("impratio", 1)
            guard r > 0 else { throw a.error(.badValue, v, "expected a positive impratio, found \(v.text)") }
            options.impratio = r
        }
    }

    // MARK: Defaults

    func parseTopDefault(_ node: XMLNode) throws {
        try checkAttributes(node, Schema.defaultElement)
        if let c = node.attribute("class"), c.value != "main" {
            throw error(.badValue, node, attribute: "class",
                        "the top-level <default> is class \"main\"; expected no class or class=\"main\", found \"\(c.value)\"")
        }
        try fillDefault(node, into: main)
    }

    func fillDefault(_ node: XMLNode, into cls: DefaultClass) throws {
        for child in node.children {
            let a = Attributes(file: file, node: child)
            switch child.name {
            case "joint":
                try checkAttributes(child, Schema.jointDefaults); try requireLeaf(child)
                cls.joint.merge(a.own) { _, new in new }
            case "geom":
                try checkAttributes(child, Schema.geomDefaults); try requireLeaf(child)
                cls.geom.merge(a.own) { _, new in new }
            case "site":
                try checkAttributes(child, Schema.siteDefaults); try requireLeaf(child)
                cls.site.merge(a.own) { _, new in new }
            case "motor", "position", "velocity":
                let kind = Actuator.Kind(rawValue: child.name)!
                try checkAttributes(child, Schema.actuatorDefaults(kind)); try requireLeaf(child)
                cls.actuator = try cls.actuator.applying(kind, a)
            case "default":
                try checkAttributes(child, Schema.defaultElement)
                guard let name = child.attribute("class")?.value else {
                    throw error(.missingAttribute, child, "a nested <default> needs class=\"name\"")
                }
                if classes[name] != nil {
                    throw error(.duplicateName, child, attribute: "class", "defaults class \"\(name)\" is defined twice")
                }
                let sub = DefaultClass(name: name, parent: cls)
                classes[name] = sub
                try fillDefault(child, into: sub)
            default:
                throw unexpected(child, in: node, allowed: ["joint", "geom", "site", "motor", "position", "velocity", "default"])
            }
        }
    }

    /// The class named by `class=` on the element, else the inherited childclass, else main.
    func resolveClass(_ node: XMLNode, inherited: DefaultClass?) throws -> DefaultClass {
        if let c = node.attribute("class") {
            guard let cls = classes[c.value] else {
                throw MJCFError(.unknownName, file: file, line: c.line, element: node.name, attribute: "class",
                                "no defaults class named \"\(c.value)\"")
            }
            return cls
        }
        return inherited ?? main
    }
}
