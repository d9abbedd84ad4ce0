import Foundation
import Autodiff
import MetaLearning
import PolicyGradient
import RL

/// A policy directory read for meta-testing: the weights, and how the policy adapts. A directory
/// from meta-training (config.json a MetaConfig) adapts with its inner step; one from single-task
/// training (a TrainingConfig) is evaluated as it is, without adaptation.
struct LoadedPolicy {
    /// The directory that holds weights.json (DIR or DIR/policy).
    let directory: URL
    let policy: GaussianMLPPolicy<Float>
    let parameters: Parameters<Float>
    /// nil for a single-task policy.
    let metaConfig: MetaConfig?
    /// The single-task algorithm (vpg, ppo, trpo) when there is no MetaConfig.
    let algorithmName: String
    /// run.json's env, when the directory has one.
    let env: String?
    /// The policy's shape (for baselines built like it).
    let policyConfig: PolicyConfig

    /// The "scratch" baseline for this policy: a fresh initialization per task, adapted with the
    /// policy's own inner step when it has one, fine-tuned with PPO otherwise.
    func scratch(spec: EnvironmentSpec, seed: UInt64) -> any AdaptationMethod {
        if let metaConfig {
            return ScratchWithInnerStep(MetaLearner(config: metaConfig, policy: policy, parameters: parameters), spec: spec, seed: seed)
        }
        return FineTuning(scratch: policyConfig, spec: spec, seed: seed)
    }

    /// The policy as a method of the meta-test protocol.
    var method: any AdaptationMethod {
        if let metaConfig {
            return MetaLearnedAdaptation(MetaLearner(config: metaConfig, policy: policy, parameters: parameters))
        }
        return NoAdaptation(name: algorithmName, policy: policy, parameters: parameters)
    }

    init(_ path: String) throws {
        let read = try readPolicyCheckpoint(path)
        let dir = read.directory, checkpoint = read.checkpoint
        directory = dir; policy = read.policy; parameters = read.parameters
        let configURL = dir.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw RuntimeError("\(configURL.path): missing (a policy directory holds the config that made it)")
        }
        if let meta = try? JSONDecoder().decode(MetaConfig.self, from: Data(contentsOf: configURL)) {
            do { try meta.validate() } catch { throw RuntimeError("\(configURL.path): \(error)") }
            guard meta.policy.hiddenSizes == checkpoint.hiddenSizes else {
                throw RuntimeError("\(configURL.path): policy.hiddenSizes \(meta.policy.hiddenSizes) do not match weights.json's \(checkpoint.hiddenSizes)")
            }
            metaConfig = meta; algorithmName = meta.algorithm.rawValue; policyConfig = meta.policy
        } else {
            // Not a MetaConfig: it must be a single-task TrainingConfig (errors name its fields).
            let single = try loadTrainingConfig(configURL.path)
            metaConfig = nil; algorithmName = single.algorithm.rawValue; policyConfig = single.policy
        }
        let runURL = dir.appendingPathComponent("run.json")
        if FileManager.default.fileExists(atPath: runURL.path) {
            env = try decodeFile(EnvField.self, at: runURL).env
        } else {
            env = nil
        }
    }
}

/// The one field of run.json (single-task and meta-training both write it) that loading reads.
private struct EnvField: Decodable { let env: String }
