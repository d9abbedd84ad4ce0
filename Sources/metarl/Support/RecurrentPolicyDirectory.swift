import Foundation
import Autodiff
import MetaLearning
import PolicyGradient

/// A policy directory written by `metarl train --algo rl2-ppo`: weights.json holds a
/// RecurrentPolicyCheckpoint, config.json the RL2Config, run.json the env.
struct LoadedRecurrentPolicy {
    let directory: URL
    let learner: RL2Learner
    let env: String?

    /// The folder (DIR or DIR/policy) whose weights.json is a recurrent policy, if it is one.
    static func locate(_ path: String) -> URL? {
        let base = URL(fileURLWithPath: path)
        for dir in [base, base.appendingPathComponent("policy")] {
            let file = dir.appendingPathComponent("weights.json")
            guard let data = try? Data(contentsOf: file),
                  let head = try? JSONDecoder().decode(FormatField.self, from: data) else { continue }
            return head.format == RecurrentPolicyCheckpoint.formatName ? dir : nil
        }
        return nil
    }

    init(_ dir: URL) throws {
        directory = dir
        let weightsURL = dir.appendingPathComponent("weights.json"), configURL = dir.appendingPathComponent("config.json")
        let checkpoint = try decodeFile(RecurrentPolicyCheckpoint.self, at: weightsURL)
        let (policy, parameters): (GaussianGRUPolicy<Float>, Parameters<Float>)
        do { (policy, parameters) = try checkpoint.restore() } catch let error as PolicyCheckpoint.Invalid {
            throw RuntimeError("\(weightsURL.path): \(error.description)")
        }
        let config = try decodeFile(RL2Config.self, at: configURL)
        let issues = config.issues()
        if !issues.isEmpty { throw RuntimeError("\(configURL.path): \(issues.joined(separator: "; "))") }
        guard config.hiddenSize == policy.hiddenSize else {
            throw RuntimeError("\(configURL.path): hiddenSize \(config.hiddenSize) does not match weights.json's \(policy.hiddenSize)")
        }
        learner = RL2Learner(config: config, policy: policy, parameters: parameters,
                             adam: Adam<Float>(learningRate: 1).initialState(for: parameters))
        let runURL = dir.appendingPathComponent("run.json")
        env = FileManager.default.fileExists(atPath: runURL.path) ? try decodeFile(EnvOnly.self, at: runURL).env : nil
    }

    private struct FormatField: Decodable { let format: String }
    private struct EnvOnly: Decodable { let env: String }
}
