import Foundation
import Numerics
import RL

// A hand-written controller that is told a task's hidden parameters (its "belief") and reads the
// rest from what the observation shows (hand and object positions, gripper opening). Given the
// true task it solves the families; given another task's parameters it shows why adaptation is
// needed. It is also `metarl rollout --policy scripted`.

/// Phase machine of the scripted controller.
public struct ScriptedController: Sendable {
    /// The task parameters the controller acts on (the true task, or a wrong guess).
    public var belief: ArmTask
    enum Phase: Sendable { case approach, descend, close, lift, carry, place, release, retreat, pushAlign, pushDescend, push }
    var phase: Phase
    var phaseSteps = 0
    /// Hand position where the grasp closed (m, world).
    var graspPoint = Vec3.zero

    public init(belief: ArmTask) {
        self.belief = belief
        phase = belief.family == .push ? .pushAlign : .approach
    }

    /// The grip force (N per pad) the controller squeezes with for `object`: the geometric mean of
    /// 1.6× the holding squeeze (margin for the lift's acceleration and the soft contact's creep)
    /// and the fragility limit, so it sits in the middle of the window on a log scale.
    public static func gripForce(_ object: ObjectSpec) -> Double {
        (1.6 * object.holdingSqueeze * object.fragility).squareRoot()
    }

    /// Hand height at which the pads close on `object` when its centre is at `centreZ`: at the
    /// centre, but high enough that the pads (0.0234 m below the grip point) clear the table by
    /// 4 mm and the hand's palm (0.0268 m above it) clears the object's top by 5 mm.
    static func graspHeight(_ object: ObjectSpec, centreZ: Double) -> Double {
        let top = centreZ + object.halfExtents.z
        return max(centreZ, tableTop + 0.0234 + 0.004, top - 0.0268 + 0.005)
    }

    /// The next action (spec.actionSize numbers in [-1, 1]) for state `s` of `env`.
    public mutating func action(_ env: ArmEnvironment, _ s: ArmState) -> [Double] {
        let hand = env.handPosition(s)
        let speed = env.familySpec.controller.maxSpeed
        phaseSteps += 1
        /// Proportional velocity command toward `p` (gain 15/s: a 3 cm error saturates 0.5 m/s;
        /// the arm tracks about half the commanded speed near rest, so the loop stays calm).
        func toward(_ p: Vec3, gain: Double = 15) -> (Double, Double, Double) {
            let v = gain * (p - hand) / speed
            return (min(1, max(-1, v.x)), min(1, max(-1, v.y)), min(1, max(-1, v.z)))
        }
        func next(_ p: Phase) { phase = p; phaseSteps = 0 }
        var v = (0.0, 0.0, 0.0), gripper = -1.0
        switch belief.family {
        case .reach:
            v = toward(belief.goal)
        case .graspLift, .pickPlace, .push:
            guard let object = belief.object else { return [0, 0, 0, 0] }
            let o = env.objectPosition(s)
            let graspZ = ScriptedController.graspHeight(object, centreZ: o.z)
            let c = env.familySpec.controller
            let squeeze = c.command(squeezing: ScriptedController.gripForce(object))
            switch phase {
            case .approach:
                let above = Vec3(o.x, o.y, graspZ + 0.1)
                v = toward(above)
                if (above - hand).norm < 0.01 { next(.descend) }
            case .descend:
                let at = Vec3(o.x, o.y, graspZ)
                v = toward(at)
                if (at - hand).norm < 0.005 { graspPoint = at; next(.close) }
            case .close:
                v = toward(graspPoint)
                // Close fast (10 N) until 1 cm from the object's width, then squeeze with the
                // chosen force, so the fingers land at that force's closing speed.
                let width = 2 * object.halfExtents.y
                gripper = env.gripperOpening(s) > width + 0.01 ? max(squeeze, c.command(squeezing: 10)) : squeeze
                if env.gripperOpening(s) <= width + 0.01 && phaseSteps > 15 { next(.lift) }
            case .lift:
                gripper = squeeze
                v = toward(graspPoint + Vec3(0, 0, env.familySpec.success.liftHeight + 0.04))
                if belief.family == .pickPlace && phaseSteps > 20 { next(.carry) }
            case .carry:
                gripper = squeeze
                // The hand carries the object: aim the hand so the object's centre gets over the
                // target, still lifted.
                let over = Vec3(belief.goal.x, belief.goal.y, s.objectStartZ + env.familySpec.success.liftHeight + 0.02)
                v = toward(hand + (over - o))
                if Vec3(over.x - o.x, over.y - o.y, 0).norm < 0.01 { next(.place) }
            case .place:
                // Lower it onto the table at the target, then let go.
                gripper = squeeze
                v = toward(hand + (Vec3(belief.goal.x, belief.goal.y, s.objectStartZ + 0.002) - o), gain: 8)
                if o.z - s.objectStartZ < 0.005 || phaseSteps > 40 { graspPoint = hand; next(.release) }
            case .release:
                v = toward(graspPoint)
                if phaseSteps > 8 { next(.retreat) }
            case .retreat:
                v = toward(graspPoint + Vec3(0, 0, 0.06))
            case .pushAlign, .pushDescend, .push:
                (v, gripper) = pushAction(env, s, object: object, o: o, hand: hand, toward: toward)
            }
        }
        return env.spec.actionSize == 4 ? [v.0, v.1, v.2, gripper] : Array(repeating: 0, count: 7) + [gripper]
    }

    /// Push: close the gripper, go behind the object on the line from the target through the
    /// object, lower the closed pads to 4 mm above the table and push toward the target, steering
    /// the contact point so the object's line of motion turns onto the target.
    mutating func pushAction(_ env: ArmEnvironment, _ s: ArmState, object: ObjectSpec, o: Vec3, hand: Vec3,
                             toward: (Vec3, Double) -> (Double, Double, Double)) -> ((Double, Double, Double), Double) {
        let goal = Vec3(belief.goal.x, belief.goal.y, o.z)
        var dir = goal - o
        dir.z = 0
        let distance = dir.norm
        dir = distance > 1e-9 ? dir / distance : .unitX
        // Behind the object: its half extent along the push line plus the pads' half depth
        // (0.009 m) and 1 cm of clearance.
        let h = object.halfExtents
        let reach = abs(dir.x) * h.x + abs(dir.y) * h.y + 0.009 + 0.01
        let pushZ = tableTop + 0.0234 + 0.004
        let behind = Vec3(o.x - dir.x * reach, o.y - dir.y * reach, pushZ)
        let gripper = 0.3  // 21 N closes the empty fingers; they never touch the object sideways
        switch phase {
        case .pushAlign:
            let above = Vec3(behind.x, behind.y, pushZ + 0.08)
            if (above - hand).norm < 0.01 { phase = .pushDescend; phaseSteps = 0 }
            return (toward(above, 10), gripper)
        case .pushDescend:
            if (behind - hand).norm < 0.006 { phase = .push; phaseSteps = 0 }
            return (toward(behind, 10), gripper)
        default:
            // Aim past the object along the current line; lateral error of the hand from the
            // line is corrected by the same proportional term.
            let contact = Vec3(o.x - dir.x * (reach - 0.012), o.y - dir.y * (reach - 0.012), pushZ)
            var v = toward(contact, 10)
            let push = min(1, 4 * distance / env.familySpec.controller.maxSpeed)
            v.0 = min(1, max(-1, v.0 + push * dir.x)); v.1 = min(1, max(-1, v.1 + push * dir.y))
            // Lost the object (hand far from the line behind it): back off and realign.
            let offLine = (hand - behind) - ((hand - behind).dot(dir)) * dir
            if Vec3(offLine.x, offLine.y, 0).norm > 0.03 { phase = .pushAlign; phaseSteps = 0 }
            return (v, gripper)
        }
    }
}
