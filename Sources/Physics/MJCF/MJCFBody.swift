import Foundation
import Numerics

// The kinematic tree: worldbody, bodies, inertials, joints, geoms, sites; then each body's mass
// properties (MJCF-CONVENTIONS.md sections 2–4).

extension MJCFCompiler {
    func parseWorldbody(_ node: XMLNode) throws {
        try checkAttributes(node, [:])
        for child in node.children {
            switch child.name {
            case "body": try parseBody(child, parent: 0, childclass: nil, depth: 1)
            case "geom": try parseGeom(child, body: 0, childclass: nil)
            case "site": try parseSite(child, body: 0, childclass: nil)
            default: throw unexpected(child, in: node, allowed: ["body", "geom", "site"])
            }
        }
    }

    /// The element's own orientation (at most one of quat, axisangle, euler, xyaxes, zaxis).
    func orientation(_ a: Attributes) throws -> Quat? {
        let given = Schema.orientationNames.filter { a.own[$0] != nil }
        if given.count > 1 {
            throw a.error(.badValue, a.own[given[1]]!,
                          "expected at most one orientation, found \(given.joined(separator: " and "))")
        }
        guard let which = given.first, let v = a.own[which] else { return nil }
        let angleScale = degree ? Double.pi / 180 : 1
        switch which {
        case "quat":
            let x = try Parse.reals(v, file: file, count: 4...4)
            let q = Quat(x[0], x[1], x[2], x[3])
            // Below 1e-15 a quaternion has no direction to normalize to (MuJoCo rejects zero).
            guard q.norm >= 1e-15 else { throw a.error(.badValue, v, "expected a non-zero quaternion, found \"\(v.text)\"") }
            return q.normalized()
        case "axisangle":
            let x = try Parse.reals(v, file: file, count: 4...4)
            let axis = Vec3(x[0], x[1], x[2])
            guard axis.norm >= 1e-15 else { throw a.error(.badValue, v, "expected a non-zero axis, found \"\(v.text)\"") }
            return Quat(axis: axis, angle: x[3] * angleScale)
        case "euler":
            let x = try Parse.reals(v, file: file, count: 3...3)
            return Orientation.euler(x.map { $0 * angleScale }, sequence: eulerseq)
        case "xyaxes":
            let x = try Parse.reals(v, file: file, count: 6...6)
            guard let q = Orientation.xyaxes(Vec3(x[0], x[1], x[2]), Vec3(x[3], x[4], x[5])) else {
                throw a.error(.badValue, v, "expected two non-parallel, non-zero axes, found \"\(v.text)\"")
            }
            return q
        default:
            let x = try Parse.reals(v, file: file, count: 3...3)
            let z = Vec3(x[0], x[1], x[2])
            guard z.norm >= 1e-15 else { throw a.error(.badValue, v, "expected a non-zero axis, found \"\(v.text)\"") }
            return Orientation.zaxis(z)
        }
    }

    /// Deeper nesting than any real mechanism; the limit keeps the recursion's stack bounded
    /// (10 000 levels overflowed it).
    static let maximumBodyDepth = 1000

    func parseBody(_ node: XMLNode, parent: Int, childclass inherited: DefaultClass?, depth: Int) throws {
        guard depth <= Self.maximumBodyDepth else {
            throw MJCFError(.invalidModel, file: file, line: node.line, element: "body",
                            "bodies nested more than \(Self.maximumBodyDepth) deep; expected a shallower kinematic tree")
        }
        try checkAttributes(node, Schema.body)
        let a = Attributes(file: file, node: node)
        var childclass = inherited
        if let c = node.attribute("childclass") {
            guard let cls = classes[c.value] else {
                throw MJCFError(.unknownName, file: file, line: c.line, element: "body", attribute: "childclass",
                                "no defaults class named \"\(c.value)\"")
            }
            childclass = cls
        }
        let index = bodies.count
        bodies.append(Body(name: a.string("name") ?? "", parent: parent, pos: try a.vec3("pos", .zero),
                           quat: try orientation(a) ?? .identity))
        builds.append(BodyBuild(line: node.line))
        jointsOf.append([]); jointLines.append([]); geomsOf.append([]); sitesOf.append([])
        geomLines.append([]); siteLines.append([])

        for child in node.children {
            switch child.name {
            case "inertial": try parseInertial(child, body: index)
            case "joint", "freejoint": try parseJoint(child, body: index, childclass: childclass)
            case "geom": try parseGeom(child, body: index, childclass: childclass)
            case "site": try parseSite(child, body: index, childclass: childclass)
            case "body": try parseBody(child, parent: index, childclass: childclass, depth: depth + 1)
            default: throw unexpected(child, in: node, allowed: ["inertial", "joint", "freejoint", "geom", "site", "body"])
            }
        }
    }

    func parseInertial(_ node: XMLNode, body: Int) throws {
        try checkAttributes(node, Schema.inertial)
        try requireLeaf(node)
        if builds[body].inertial != nil {
            throw error(.badValue, node, "expected at most one <inertial> per body, found a second")
        }
        let a = Attributes(file: file, node: node)
        guard a.has("pos") else { throw a.error(.missingAttribute, attribute: "pos", "<inertial> requires pos") }
        guard a.has("mass") else { throw a.error(.missingAttribute, attribute: "mass", "<inertial> requires mass") }
        let pos = try a.vec3("pos", .zero)
        let mass = try a.double("mass", 0)
        let quat = try orientation(a)
        var result = MassProperties(mass: mass, ipos: pos, iquat: quat ?? .identity, inertia: .zero)
        if let v = a.value("fullinertia") {
            if a.has("diaginertia") {
                throw a.error(.badValue, v, "expected diaginertia or fullinertia, found both")
            }
            if quat != nil {
                throw a.error(.badValue, v, "fullinertia fixes the principal axes itself; expected no orientation, found one")
            }
            let f = try Parse.reals(v, file: file, count: 6...6)
            // Ixx Iyy Izz Ixy Ixz Iyz.
            let tensor = Mat3(f[0], f[3], f[4], f[3], f[1], f[5], f[4], f[5], f[2])
            let (inertia, iquat) = Inertia.principalAxes(tensor)
            // A tensor with a negative eigenvalue is no inertia (MuJoCo: "fullinertia must be
            // positive definite"); 0 is allowed here and caught by the moving-body checks.
            if inertia.z < 0 {
                throw a.error(.badValue, v, "expected a positive semi-definite inertia tensor, found eigenvalues \(inertia.x), \(inertia.y), \(inertia.z)")
            }
            result.inertia = inertia
            result.iquat = iquat
        } else if let d = try a.vector("diaginertia", count: 3) {
            result.inertia = Vec3(d[0], d[1], d[2])
        }
        builds[body].inertial = result
        builds[body].inertialLine = node.line
    }

    func parseJoint(_ node: XMLNode, body: Int, childclass: DefaultClass?) throws {
        try requireLeaf(node)
        let a: Attributes
        let type: JointType
        if node.name == "freejoint" {
            // <freejoint/> ignores joint defaults (MuJoCo); <joint type="free"> inherits them.
            try checkAttributes(node, Schema.freejoint)
            a = Attributes(file: file, node: node)
            type = .free
        } else {
            try checkAttributes(node, Schema.joint)
            let cls = try resolveClass(node, inherited: childclass)
            a = Attributes(file: file, node: node, chain: cls.lineage.map(\.joint))
            switch a.string("type") ?? "hinge" {
            case "free": type = .free
            case "ball": type = .ball
            case "slide": type = .slide
            default: type = .hinge
            }
        }
        if type == .free && bodies[body].parent != 0 {
            throw a.error(.invalidModel, attribute: a.has("type") ? "type" : nil,
                          "a free joint must be in a top-level body (child of <worldbody>); found one in body \(describeBody(body))")
        }
        // Angles in compiler units: hinge positions and hinge/ball limits.
        let angular = type == .hinge || type == .ball
        let scale = degree && angular ? Double.pi / 180 : 1

        var axis = Vec3.unitZ
        if type == .hinge || type == .slide {
            let raw = try a.vec3("axis", .unitZ)
            // MuJoCo's threshold: an axis shorter than 1e-14 has no direction.
            guard raw.norm >= 1e-14 else {
                throw a.error(.invalidModel, a.value("axis")!, "expected a non-zero axis, found \"\(a.value("axis")!.text)\"")
            }
            axis = raw / raw.norm
        }
        let pos = type == .free ? Vec3.zero : try a.vec3("pos", .zero)

        var range = try a.pair("range") ?? (0, 0)
        var limited = false
        if type != .free {
            switch try a.tri("limited") {
            case .some(let explicit): limited = explicit
            case .none:
                if !autolimits && a.has("range") {
                    throw a.error(.invalidModel, a.value("range")!,
                                  "joint has range but not limited, and compiler autolimits is false: expected limited=\"true\" or \"false\"")
                }
                limited = autolimits && range.0 < range.1
            }
            if limited && !(range.0 < range.1) {
                throw a.error(.invalidModel, a.value("range") ?? a.value("limited")!,
                              "a limited joint needs range[0] < range[1]; found \(range.0) \(range.1)")
            }
            if limited { range = (range.0 * scale, range.1 * scale) }
        }
        let positionScale = type == .hinge ? scale : 1
        let ref = try a.double("ref", 0) * positionScale
        let springref = try a.double("springref", 0) * positionScale

        var solver = SolverParameters()
        if let r = try a.pair("solreflimit") { solver.ref0 = r.0; solver.ref1 = r.1 }
        solver.imp = try a.overlay("solimplimit", base: solver.imp)

        var joint = Joint(name: a.string("name") ?? "", type: type, body: body, pos: pos, axis: axis,
                          limited: limited, range: range, ref: ref, springref: springref,
                          stiffness: try a.double("stiffness", 0), damping: try a.double("damping", 0),
                          armature: try a.double("armature", 0), solver: solver, margin: try a.double("margin", 0))
        if type == .ball || type == .free { joint.ref = 0; joint.springref = 0 }

        // Joint combinations MuJoCo rejects: more than 6 dofs, a rotation after a ball.
        let previous = jointsOf[body]
        let dofs = previous.reduce(type.nv) { $0 + $1.type.nv }
        if dofs > 6 {
            throw a.error(.invalidModel, "expected at most 6 degrees of freedom per body, found \(dofs) in body \(describeBody(body))")
        }
        if (type == .hinge || type == .ball) && previous.contains(where: { $0.type == .ball }) {
            throw a.error(.invalidModel, "a ball joint may not be followed by a hinge or ball joint in the same body (\(describeBody(body)))")
        }
        jointsOf[body].append(joint)
        jointLines[body].append(node.line)
    }

    func describeBody(_ b: Int) -> String {
        bodies[b].name.isEmpty ? "#\(b)" : "\"\(bodies[b].name)\""
    }

    func parseGeom(_ node: XMLNode, body: Int, childclass: DefaultClass?) throws {
        try checkAttributes(node, Schema.geom)
        try requireLeaf(node)
        let cls = try resolveClass(node, inherited: childclass)
        let a = Attributes(file: file, node: node, chain: cls.lineage.map(\.geom))
        let type: GeomType
        switch a.string("type") ?? "sphere" {
        case "plane": type = .plane
        case "capsule": type = .capsule
        case "cylinder": type = .cylinder
        case "box": type = .box
        default: type = .sphere
        }
        let sizeValue = a.value("size")
        var s = try a.overlay("size", base: [0, 0, 0])
        var pos = try a.vec3("pos", .zero)
        var quat = try orientation(a) ?? .identity

        if let v = a.own["fromto"] {
            guard type == .capsule || type == .cylinder || type == .box else {
                throw a.error(.badValue, v, "fromto applies to capsule, cylinder and box geoms; found type \(a.string("type") ?? "sphere")")
            }
            if let other = (["pos"] + Schema.orientationNames).first(where: { a.own[$0] != nil }) {
                throw a.error(.badValue, v, "fromto sets the geom's frame; expected no \(other) with it, found both")
            }
            let f = try Parse.reals(v, file: file, count: 6...6)
            let p1 = Vec3(f[0], f[1], f[2]), p2 = Vec3(f[3], f[4], f[5])
            let half = 0.5 * (p2 - p1).norm
            // Zero length leaves the axis undefined.
            guard half >= 1e-15 else { throw a.error(.badValue, v, "expected two distinct points, found \"\(v.text)\"") }
            pos = 0.5 * (p1 + p2)
            // MuJoCo 3.3 points the geom's +z from the second point to the first.
            quat = Orientation.zaxis(p1 - p2)
            if type == .box { s = [s[0], s[0], half] } else { s[1] = half }
        }
        // Sizes the shape needs must be positive; a plane's may be 0 (infinite).
        let needed: Int
        switch type {
        case .sphere: needed = 1
        case .capsule, .cylinder: needed = 2
        case .box: needed = 3
        case .plane: needed = 0
        }
        for i in 0..<3 where (i < needed && !(s[i] > 0)) || (type == .plane && i < 2 && s[i] < 0) {
            let where_ = sizeValue ?? Value(text: "", line: node.line, element: "geom", attribute: "size")
            throw a.error(.badValue, where_, "a \(a.string("type") ?? "sphere") geom needs size[\(i)] " +
                          (type == .plane ? "≥ 0" : "> 0") + "; found \(s[i])" + (sizeValue == nil ? " (no size given)" : ""))
        }
        let size = Vec3(s[0], s[1], s[2])

        let condim = try a.int("condim", 3)
        if ![1, 3, 4, 6].contains(condim) {
            throw a.error(.badValue, a.value("condim")!, "expected condim 1, 3, 4 or 6, found \(condim)")
        }
        let f = try a.overlay("friction", base: [1, 0.005, 0.0001])
        var solver = SolverParameters()
        if let r = try a.pair("solref") { solver.ref0 = r.0; solver.ref1 = r.1 }
        solver.imp = try a.overlay("solimp", base: solver.imp)
        let rgba = try a.vector("rgba", count: 4) ?? [0.5, 0.5, 0.5, 1]
        // Collision bitmasks are 32 bits wide.
        for name in ["contype", "conaffinity"] where try a.int(name, 1) > Int(UInt32.max) {
            throw a.error(.badValue, a.value(name)!, "expected a 32-bit mask (0 to \(UInt32.max)), found \(a.value(name)!.text)")
        }
        let group = try a.int("group", 0)
        let geom = Geom(name: a.string("name") ?? "", type: type, body: body, size: size, pos: pos, quat: quat,
                        friction: Vec3(f[0], f[1], f[2]), contype: UInt32(try a.int("contype", 1)),
                        conaffinity: UInt32(try a.int("conaffinity", 1)), condim: condim,
                        priority: try a.int("priority", 0), solmix: try a.double("solmix", 1), solver: solver,
                        margin: try a.double("margin", 0), gap: try a.double("gap", 0),
                        rgba: (rgba[0], rgba[1], rgba[2], rgba[3]), group: group)
        geomsOf[body].append(geom)
        geomLines[body].append(node.line)

        guard body > 0 else { return }
        if type == .plane && !builds[body].hasPlane {
            builds[body].hasPlane = true
            builds[body].planeLine = node.line
        }
        if group >= inertiaGroupRange.0 && group <= inertiaGroupRange.1 {
            let (m, inertia) = Inertia.solid(type, size: size, density: try a.double("density", Inertia.defaultDensity),
                                              mass: try a.optionalDouble("mass"))
            builds[body].geomParts.append(MassProperties(mass: m, ipos: pos, iquat: quat, inertia: inertia))
        }
    }

    func parseSite(_ node: XMLNode, body: Int, childclass: DefaultClass?) throws {
        try checkAttributes(node, Schema.site)
        try requireLeaf(node)
        let cls = try resolveClass(node, inherited: childclass)
        let a = Attributes(file: file, node: node, chain: cls.lineage.map(\.site))
        // MuJoCo's default site size is 0.005 in every slot.
        let s = try a.overlay("size", base: [0.005, 0.005, 0.005])
        // Only reachable with a written size (the defaults are positive).
        if let v = a.value("size"), !(s[0] > 0) || s.contains(where: { $0 < 0 }) {
            throw a.error(.badValue, v, "expected size[0] > 0 and no negative sizes, found \(v.text)")
        }
        siteLines[body].append(node.line)
        sitesOf[body].append(Site(name: a.string("name") ?? "", body: body, pos: try a.vec3("pos", .zero),
                                  quat: try orientation(a) ?? .identity, size: Vec3(s[0], s[1], s[2])))
    }

    // MARK: Mass properties

    /// Each body's mass, centre of mass and principal inertia, from its geoms or `<inertial>`.
    func computeMass(_ b: Int) throws -> MassProperties {
        let build = builds[b]
        let fromGeoms: Bool
        switch inertiaFromGeom {
        case .always: fromGeoms = true
        case .never: fromGeoms = false
        case .auto: fromGeoms = build.inertial == nil
        }
        // With no source of mass, MuJoCo leaves the inertial frame at the body frame's pose in
        // its parent (ipos = pos, iquat = quat); the mass and inertia are zero.
        var result = MassProperties(mass: 0, ipos: bodies[b].pos, iquat: bodies[b].quat, inertia: .zero)
        let parts = build.geomParts
        if fromGeoms && !parts.isEmpty {
            if parts.count == 1 {
                // One geom: its frame is the inertial frame, moments unsorted (MuJoCo).
                result = parts[0]
            } else {
                guard let combined = Inertia.combine(parts) else {
                    throw MJCFError(.invalidModel, file: file, line: build.line, element: "body",
                                    "body \(describeBody(b)): its geoms' total mass is below 1e-15, so its centre of mass is undefined; expected a positive mass (give a geom mass or density)")
                }
                result = combined
            }
        } else if let inertial = build.inertial {
            // Also when inertiafromgeom="true" finds no geoms (MuJoCo falls back the same way).
            result = inertial
        }
        // Sizes or densities so large that mass or inertia overflow would only surface as a NaN
        // acceleration at the first step; name the body here instead.
        guard result.mass.isFinite, result.inertia.isFinite, result.ipos.isFinite else {
            throw MJCFError(.invalidModel, file: file, line: build.line, element: "body",
                            "body \(describeBody(b)): its mass (\(result.mass) kg) or inertia \(result.inertia) is not finite; expected finite sizes, densities and masses")
        }
        let i = result.inertia
        if i.x + i.y < i.z || i.x + i.z < i.y || i.y + i.z < i.x {
            if balanceInertia {
                let mean = (i.x + i.y + i.z) / 3
                result.inertia = Vec3(mean, mean, mean)
            } else {
                throw MJCFError(.invalidModel, file: file, line: build.inertialLine ?? build.line,
                                element: build.inertialLine == nil ? "body" : "inertial",
                                attribute: build.inertialLine == nil ? nil : "diaginertia",
                                "body \(describeBody(b)): principal inertias must satisfy A + B ≥ C (triangle inequality); found \(i.x), \(i.y), \(i.z) (compiler balanceinertia=\"true\" would average them)")
            }
        }
        return result
    }
}
