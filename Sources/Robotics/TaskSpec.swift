import Foundation
import Numerics

// A task family as data: Environments/tasks/<family>.json decodes into `FamilySpec`, the same
// Codable type a Swift user builds and edits in code. Physics and control rates, what varies and
// how, what is hidden, reward weights and success thresholds all live here; nothing is buried in
// the environment's code.

/// The arm suite's task families, named as on the command line.
/// (The `point-navigation` canary is a separate environment, not an arm family.)
public enum Family: String, Sendable, Codable, CaseIterable, Hashable {
    case reach
    case push
    case graspLift = "grasp-lift"
    case pickPlace = "pick-place"

    /// Whether the family puts an object on the table.
    public var hasObject: Bool { self != .reach }
}

/// How actions become joint torques.
public enum ActionMode: String, Sendable, Codable, CaseIterable {
    /// 4 numbers in [-1, 1]: end-effector velocity (x, y, z, scaled by `maxSpeed`) and a gripper
    /// command, turned into torques by a damped-least-squares controller at the physics rate.
    case cartesianVelocity = "cartesian-velocity"
    /// 8 numbers in [-1, 1]: the 7 joint torques as fractions of their limits, and the gripper.
    case jointTorque = "joint-torque"
}

/// The damped-least-squares Cartesian velocity controller (CartesianController.swift).
public struct ControllerSpec: Sendable, Codable, Equatable {
    public var mode: ActionMode
    /// End-effector speed per unit action (m/s).
    public var maxSpeed: Double
    /// Joint-velocity tracking rate (1/s): torque = M·gain·(q̇* − q̇) + bias.
    public var velocityGain: Double
    /// Rate (1/s) at which orientation errors of the hand are corrected (the hand points down).
    public var orientationGain: Double
    /// Rate (1/s) pulling the arm's redundant (null-space) motion toward the home posture.
    public var postureGain: Double
    /// Damping λ of the least-squares solve (J·Jᵀ + λ²·I), in the Jacobian's units (m per rad).
    public var damping: Double
    /// Finger force at gripper command ±1 (N); +1 squeezes, −1 opens.
    public var gripForce: Double
    /// When set, the squeeze is on a log scale: a command g ∈ (0, 1] squeezes with
    /// minGripForce · (gripForce / minGripForce)^g N, so equal steps of the command multiply the
    /// force and objects whose safe grip differs thirtyfold get windows of equal width; g ≤ 0
    /// opens with gripForce · |g|. Unset: the force is linear, gripForce · g.
    public var minGripForce: Double?

    public init(mode: ActionMode = .cartesianVelocity, maxSpeed: Double = 0.5, velocityGain: Double = 60,
                orientationGain: Double = 10, postureGain: Double = 2, damping: Double = 0.05, gripForce: Double = 70,
                minGripForce: Double? = nil) {
        self.mode = mode; self.maxSpeed = maxSpeed; self.velocityGain = velocityGain
        self.orientationGain = orientationGain; self.postureGain = postureGain; self.damping = damping
        self.gripForce = gripForce; self.minGripForce = minGripForce
    }

    /// The finger force (N, positive squeezes) of gripper command `g` (already clipped to [-1, 1]).
    @inlinable
    public func squeezeForce(command g: Double) -> Double {
        guard let low = minGripForce, g > 0 else { return gripForce * g }
        return low * Foundation.pow(gripForce / low, g)
    }

    /// The gripper command that squeezes with `force` N (0 ≤ force ≤ gripForce): the inverse
    /// of `squeezeForce` (a log-scale command never squeezes below minGripForce).
    public func command(squeezing force: Double) -> Double {
        guard let low = minGripForce else { return force / gripForce }
        return Foundation.log(max(force, low) / low) / Foundation.log(gripForce / low)
    }
}

/// Dense reward terms; the reward is their weighted sum, so it is bounded by the sum of weights.
/// Distances enter as 1 − tanh(d / scale) ∈ (0, 1].
public struct RewardWeights: Sendable, Codable, Equatable {
    /// Hand near the goal (reach) or the object (other families).
    public var reach: Double
    /// Both pads touching the object, scaled by min(1, squeeze / the object's holding squeeze).
    public var grasp: Double
    /// Object height toward the lift height, clamped to [0, 1].
    public var lift: Double
    /// Object near the target (push, pick-place).
    public var target: Double
    /// Added while the success predicate holds.
    public var success: Double
    /// Distance scale of the tanh terms (m).
    public var scale: Double

    public init(reach: Double = 1, grasp: Double = 0, lift: Double = 0, target: Double = 0, success: Double = 1, scale: Double = 0.1) {
        self.reach = reach; self.grasp = grasp; self.lift = lift; self.target = target
        self.success = success; self.scale = scale
    }

    /// The largest reward one step can give.
    public var maximum: Double { reach + grasp + lift + target + success }
}

/// Success predicates' thresholds.
public struct SuccessThresholds: Sendable, Codable, Equatable {
    /// Hand–goal (reach) or object–target (push, pick-place) distance counted as arrived (m).
    public var distance: Double
    /// Height above the object's start that counts as lifted (m) (grasp-lift, pick-place carry).
    public var liftHeight: Double
    /// Consecutive steps the lift must hold (grasp-lift).
    public var holdSteps: Int
    /// Time constant (s) of the low-pass filter on the pads' squeeze that is compared with an
    /// object's fragility: sustained squeeze breaks objects, a finger's landing transient (the
    /// fingers' reflected 0.5 kg arriving at F/damping m/s) does not.
    public var squeezeTime: Double

    public init(distance: Double = 0.05, liftHeight: Double = 0.08, holdSteps: Int = 10, squeezeTime: Double = 0.1) {
        self.distance = distance; self.liftHeight = liftHeight; self.holdSteps = holdSteps; self.squeezeTime = squeezeTime
    }
}

/// Task parameters that a spec may hide from (or show to) the policy.
public enum TaskParameter: String, Sendable, Codable, CaseIterable, Hashable {
    /// The reach goal, or the push / pick-place target.
    case goal
    case mass, friction, size, shape, fragility
    case comOffset = "com-offset"
}

/// One task family's complete description.
public struct FamilySpec: Sendable, Codable, Equatable {
    public var family: Family
    /// MJCF robot, relative to the Environments directory.
    public var robot: String
    /// Keyframe the arm starts from.
    public var keyframe: String
    /// Physics timestep (s); overrides the robot file's.
    public var timestep: Double
    /// Physics steps per environment step: the control period is substeps × timestep.
    public var substeps: Int
    /// Friction-to-normal impedance ratio of contacts (MuJoCo's impratio); grasping wants ~10 so
    /// a held object does not creep under MuJoCo's soft friction.
    public var impratio: Double
    /// Maximum environment steps per episode.
    public var horizon: Int
    public var controller: ControllerSpec
    /// Reach goal, or push / pick-place target, world frame (m).
    public var goal: Region?
    /// Object catalog, relative to the Environments directory (families with an object).
    public var objects: String?
    /// Where the object's centre starts on the table (x, y; m, world frame).
    public var objectX: Distribution?
    public var objectY: Distribution?
    /// Task parameters kept out of the observation. Any parameter not listed is observed.
    public var hidden: [TaskParameter]
    public var reward: RewardWeights
    public var success: SuccessThresholds

    public init(family: Family, robot: String = "robots/arm7.xml", keyframe: String = "home", timestep: Double = 0.0025,
                substeps: Int = 5, impratio: Double = 10, horizon: Int, controller: ControllerSpec = ControllerSpec(),
                goal: Region? = nil, objects: String? = nil, objectX: Distribution? = nil, objectY: Distribution? = nil,
                hidden: [TaskParameter], reward: RewardWeights, success: SuccessThresholds) {
        self.family = family; self.robot = robot; self.keyframe = keyframe; self.timestep = timestep
        self.substeps = substeps; self.impratio = impratio; self.horizon = horizon; self.controller = controller
        self.goal = goal; self.objects = objects; self.objectX = objectX; self.objectY = objectY
        self.hidden = hidden; self.reward = reward; self.success = success
    }

    /// Simulated seconds per environment step.
    public var controlPeriod: Double { timestep * Double(substeps) }

    /// Parameters the policy sees (those of this family not hidden), in a fixed order.
    public var observedParameters: [TaskParameter] {
        relevantParameters.filter { !hidden.contains($0) }
    }

    /// The parameters that exist for this family.
    public var relevantParameters: [TaskParameter] {
        switch family {
        case .reach: [.goal]
        case .graspLift: [.mass, .friction, .size, .shape, .fragility, .comOffset]
        case .push, .pickPlace: [.goal, .mass, .friction, .size, .shape, .fragility, .comOffset]
        }
    }

    /// Everything wrong with the spec's values, each with its field path (empty = valid).
    public func issues() -> [SpecIssue] {
        var out: [SpecIssue] = []
        func check(_ ok: Bool, _ path: String, _ message: @autoclosure () -> String) {
            if !ok { out.append(SpecIssue(path: path, message: message())) }
        }
        // 0.01 ms to 10 ms: below, a step is wasted work; above, the arm's stiff pads go unstable.
        check(timestep >= 1e-5 && timestep <= 0.01, "timestep", "expected a timestep in [1e-5, 0.01] s, found \(timestep)")
        check(substeps >= 1 && substeps <= 1000, "substeps", "expected 1...1000 physics steps per control step, found \(substeps)")
        let period = controlPeriod
        // The suite's contract: control at 20-80 Hz (12.5 to 50 ms).
        check(period >= 0.0125 - 1e-12 && period <= 0.05 + 1e-12, "substeps",
              "timestep × substeps = \(period) s: the control period must be 12.5...50 ms (20-80 Hz)")
        check(impratio > 0 && impratio <= 100, "impratio", "expected an impratio in (0, 100], found \(impratio)")
        check(horizon >= 1 && horizon <= 100_000, "horizon", "expected 1...100000 steps, found \(horizon)")
        let c = controller
        check(c.maxSpeed > 0 && c.maxSpeed <= 2, "controller.maxSpeed", "expected a speed in (0, 2] m/s, found \(c.maxSpeed)")
        // Velocity tracking faster than 1/(2·timestep) makes the explicit torque loop unstable.
        check(c.velocityGain > 0 && c.velocityGain * timestep < 0.5, "controller.velocityGain",
              "expected 0 < velocityGain < 0.5/timestep = \(0.5 / timestep), found \(c.velocityGain)")
        check(c.orientationGain >= 0 && c.orientationGain.isFinite, "controller.orientationGain", "expected a rate >= 0, found \(c.orientationGain)")
        check(c.postureGain >= 0 && c.postureGain.isFinite, "controller.postureGain", "expected a rate >= 0, found \(c.postureGain)")
        check(c.damping > 0 && c.damping < 1, "controller.damping", "expected a damping in (0, 1), found \(c.damping)")
        check(c.gripForce > 0 && c.gripForce <= 70, "controller.gripForce", "expected a force in (0, 70] N (the fingers' motor limit), found \(c.gripForce)")
        if let low = c.minGripForce {
            check(low > 0 && low < c.gripForce, "controller.minGripForce", "expected a force in (0, gripForce = \(c.gripForce)) N, found \(low)")
        }
        let w = reward
        for (name, v) in [("reach", w.reach), ("grasp", w.grasp), ("lift", w.lift), ("target", w.target), ("success", w.success)] {
            check(v >= 0 && v.isFinite, "reward.\(name)", "expected a weight >= 0, found \(v)")
        }
        check(w.scale > 0 && w.scale.isFinite, "reward.scale", "expected a distance scale > 0 m, found \(w.scale)")
        check(success.distance > 0 && success.distance < 1, "success.distance", "expected a distance in (0, 1) m, found \(success.distance)")
        check(success.liftHeight > 0 && success.liftHeight < 0.5, "success.liftHeight", "expected a height in (0, 0.5) m, found \(success.liftHeight)")
        check(success.holdSteps >= 1 && success.holdSteps < horizon, "success.holdSteps",
              "expected 1 <= holdSteps < horizon (\(horizon)), found \(success.holdSteps)")
        // At least one physics step, at most a second (longer would let a crushing grip pass).
        check(success.squeezeTime >= timestep && success.squeezeTime <= 1, "success.squeezeTime",
              "expected a time constant in [timestep, 1] s, found \(success.squeezeTime)")
        let needsGoal = family != .graspLift
        if needsGoal {
            if let goal { out += goal.issues(at: "goal") } else { out.append(SpecIssue(path: "goal", message: "family \(family.rawValue) needs a goal region, found none")) }
        }
        if family.hasObject {
            check(objects != nil, "objects", "family \(family.rawValue) needs an object catalog, found none")
            if let x = objectX { out += x.issues(at: "objectX") } else { out.append(SpecIssue(path: "objectX", message: "family \(family.rawValue) needs objectX, found none")) }
            if let y = objectY { out += y.issues(at: "objectY") } else { out.append(SpecIssue(path: "objectY", message: "family \(family.rawValue) needs objectY, found none")) }
        }
        for (i, p) in hidden.enumerated() where !relevantParameters.contains(p) {
            out.append(SpecIssue(path: "hidden[\(i)]", message: "'\(p.rawValue)' does not vary in family \(family.rawValue)"))
        }
        return out
    }
}
