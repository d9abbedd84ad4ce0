import Foundation
import Testing
import TestSupport

/// The last stdout line as a JSON object.
private func resultLine(_ stdout: String) throws -> [String: Any] {
    let last = stdout.split(separator: "\n").last.map(String.init) ?? ""
    return try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
}

/// CSV rows without the header, each without its last three columns (wall-clock seconds).
private func curveWithoutTimes(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map {
        $0.split(separator: ",").dropLast(3).joined(separator: ",")
    }
}

@Suite("metarl train")
struct TrainCommandTests {
    @Test("writes the learning curve, the policy directory and a final JSON line that agree")
    func outputs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let r = try runMetarl(["train", "--algo", "trpo", "--env", "point-navigation", "--goal", "0.27,-0.41",
                               "--iterations", "4", "--seed", "3", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try resultLine(r.stdout)
        #expect(json["algo"] as? String == "trpo" && json["env"] as? String == "point-navigation")
        #expect(json["iterations"] as? Int == 4 && json["seed"] as? String == "3" && json["goal"] as? String == "0.27,-0.41")
        #expect((json["seconds"] as? Double ?? -1) > 0)
        let csv = try String(contentsOf: out.appendingPathComponent("learning_curve.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "iteration,average_return,success_rate,episodes,steps,loss,mean_kl,entropy,seconds,sample_seconds,update_seconds")
        #expect(lines.count == 5)
        let last = lines.last!.split(separator: ",").map { Double($0)! }
        // The JSON numbers are the CSV's last row (JSONSerialization may round the last digit).
        let finalReturn = try #require(json["final_return"] as? Double), finalSuccess = try #require(json["final_success_rate"] as? Double)
        #expect(last[0] == 3 && abs(last[1] - finalReturn) <= 1e-12 * abs(finalReturn) && last[2] == finalSuccess,
                "\(last) vs \(finalReturn), \(finalSuccess)")
        #expect(last[3] == 20)    // the default episodes per iteration
        #expect(last[6] <= 0.01)  // TRPO's default KL bound
        // The policy directory: weights sized by its own architecture, the exact config and command.
        let policy = out.appendingPathComponent("policy")
        let weights = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: policy.appendingPathComponent("weights.json"))) as? [String: Any])
        let hidden = try #require(weights["hiddenSizes"] as? [Int])
        let sizes = [2] + hidden + [2]
        let tensors = try #require(weights["tensors"] as? [[String: Any]])
        let values = tensors.reduce(0) { $0 + (($1["values"] as? [Any])?.count ?? 0) }
        let expected = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 } + 2
        #expect(values == expected)
        let config = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: policy.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["algorithm"] as? String == "trpo")
        let command = try String(contentsOf: policy.appendingPathComponent("command.txt"), encoding: .utf8)
        #expect(command.hasPrefix("metarl train --algo trpo --env point-navigation --goal 0.27,-0.41 --iterations 4 --seed 3"))
        // Nothing temporary is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["events.out.tfevents.metarl", "learning_curve.csv", "metrics.jsonl", "policy"])
        // A second run into the same directory replaces both outputs.
        let again = try runMetarl(["train", "--algo", "vpg", "--env", "point-navigation", "--iterations", "2", "--out", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("learning_curve.csv"), encoding: .utf8).split(separator: "\n").count == 3)
        let replaced = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: policy.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(replaced["algorithm"] as? String == "vpg")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["events.out.tfevents.metarl", "learning_curve.csv", "metrics.jsonl", "policy"])
    }

    @Test("same seed → same curve at 1 and 2 threads; a config file is honoured")
    func determinismAndConfig() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A PPO config with 6 episodes per iteration, written as a user would.
        let configJSON = """
        {"algorithm":"ppo","policy":{"hiddenSizes":[16],"initialStd":0.5},"episodesPerIteration":6,"discount":0.99,
         "gaeLambda":0.95,"baseline":"linear","normalizeAdvantages":true,"vpg":{"learningRate":0.01},
         "ppo":{"learningRate":0.003,"clipRange":0.2,"epochs":2,"minibatches":2},
         "trpo":{"maxKL":0.01,"cgIterations":10,"cgDamping":0.001,"backtrackRatio":0.8,"maxBacktracks":15,"fisherSubsample":1},
         "valueFunction":{"hiddenSizes":[8],"learningRate":0.003,"stepsPerIteration":5}}
        """
        let configURL = dir.appendingPathComponent("ppo.json")
        try configJSON.write(to: configURL, atomically: true, encoding: .utf8)
        var curves: [[String]] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("t\(threads)")
            let r = try runMetarl(["train", "--config", configURL.path, "--env", "point-navigation", "--iterations", "3",
                                   "--seed", "11", "--threads", threads, "--out", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try resultLine(r.stdout)["algo"] as? String == "ppo")
            curves.append(try curveWithoutTimes(out.appendingPathComponent("learning_curve.csv")))
        }
        #expect(curves[0] == curves[1])
        #expect(curves[0].count == 3 && curves[0].allSatisfy { $0.split(separator: ",")[3] == "6" })
    }

    @Test("--show-config prints a config that --config accepts; --episodes overrides it")
    func showConfig() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shown = try runMetarl(["train", "--algo", "vpg", "--env", "point-navigation", "--episodes", "3", "--show-config"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let config = try #require(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(config["algorithm"] as? String == "vpg" && config["episodesPerIteration"] as? Int == 3)
        let url = dir.appendingPathComponent("shown.json")
        try shown.stdout.write(to: url, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try runMetarl(["train", "--config", url.path, "--env", "point-navigation", "--iterations", "2", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try curveWithoutTimes(out.appendingPathComponent("learning_curve.csv"))
        #expect(rows.count == 2 && rows.allSatisfy { $0.split(separator: ",")[3] == "3" })
    }

    @Test("bad flags exit 2 and name the flag", arguments: [
        (["--algo", "sgd", "--env", "point-navigation"], "--algo"),
        (["--algo", "trpo", "--env", "moon-walk"], "--env"),
        (["--algo", "trpo"], "--env"),
        (["--env", "point-navigation"], "--algo"),
        (["--algo", "trpo", "--env", "point-navigation", "--goal", "0.1,0.2,0.3"], "--goal"),
        (["--algo", "trpo", "--env", "point-navigation", "--goal", "0.1,north"], "--goal"),
        (["--algo", "trpo", "--env", "point-navigation", "--iterations", "-4"], "--iterations"),
        (["--algo", "trpo", "--env", "point-navigation", "--threads", "0"], "--threads"),
        (["--algo", "trpo", "--env", "point-navigation", "--speed", "3"], "--speed"),
        (["--algo", "trpo", "--env", "point-navigation", "--episodes", "0"], "--episodes"),
    ])
    func badFlags(_ flags: [String], _ named: String) throws {
        let r = try runMetarl(["train"] + flags)
        #expect(r.status == 2, "\(flags): status \(r.status)")
        #expect(r.stderr.contains(named), "\(flags): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("a config file with a wrong field exits 1 naming the file and the field")
    func badConfig() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.json")
        try #"{"algorithm":"trpo","policy":{"hiddenSizes":"wide","initialStd":1}}"#.write(to: url, atomically: true, encoding: .utf8)
        let r = try runMetarl(["train", "--config", url.path, "--env", "point-navigation"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.json") && r.stderr.contains("policy.hiddenSizes"), "\(r.stderr)")
    }

    @Test("a config whose values are out of range exits 1 naming the field, before any training")
    func outOfRangeConfig() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("zero.json")
        try """
        {"algorithm":"ppo","policy":{"hiddenSizes":[16],"initialStd":0.5},"episodesPerIteration":6,"discount":0.99,
         "gaeLambda":0.95,"baseline":"linear","normalizeAdvantages":true,"vpg":{"learningRate":0.01},
         "ppo":{"learningRate":0.003,"clipRange":0.2,"epochs":0,"minibatches":2},
         "trpo":{"maxKL":0.01,"cgIterations":10,"cgDamping":0.001,"backtrackRatio":0.8,"maxBacktracks":15,"fisherSubsample":1},
         "valueFunction":{"hiddenSizes":[8],"learningRate":0.003,"stepsPerIteration":5}}
        """.write(to: url, atomically: true, encoding: .utf8)
        let r = try runMetarl(["train", "--config", url.path, "--env", "point-navigation", "--out", dir.appendingPathComponent("o").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("zero.json") && r.stderr.contains("ppo.epochs"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }
}
