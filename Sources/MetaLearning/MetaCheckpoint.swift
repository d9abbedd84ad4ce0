import Autodiff
import PolicyGradient

// A meta-training run's state as a Codable value: the config, θ, the outer optimizer's moments
// and the learning curve. Floats go through JSON as their shortest round-tripping decimal form,
// so a restored state is bit-identical and a resumed run ends exactly where an uninterrupted one
// does. Restoring checks every shape and value, never trapping on a bad file.

/// A `MetaTrainingState`, Codable.
public struct MetaCheckpoint: Codable, Sendable, Equatable {
    /// "metarl-meta-training-state": identifies the file's kind.
    public var format: String
    public var version: Int
    public var config: MetaConfig
    /// θ, in PolicyCheckpoint's layout.
    public var policy: PolicyCheckpoint
    /// Adam's first and second moments, flattened in θ's parameter order, and its step count.
    public var optimizerFirstMoment: [Float]
    public var optimizerSecondMoment: [Float]
    public var optimizerStep: Int
    public var curve: [MetaIterationRecord]

    public static let formatName = "metarl-meta-training-state"

    public init(_ state: MetaTrainingState) {
        let learner = state.learner
        format = Self.formatName; version = 1
        config = learner.config
        policy = PolicyCheckpoint(policy: learner.policy, parameters: learner.parameters)
        optimizerFirstMoment = learner.optimizerState.m.flattened().scalars
        optimizerSecondMoment = learner.optimizerState.v.flattened().scalars
        optimizerStep = learner.optimizerState.step
        curve = state.curve
    }

    /// The state, after checking the format, the config, θ's shapes and the moments' sizes.
    public func restore() throws -> MetaTrainingState {
        guard format == Self.formatName else {
            throw PolicyCheckpoint.Invalid(description: "format: expected '\(Self.formatName)', found '\(format)'")
        }
        guard version == 1 else { throw PolicyCheckpoint.Invalid(description: "version: expected 1, found \(version)") }
        do { try config.validate() } catch { throw PolicyCheckpoint.Invalid(description: "config: \(error)") }
        let (network, parameters) = try policy.restore()
        guard network.meanNetwork.sizes.dropFirst().dropLast().elementsEqual(config.policy.hiddenSizes) else {
            throw PolicyCheckpoint.Invalid(description: "policy.hiddenSizes: \(policy.hiddenSizes) differ from config.policy.hiddenSizes \(config.policy.hiddenSizes)")
        }
        guard curve.enumerated().allSatisfy({ $0.offset == $0.element.iteration }) else {
            throw PolicyCheckpoint.Invalid(description: "curve: iterations must be 0, 1, 2, … in order")
        }
        let adam = try restoreAdamState(firstMoment: optimizerFirstMoment, secondMoment: optimizerSecondMoment, step: optimizerStep,
                                        for: parameters)
        let learner = MetaLearner(config: config, policy: network, parameters: parameters, optimizerState: adam)
        return MetaTrainingState(learner: learner, curve: curve)
    }
}

/// Adam's state for `parameters` from its flattened moments and step count, after checking
/// their sizes and values (errors name the field): what every training checkpoint restores.
func restoreAdamState(firstMoment: [Float], secondMoment: [Float], step: Int, for parameters: Parameters<Float>) throws -> Adam<Float>.State {
    let count = parameters.scalarCount
    for (name, moment) in [("optimizerFirstMoment", firstMoment), ("optimizerSecondMoment", secondMoment)] {
        guard moment.count == count else { throw PolicyCheckpoint.Invalid(description: "\(name): expected \(count) values, found \(moment.count)") }
        guard moment.allSatisfy(\.isFinite) else { throw PolicyCheckpoint.Invalid(description: "\(name): non-finite value") }
    }
    guard secondMoment.allSatisfy({ $0 >= 0 }) else { throw PolicyCheckpoint.Invalid(description: "optimizerSecondMoment: negative value") }
    guard step >= 0 else { throw PolicyCheckpoint.Invalid(description: "optimizerStep: expected ≥ 0, found \(step)") }
    return Adam<Float>.State(m: parameters.unflattened(Tensor(firstMoment)), v: parameters.unflattened(Tensor(secondMoment)), step: step)
}
