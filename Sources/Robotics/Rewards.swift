import Foundation
import Numerics
import Physics
import RL

// Dense, bounded rewards and success predicates, one per family. Each is a function of the
// state (plus the hold counter that grasp-lift's "lift and hold" needs, kept in the state).
// Distances enter as 1 − tanh(d / scale) ∈ (0, 1], so a reward lies in [0, weights.maximum].
// The grasp term has two halves. Caging: the object between the pads and the pads closed onto
// it, so that closing the gripper at the object pays before any squeeze does (without it, a
// policy that learned to keep the gripper open on the way in never finds out that closing
// pays). Firm grasp: while both pads touch, it grows with the squeeze up to the object's holding
// squeeze (the least that lifts it), so the reward itself leads the grip force into the
// object's window, whose other edge (fragility) ends the episode. The lift term counts only
// while the object is grasped: tipping an object onto its edge with the open gripper raises
// its centre too, and a policy rewarded for that learns nothing about lifting.

extension ArmEnvironment {
    func evaluate(_ s: inout ArmState) -> StepOutcome {
        let w = familySpec.reward, th = familySpec.success
        func near(_ d: Double) -> Double { 1 - tanh(d / w.scale) }
        let hand = handPosition(s)
        func grip() -> Double {
            guard let object = s.task.object else { return 0 }
            let firm = s.grasped ? min(1, s.squeeze / object.holdingSqueeze) : 0
            return w.grasp * 0.5 * (caging(s) + firm)
        }
        func lift(_ height: Double) -> Double {
            s.grasped ? w.lift * min(1, max(0, height / th.liftHeight)) : 0
        }
        switch familySpec.family {
        case .reach:
            let d = (hand - s.task.goal).norm
            let success = d < th.distance
            return StepOutcome(reward: w.reach * near(d) + (success ? w.success : 0), success: success)
        case .push:
            let object = objectPosition(s)
            // The target is a point on the table: compare horizontal positions.
            let dx = object.x - s.task.goal.x, dy = object.y - s.task.goal.y
            let dTarget = (dx * dx + dy * dy).squareRoot()
            let success = dTarget < th.distance
            let r = w.reach * near((hand - object).norm) + w.target * near(dTarget) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        case .graspLift:
            let object = objectPosition(s)
            let height = object.z - s.objectStartZ
            let lifted = height >= th.liftHeight && s.grasped
            s.heldSteps = lifted ? s.heldSteps + 1 : 0
            let success = s.heldSteps >= th.holdSteps
            let r = w.reach * near((hand - object).norm) + grip() + lift(height) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        case .pickPlace:
            // Grasp, carry, release: the target is where the object comes to rest on the table
            // at the goal's (x, y); success needs the object carried (lifted while grasped), then
            // let go and at rest on the table (in any orientation: an off-centre mass may turn
            // it in the grasp) within `distance` of the target, for holdSteps steps in a row.
            let object = objectPosition(s)
            let height = object.z - s.objectStartZ
            if height >= th.liftHeight && s.grasped { s.carried = true }
            let dTarget = (object - Vec3(s.task.goal.x, s.task.goal.y, s.objectStartZ)).norm
            let dx = object.x - s.task.goal.x, dy = object.y - s.task.goal.y
            let placed = s.carried && !s.grasped && (dx * dx + dy * dy).squareRoot() < th.distance
                && height < th.liftHeight / 2 && objectSpeed(s) < 0.05
            s.heldSteps = placed ? s.heldSteps + 1 : 0
            let success = s.heldSteps >= th.holdSteps
            let r = w.reach * near((hand - object).norm) + grip() + lift(height)
                + w.target * near(dTarget) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        }
    }
}

extension ArmEnvironment {
    /// How well the pads cage the object, in [0, 1]: 0 unless the object's centre lies between
    /// the pads' inner faces and within the pad geom's extent in the hand frame's x and z; then
    /// 1 − tanh(gap / 1 cm), where gap is the opening less the object's width along the closing
    /// axis.
    func caging(_ s: ArmState) -> Double {
        let frame = s.data.siteXmat[indices.gripSite]
        let p = frame.transposed * (objectPosition(s) - handPosition(s))
        let opening = gripperOpening(s), pad = s.model.geoms[indices.leftPadGeom].size
        guard abs(p.x) < pad.x, abs(p.z) < pad.z, abs(p.y) < opening / 2 else { return 0 }
        let gap = max(0, opening - objectWidth(s, along: frame.column1))
        return 1 - tanh(gap / 0.01)
    }

    /// The object's extent (m) along the world direction `u` (unit) in its current pose: its
    /// geom's support values along u and −u (Physics' support functions, in the geom's frame).
    func objectWidth(_ s: ArmState, along u: Vec3) -> Double {
        let geom = s.model.geoms.count - 1, g = s.model.geoms[geom]
        let shape = GeomShape(g.type, size: g.size)
        let local = s.data.geomXmat[geom].transposed * u
        return shape.supportValueLocal(local) + shape.supportValueLocal(-local)
    }
}
