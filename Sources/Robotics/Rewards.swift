import Foundation
import Numerics
import RL

// Dense, bounded rewards and success predicates, one per family. Each is a function of the
// state (plus the hold counter that grasp-lift's "lift and hold" needs, kept in the state).
// Distances enter as 1 − tanh(d / scale) ∈ (0, 1], so a reward lies in [0, weights.maximum].

extension ArmEnvironment {
    func evaluate(_ s: inout ArmState) -> StepOutcome {
        let w = familySpec.reward, th = familySpec.success
        func near(_ d: Double) -> Double { 1 - tanh(d / w.scale) }
        let hand = handPosition(s)
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
            let r = w.reach * near((hand - object).norm) + (s.grasped ? w.grasp : 0)
                + w.lift * min(1, max(0, height / th.liftHeight)) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        case .pickPlace:
            let object = objectPosition(s)
            let height = object.z - s.objectStartZ
            let dTarget = (object - s.task.goal).norm
            let success = dTarget < th.distance
            let r = w.reach * near((hand - object).norm) + (s.grasped ? w.grasp : 0)
                + w.lift * min(1, max(0, height / th.liftHeight)) + w.target * near(dTarget) + (success ? w.success : 0)
            return StepOutcome(reward: r, success: success)
        }
    }
}
