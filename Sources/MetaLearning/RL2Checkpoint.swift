import Autodiff
import PolicyGradient

// A saved recurrent policy (RL²'s weights.json): the GRU policy's sizes and named weights.
// Restoring checks the format, every name and shape, and every value, never trapping on a bad
// file; errors are PolicyCheckpoint.Invalid with the field that is wrong.

/// A GaussianGRUPolicy's architecture and weights, Codable.
public struct RecurrentPolicyCheckpoint: Codable, Sendable, Equatable {
    /// "metarl-gaussian-gru-policy": identifies the file's kind.
    public var format: String
    public var version: Int
    public var inputSize: Int
    public var hiddenSize: Int
    public var actionSize: Int
    public var tensors: [PolicyCheckpoint.NamedTensor]

    public static let formatName = "metarl-gaussian-gru-policy"

    public init(policy: GaussianGRUPolicy<Float>, parameters: Parameters<Float>) {
        format = Self.formatName; version = 1
        inputSize = policy.inputSize; hiddenSize = policy.hiddenSize; actionSize = policy.actionSize
        tensors = zip(parameters.names, parameters.tensors).map {
            PolicyCheckpoint.NamedTensor(name: $0, shape: $1.shape.dims, values: $1.scalars)
        }
    }

    public func restore() throws -> (policy: GaussianGRUPolicy<Float>, parameters: Parameters<Float>) {
        typealias Invalid = PolicyCheckpoint.Invalid
        guard format == Self.formatName else { throw Invalid(description: "format: expected '\(Self.formatName)', found '\(format)'") }
        guard version == 1 else { throw Invalid(description: "version: expected 1, found \(version)") }
        for (name, v) in [("inputSize", inputSize), ("hiddenSize", hiddenSize), ("actionSize", actionSize)] where v <= 0 || v > 1 << 16 {
            throw Invalid(description: "\(name): expected 1...65536, found \(v)")
        }
        var rng = SystemRandomNumberGenerator()   // weights are replaced below; only the layout is used
        let policy = GaussianGRUPolicy<Float>(inputSize: inputSize, hiddenSize: hiddenSize, actionSize: actionSize, using: &rng)
        return (policy, try PolicyCheckpoint.restore(tensors, layout: policy.parameters))
    }
}

/// An RL² training run's state after `curve.count` iterations: config, weights, Adam's moments
/// and the curve. Floats round-trip through JSON exactly, so a resumed run is bit-identical.
public struct RL2TrainingCheckpoint: Codable, Sendable, Equatable {
    /// "metarl-rl2-training-state".
    public var format: String
    public var version: Int
    public var config: RL2Config
    public var policy: RecurrentPolicyCheckpoint
    public var optimizerFirstMoment: [Float]
    public var optimizerSecondMoment: [Float]
    public var optimizerStep: Int
    public var curve: [RL2Iteration]

    public static let formatName = "metarl-rl2-training-state"

    public init(learner: RL2Learner, curve: [RL2Iteration]) {
        format = Self.formatName; version = 1; config = learner.config
        policy = RecurrentPolicyCheckpoint(policy: learner.policy, parameters: learner.parameters)
        optimizerFirstMoment = learner.adam.m.flattened().scalars
        optimizerSecondMoment = learner.adam.v.flattened().scalars
        optimizerStep = learner.adam.step
        self.curve = curve
    }

    /// The learner and curve, after checking the format, config, shapes and moments.
    public func restore() throws -> (learner: RL2Learner, curve: [RL2Iteration]) {
        typealias Invalid = PolicyCheckpoint.Invalid
        guard format == Self.formatName else { throw Invalid(description: "format: expected '\(Self.formatName)', found '\(format)'") }
        guard version == 1 else { throw Invalid(description: "version: expected 1, found \(version)") }
        let issues = config.issues()
        guard issues.isEmpty else { throw Invalid(description: "config: \(issues.joined(separator: "; "))") }
        let (network, parameters) = try policy.restore()
        guard network.hiddenSize == config.hiddenSize else {
            throw Invalid(description: "policy.hiddenSize \(network.hiddenSize) differs from config.hiddenSize \(config.hiddenSize)")
        }
        guard curve.allSatisfy({ $0.returns.count == config.episodesPerTrial && $0.successRates.count == config.episodesPerTrial }) else {
            throw Invalid(description: "curve: every iteration needs \(config.episodesPerTrial) returns and success rates")
        }
        let adam = try restoreAdamState(firstMoment: optimizerFirstMoment, secondMoment: optimizerSecondMoment, step: optimizerStep,
                                        for: parameters)
        return (RL2Learner(config: config, policy: network, parameters: parameters, adam: adam), curve)
    }
}
