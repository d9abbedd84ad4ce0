import Foundation
import Numerics

// Actuators (joint transmission), keyframes, and the final assembly of the Model
// (MJCF-CONVENTIONS.md sections 5, 8 and 9).

/// The general actuator a defaults class holds. `<motor>`, `<position>` and `<velocity>`, in a
/// default or as actual actuators, all start from it and rewrite gain and bias their own way.
struct ActuatorTemplate {
    var gain = 1.0
    var bias = (0.0, 0.0, 0.0)
    var gear: [Double] = [1, 0, 0, 0, 0, 0]
    var ctrlrange: Value?
    var ctrllimited: Value?
    var forcerange: Value?
    var forcelimited: Value?

    /// The template after an element of `kind` with attributes `a` (own attributes only).
    func applying(_ kind: Actuator.Kind, _ a: Attributes) throws -> ActuatorTemplate {
        var t = self
        if let v = a.own["gear"] {
            let xs = try Parse.reals(v, file: a.file, count: 1...6)
            for (i, x) in xs.enumerated() { t.gear[i] = x }
        }
        if let v = a.own["ctrlrange"] { t.ctrlrange = v }
        if let v = a.own["ctrllimited"] { t.ctrllimited = v }
        if let v = a.own["forcerange"] { t.forcerange = v }
        if let v = a.own["forcelimited"] { t.forcelimited = v }
        switch kind {
        case .motor:
            // MuJoCo sets the gain to 1 and the bias *type* to none, keeping the bias parameters
            // in the template: a later <position> in the same class still sees kv. An actual
            // motor's force has no bias (see parseActuator).
            t.gain = 1
        case .position:
            let kp = try a.own["kp"].map { try Parse.reals($0, file: a.file, count: 1...1)[0] } ?? t.gain
            t.gain = kp
            t.bias.1 = -kp
            if let v = a.own["kv"] { t.bias.2 = -(try Parse.reals(v, file: a.file, count: 1...1)[0]) }
        case .velocity:
            let kv = try a.own["kv"].map { try Parse.reals($0, file: a.file, count: 1...1)[0] } ?? t.gain
            t.gain = kv
            t.bias = (0, 0, -kv)
        }
        return t
    }
}

extension MJCFCompiler {
    /// Resolves limited flags the MJCF way: explicit true/false wins; `auto` means limited iff
    /// compiler autolimits is on and lo < hi. Explicit true needs lo < hi.
    func limits(_ range: Value?, _ flag: Value?, what: String, node: XMLNode) throws -> (Bool, (Double, Double)) {
        let r = try range.map { try Parse.reals($0, file: file, count: 2...2) } ?? [0, 0]
        let explicit = try flag.map { try Parse.tri($0, file: file) } ?? nil
        let limited: Bool
        if let explicit {
            limited = explicit
            if limited && !(r[0] < r[1]) {
                let v = range ?? flag!
                throw MJCFError(.invalidModel, file: file, line: v.line, element: v.element, attribute: v.attribute,
                                "\(what)limited=\"true\" needs \(what)range with lo < hi; found "
                                + (range == nil ? "no \(what)range" : "\(r[0]) \(r[1])"))
            }
        } else {
            if !autolimits, let v = range {
                throw MJCFError(.invalidModel, file: file, line: v.line, element: v.element, attribute: v.attribute,
                                "\(what)range is given but \(what)limited is not, and compiler autolimits is false: expected \(what)limited=\"true\" or \"false\"")
            }
            limited = autolimits && r[0] < r[1]
        }
        return (limited, (r[0], r[1]))
    }

    func parseActuator(_ node: XMLNode, joints: [Joint], jointIndex: [String: Int]) throws -> Actuator {
        let kind = Actuator.Kind(rawValue: node.name)!
        try checkAttributes(node, Schema.actuator(kind))
        try requireLeaf(node)
        let cls = try resolveClass(node, inherited: nil)
        let a = Attributes(file: file, node: node)
        let t = try cls.actuator.applying(kind, a)
        guard let target = a.own["joint"] else {
            throw a.error(.missingAttribute, attribute: "joint",
                          "<\(node.name)> needs joint=\"name\" (MetaRL's subset has joint transmissions only)")
        }
        guard let j = jointIndex[target.text] else {
            throw a.error(.unknownName, target, "no joint named \"\(target.text)\"")
        }
        guard joints[j].type == .hinge || joints[j].type == .slide else {
            throw a.error(.badValue, target, "expected a hinge or slide joint (MetaRL's subset), found a \(joints[j].type) joint \"\(target.text)\"")
        }
        let (ctrllimited, ctrlrange) = try limits(t.ctrlrange, t.ctrllimited, what: "ctrl", node: node)
        let (forcelimited, forcerange) = try limits(t.forcerange, t.forcelimited, what: "force", node: node)
        return Actuator(name: a.string("name") ?? "", kind: kind, joint: j, gear: t.gear[0], gain: t.gain,
                        bias: kind == .motor ? (0, 0, 0) : t.bias,
                        ctrllimited: ctrllimited, ctrlrange: ctrlrange,
                        forcelimited: forcelimited, forcerange: forcerange)
    }

    func parseKey(_ node: XMLNode, nq: Int, nv: Int, nu: Int, qpos0: [Double], joints: [Joint]) throws -> Keyframe {
        try checkAttributes(node, Schema.key)
        try requireLeaf(node)
        let a = Attributes(file: file, node: node)
        func vector(_ name: String, _ n: Int, _ fallback: [Double]) throws -> [Double] {
            guard let v = a.own[name] else { return fallback }
            let xs = try Parse.reals(v, file: file, count: 0...Int.max)
            guard xs.count == n else {
                throw a.error(.badValue, v, "expected \(n) numbers (\(name == "qpos" ? "nq" : name == "qvel" ? "nv" : "nu") of this model), found \(xs.count)")
            }
            return xs
        }
        // Key qpos is raw (radians even under angle="degree"), except that MuJoCo normalizes
        // ball and free quaternions, a zero one becoming the identity.
        var qpos = try vector("qpos", nq, qpos0)
        for j in joints where j.type == .ball || j.type == .free {
            let i = j.qposAdr + (j.type == .free ? 3 : 0)
            let q = Quat(qpos[i], qpos[i + 1], qpos[i + 2], qpos[i + 3]).normalized()
            qpos[i] = q.w; qpos[i + 1] = q.x; qpos[i + 2] = q.y; qpos[i + 3] = q.z
        }
        return Keyframe(name: a.string("name") ?? "", time: try a.double("time", 0),
                        qpos: qpos, qvel: try vector("qvel", nv, Array(repeating: 0, count: nv)),
                        ctrl: try vector("ctrl", nu, Array(repeating: 0, count: nu)))
    }

    /// Rejects two non-empty names within one kind of element.
    func checkUnique(_ names: [String], lines: [Int], kind: String) throws {
        var seen: [String: Int] = [:]
        for (name, line) in zip(names, lines) where !name.isEmpty {
            if let first = seen[name] {
                throw MJCFError(.duplicateName, file: file, line: line, element: kind, attribute: "name",
                                "repeated \(kind) name \"\(name)\" (first used on line \(first)); expected unique names")
            }
            seen[name] = line
        }
    }

    /// Mass properties, consistency checks, and the Model.
    func assemble() throws -> Model {
        // Mass properties of every body but the world.
        for b in 1..<bodies.count {
            let mp = try computeMass(b)
            bodies[b].mass = mp.mass
            bodies[b].ipos = mp.ipos
            bodies[b].iquat = mp.iquat
            bodies[b].inertia = mp.inertia
        }
        // Moving bodies need mass and inertia (≥ MuJoCo's mjMINVAL, 1e-15), their own or a welded
        // (jointless) descendant's; planes only in static bodies.
        var moving = [Bool](repeating: false, count: bodies.count)
        for b in 1..<bodies.count {
            moving[b] = !jointsOf[b].isEmpty || moving[bodies[b].parent]
            if builds[b].hasPlane && moving[b] {
                throw MJCFError(.invalidModel, file: file, line: builds[b].planeLine, element: "geom", attribute: "type",
                                "a plane may only belong to a static body (no joints on it or its ancestors); found one in body \(describeBody(b))")
            }
        }
        func massive(_ b: Int) -> Bool {
            let i = bodies[b].inertia
            return bodies[b].mass >= 1e-15 && i.x >= 1e-15 && i.y >= 1e-15 && i.z >= 1e-15
        }
        func weldedMass(_ b: Int) -> Bool {
            for c in (b + 1)..<bodies.count where bodies[c].parent == b && jointsOf[c].isEmpty {
                if massive(c) || weldedMass(c) { return true }
            }
            return false
        }
        for b in 1..<bodies.count where !jointsOf[b].isEmpty && !massive(b) && !weldedMass(b) {
            let i = bodies[b].inertia
            throw MJCFError(.invalidModel, file: file, line: builds[b].line, element: "body",
                            "moving body \(describeBody(b)) needs mass and all principal inertias ≥ 1e-15 (its own or a welded child's); found mass \(bodies[b].mass), inertia \(i.x) \(i.y) \(i.z)")
        }

        let joints = jointsOf.flatMap { $0 }
        let geoms = geomsOf.flatMap { $0 }
        let sites = sitesOf.flatMap { $0 }
        try checkUnique(bodies.map(\.name), lines: builds.map(\.line), kind: "body")
        try checkUnique(joints.map(\.name), lines: jointLines.flatMap { $0 }, kind: "joint")
        try checkUnique(geoms.map(\.name), lines: geomLines.flatMap { $0 }, kind: "geom")
        try checkUnique(sites.map(\.name), lines: siteLines.flatMap { $0 }, kind: "site")

        var jointIndex: [String: Int] = [:]
        for (j, joint) in joints.enumerated() where !joint.name.isEmpty { jointIndex[joint.name] = j }
        let actuators = try actuatorNodes.map { try parseActuator($0, joints: joints, jointIndex: jointIndex) }
        try checkUnique(actuators.map(\.name), lines: actuatorNodes.map(\.line), kind: "actuator")

        // Layout (nq, nv, qpos0) comes from Model.init; build a keyframe-free model first.
        let layout = Model(name: modelName, options: options, bodies: bodies, joints: joints, geoms: geoms,
                           sites: sites, actuators: actuators)
        let keys = try keyNodes.map { try parseKey($0, nq: layout.nq, nv: layout.nv, nu: layout.nu, qpos0: layout.qpos0, joints: layout.joints) }
        try checkUnique(keys.map(\.name), lines: keyNodes.map(\.line), kind: "key")
        return Model(name: modelName, options: options, bodies: bodies, joints: joints, geoms: geoms, sites: sites,
                     actuators: actuators, keyframes: keys)
    }
}
