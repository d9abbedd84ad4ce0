import Foundation
import Numerics
import RL

// Dense, bounded rewards and success predicates, one per family. Each is a function of the
// state (plus the hold counter that grasp-lift's "lift and hold" needs, kept in the state).
// Distances enter as 1 − tanh(d / scale) ∈ (0, 1], so a reward lies in [0, weights.maximum].
// The grasp term is firm-grasp shaping: while both pads touch, it grows with the squeeze up to
// the object's holding squeeze (the least that lifts it), so the reward itself leads the grip
// force into the object's window, whose other edge (fragility) ends the episode.

extension ArmEnvironment {
    func evaluate(_ s: inout ArmState) -> StepOutcome {
        let w = familySpec.reward, th = familySpec.success
        func near(_ d: Double) -> Double { 1 - tanh(d / w.scale) }
        let hand = handPosition(s)
        func grip() -> Double {
            guard s.grasped, let object = s.task.object else { return 0 }
            return w.grasp * min(1, s.squeeze / object.holdingSqueeze)
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
            let r = w.reach * near((hand - object).norm) + grip()
                + w.lift * min(1, max(0, height / th.liftHeight)) + (success ? w.success : 0)
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
            let r = w.reach * near((hand - object).norm) + grip()
                + w.lift * min(1, max(0, height / th.liftHeight)) + w.target * near(dTarget) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        }
    }
}
