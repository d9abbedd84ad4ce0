import Foundation
import Numerics

// Attribute schemas of MetaRL's MJCF subset, and typed, located access to attribute values
// through the defaults-class chain.

/// One attribute value with where it was written (the element itself or a `<default>`).
struct Value {
    let text: String
    let line: Int
    let element: String
    let attribute: String
}

/// The syntax of an attribute value; range checks that depend on context come later.
enum AttrType {
    case string
    case keyword([String])
    case bool
    /// true | false | auto
    case tri
    case int(min: Int?)
    /// Between `min` and `max` finite reals; `nonNegative` rejects values below zero.
    case reals(min: Int, max: Int, nonNegative: Bool)

    static let real = AttrType.reals(min: 1, max: 1, nonNegative: false)
    static let nonNegativeReal = AttrType.reals(min: 1, max: 1, nonNegative: true)
    static let vec3 = AttrType.reals(min: 3, max: 3, nonNegative: false)
    static let pair = AttrType.reals(min: 2, max: 2, nonNegative: false)
}

enum Schema {
    static let orientation: [String: AttrType] = [
        "quat": .reals(min: 4, max: 4, nonNegative: false), "euler": .vec3,
        "axisangle": .reals(min: 4, max: 4, nonNegative: false),
        "xyaxes": .reals(min: 6, max: 6, nonNegative: false), "zaxis": .vec3,
    ]
    static let orientationNames = ["quat", "axisangle", "euler", "xyaxes", "zaxis"]

    static let mujoco: [String: AttrType] = ["model": .string]
    static let compiler: [String: AttrType] = [
        "angle": .keyword(["degree", "radian"]), "eulerseq": .string, "autolimits": .bool,
        "inertiafromgeom": .tri, "balanceinertia": .bool, "inertiagrouprange": .reals(min: 2, max: 2, nonNegative: false),
    ]
    static let option: [String: AttrType] = [
        "timestep": .real, "gravity": .vec3, "integrator": .keyword(["Euler", "RK4"]),
        "cone": .keyword(["pyramidal", "elliptic"]), "iterations": .int(min: 0), "tolerance": .nonNegativeReal,
        "impratio": .real,
    ]
    static let defaultElement: [String: AttrType] = ["class": .string]

    /// Joint attributes settable in defaults (an element adds name and class).
    static let jointDefaults: [String: AttrType] = [
        "type": .keyword(["hinge", "slide", "ball", "free"]), "axis": .vec3, "pos": .vec3, "range": .pair,
        "limited": .tri, "ref": .real, "springref": .real, "damping": .nonNegativeReal,
        "armature": .nonNegativeReal, "stiffness": .nonNegativeReal, "margin": .real,
        "solreflimit": .pair, "solimplimit": .reals(min: 1, max: 5, nonNegative: false),
    ]
    static let geomDefaults: [String: AttrType] = [
        "type": .keyword(["plane", "sphere", "capsule", "cylinder", "box"]),
        "size": .reals(min: 1, max: 3, nonNegative: false), "pos": .vec3,
        "mass": .nonNegativeReal, "density": .nonNegativeReal,
        "friction": .reals(min: 1, max: 3, nonNegative: true), "contype": .int(min: 0), "conaffinity": .int(min: 0),
        "condim": .int(min: 1), "priority": .int(min: nil), "solmix": .nonNegativeReal, "solref": .pair,
        "solimp": .reals(min: 1, max: 5, nonNegative: false), "margin": .real, "gap": .real,
        "rgba": .reals(min: 4, max: 4, nonNegative: false), "group": .int(min: nil),
    ]
    static let siteDefaults: [String: AttrType] = [
        "type": .keyword(["sphere", "capsule", "ellipsoid", "cylinder", "box"]),
        "size": .reals(min: 1, max: 3, nonNegative: false), "pos": .vec3,
        "rgba": .reals(min: 4, max: 4, nonNegative: false), "group": .int(min: nil),
    ]
    static let motorDefaults: [String: AttrType] = [
        "gear": .reals(min: 1, max: 6, nonNegative: false), "ctrlrange": .pair, "ctrllimited": .tri,
        "forcerange": .pair, "forcelimited": .tri,
    ]
    static let positionDefaults = motorDefaults.merging(["kp": .nonNegativeReal, "kv": .nonNegativeReal]) { a, _ in a }
    static let velocityDefaults = motorDefaults.merging(["kv": .nonNegativeReal]) { a, _ in a }

    static let named: [String: AttrType] = ["name": .string, "class": .string]
    static let joint = jointDefaults.merging(named) { a, _ in a }
    static let freejoint: [String: AttrType] = ["name": .string]
    static let geom = geomDefaults.merging(named) { a, _ in a }
        .merging(orientation) { a, _ in a }.merging(["fromto": .reals(min: 6, max: 6, nonNegative: false)]) { a, _ in a }
    static let site = siteDefaults.merging(named) { a, _ in a }.merging(orientation) { a, _ in a }
    static let body: [String: AttrType] = ["name": .string, "childclass": .string, "pos": .vec3]
        .merging(orientation) { a, _ in a }
    static let inertial: [String: AttrType] = [
        "pos": .vec3, "mass": .nonNegativeReal, "diaginertia": .reals(min: 3, max: 3, nonNegative: true),
        "fullinertia": .reals(min: 6, max: 6, nonNegative: false),
    ].merging(orientation) { a, _ in a }
    static let actuatorTarget: [String: AttrType] = ["name": .string, "class": .string, "joint": .string]
    static func actuator(_ kind: Actuator.Kind) -> [String: AttrType] {
        actuatorDefaults(kind).merging(actuatorTarget) { a, _ in a }
    }
    static func actuatorDefaults(_ kind: Actuator.Kind) -> [String: AttrType] {
        switch kind {
        case .motor: motorDefaults
        case .position: positionDefaults
        case .velocity: velocityDefaults
        }
    }
    static let key: [String: AttrType] = [
        "name": .string, "time": .real, "qpos": .reals(min: 0, max: .max, nonNegative: false),
        "qvel": .reals(min: 0, max: .max, nonNegative: false), "ctrl": .reals(min: 0, max: .max, nonNegative: false),
    ]

    /// Elements of MetaRL's subset (misplaced ones get their own message).
    static let subsetElements: Set<String> = [
        "mujoco", "compiler", "option", "default", "worldbody", "body", "inertial", "joint", "freejoint", "geom",
        "site", "actuator", "motor", "position", "velocity", "keyframe", "key",
    ]

    /// MJCF elements that exist in MuJoCo but lie outside MetaRL's subset: named as such in errors.
    static let knownUnsupportedElements: Set<String> = [
        "asset", "mesh", "hfield", "texture", "material", "skin", "tendon", "spatial", "fixed", "equality",
        "weld", "connect", "contact", "pair", "exclude", "sensor", "size", "visual", "statistic", "extension",
        "include", "custom", "deformable", "flex", "plugin", "frame", "light", "camera", "general", "cylinder",
        "muscle", "adhesion", "damper", "intvelocity", "composite", "flexcomp", "replicate", "attach",
        "mocap", "tuple", "numeric", "text", "flexcomp", "ellipsoid",
    ]
}

/// An element's attributes resolved through its defaults class: the element's own values win,
/// then the nearest class, then its ancestors up to `main`.
struct Attributes {
    let file: String
    let element: String
    let line: Int
    /// The element's own attributes.
    let own: [String: Value]
    /// Class dictionaries, nearest first.
    let chain: [[String: Value]]

    init(file: String, node: XMLNode, chain: [[String: Value]] = []) {
        self.file = file
        self.element = node.name
        self.line = node.line
        var own: [String: Value] = [:]
        for a in node.attributes {
            own[a.name] = Value(text: a.value, line: a.line, element: node.name, attribute: a.name)
        }
        self.own = own
        self.chain = chain
    }

    /// The value in force: the element's own, else the nearest class's.
    func value(_ name: String) -> Value? {
        if let v = own[name] { return v }
        for c in chain { if let v = c[name] { return v } }
        return nil
    }

    func has(_ name: String) -> Bool { value(name) != nil }

    func error(_ kind: MJCFError.Kind, _ v: Value, _ message: String) -> MJCFError {
        MJCFError(kind, file: file, line: v.line, element: v.element, attribute: v.attribute, message)
    }
    func error(_ kind: MJCFError.Kind, attribute: String? = nil, _ message: String) -> MJCFError {
        MJCFError(kind, file: file, line: line, element: element, attribute: attribute, message)
    }

    func string(_ name: String) -> String? { value(name)?.text }

    func double(_ name: String, _ fallback: Double) throws -> Double {
        guard let v = value(name) else { return fallback }
        return try Parse.reals(v, file: file, count: 1...1)[0]
    }

    func optionalDouble(_ name: String) throws -> Double? {
        guard let v = value(name) else { return nil }
        return try Parse.reals(v, file: file, count: 1...1)[0]
    }

    func int(_ name: String, _ fallback: Int) throws -> Int {
        guard let v = value(name) else { return fallback }
        return try Parse.int(v, file: file)
    }

    func bool(_ name: String, _ fallback: Bool) throws -> Bool {
        guard let v = value(name) else { return fallback }
        return try Parse.bool(v, file: file)
    }

    /// A vector of exactly `count` numbers; the one in force wins whole.
    func vector(_ name: String, count: Int) throws -> [Double]? {
        guard let v = value(name) else { return nil }
        return try Parse.reals(v, file: file, count: count...count)
    }

    /// A vector that may be given in part (size, friction, solimp, gear): MJCF fills the missing
    /// trailing entries from the class in force, and from the built-in default below it.
    func overlay(_ name: String, base: [Double]) throws -> [Double] {
        var result = base
        var layers: [Value] = chain.reversed().compactMap { $0[name] }
        if let v = own[name] { layers.append(v) }
        for v in layers {
            let xs = try Parse.reals(v, file: file, count: 1...base.count)
            for (i, x) in xs.enumerated() { result[i] = x }
        }
        return result
    }

    func vec3(_ name: String, _ fallback: Vec3) throws -> Vec3 {
        guard let xs = try vector(name, count: 3) else { return fallback }
        return Vec3(xs[0], xs[1], xs[2])
    }

    func pair(_ name: String) throws -> (Double, Double)? {
        guard let xs = try vector(name, count: 2) else { return nil }
        return (xs[0], xs[1])
    }

    /// `true`, `false` or `auto` (nil).
    func tri(_ name: String) throws -> Bool? {
        guard let v = value(name) else { return nil }
        return try Parse.tri(v, file: file)
    }
}

/// Parsing of attribute texts, each error naming the value's place.
enum Parse {
    static func fail(_ v: Value, file: String, _ message: String) -> MJCFError {
        MJCFError(.badValue, file: file, line: v.line, element: v.element, attribute: v.attribute, message)
    }

    static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }

    static func reals(_ v: Value, file: String, count: ClosedRange<Int>, nonNegative: Bool = false) throws -> [Double] {
        let ws = words(v.text)
        var xs: [Double] = []
        xs.reserveCapacity(ws.count)
        for w in ws {
            guard let x = Double(w) else {
                throw fail(v, file: file, "expected a number, found \"\(w)\"")
            }
            guard x.isFinite else {
                throw fail(v, file: file, "expected a finite number, found \"\(w)\"")
            }
            if nonNegative && x < 0 {
                throw fail(v, file: file, "expected a non-negative number, found \(w)")
            }
            xs.append(x)
        }
        if !count.contains(xs.count) {
            let expected = count.lowerBound == count.upperBound ? "\(count.lowerBound)"
                : count.upperBound == .max ? "at least \(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            throw fail(v, file: file, "expected \(expected) number\(count.upperBound == 1 ? "" : "s"), found \(xs.count) (\"\(v.text)\")")
        }
        return xs
    }

    static func int(_ v: Value, file: String, min: Int? = nil) throws -> Int {
        let ws = words(v.text)
        guard ws.count == 1, let x = Int(ws[0]) else {
            throw fail(v, file: file, "expected an integer, found \"\(v.text)\"")
        }
        if let min, x < min { throw fail(v, file: file, "expected an integer ≥ \(min), found \(x)") }
        return x
    }

    static func bool(_ v: Value, file: String) throws -> Bool {
        switch v.text {
        case "true": return true
        case "false": return false
        default: throw fail(v, file: file, "expected true or false, found \"\(v.text)\"")
        }
    }

    static func tri(_ v: Value, file: String) throws -> Bool? {
        switch v.text {
        case "true": return true
        case "false": return false
        case "auto": return nil
        default: throw fail(v, file: file, "expected true, false or auto, found \"\(v.text)\"")
        }
    }

    /// Checks a value's syntax against its schema type.
    static func check(_ v: Value, _ type: AttrType, file: String) throws {
        switch type {
        case .string: break
        case .keyword(let options):
            if !options.contains(v.text) {
                throw fail(v, file: file, "expected one of \(options.joined(separator: ", ")), found \"\(v.text)\"")
            }
        case .bool: _ = try bool(v, file: file)
        case .tri: _ = try tri(v, file: file)
        case .int(let min): _ = try int(v, file: file, min: min)
        case .reals(let lo, let hi, let nonNegative): _ = try reals(v, file: file, count: lo...hi, nonNegative: nonNegative)
        }
    }
}
