import Foundation
import Testing
import TestSupport

private let checkoutRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func lastJSON(_ stdout: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Foundation.Data(stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
}

/// A tiny rl2-ppo config (one task, one trial) so a reach run takes a second.
private func rl2SmallConfig(_ dir: URL) throws -> String {
    let shown = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "reach", "--show-config"], currentDirectory: checkoutRoot)
    var config = try JSONSerialization.jsonObject(with: Foundation.Data(shown.stdout.utf8)) as! [String: Any]
    config["metaBatchSize"] = 1
    config["trialsPerTask"] = 1
    let file = dir.appendingPathComponent("rl2-small.json")
    try JSONSerialization.data(withJSONObject: config).write(to: file)
    return file.path
}

@Suite("metarl train --algo rl2-ppo")
struct RL2CommandTests {
    @Test("trains into a run directory, evaluates as method rl2-ppo (one row per episode of a trial), reports; bit-identical at 1 and 2 threads")
    func trainEvaluateReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("rl2")
        let a = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "point-navigation", "--iterations", "2", "--seed", "3",
                               "--out", run.path], currentDirectory: checkoutRoot)
        #expect(a.status == 0, "\(a.stderr)")
        let summary = try lastJSON(a.stdout)
        #expect(summary["algo"] as? String == "rl2-ppo" && summary["iterations"] as? Int == 2)
        let b = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "point-navigation", "--iterations", "2", "--seed", "3",
                               "--threads", "2"], currentDirectory: checkoutRoot)
        #expect(try lastJSON(b.stdout)["parameters_checksum"] as? String == summary["parameters_checksum"] as? String)
        for file in ["run.json", "learning_curve.csv", "metrics.jsonl", "events.out.tfevents.metarl",
                     "policy/weights.json", "policy/config.json", "policy/run.json", "policy/command.txt"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        let header = try String(contentsOf: run.appendingPathComponent("learning_curve.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header == "iteration,return_episode_1,return_episode_2,success_episode_1,success_episode_2,loss,approximate_kl,seconds")

        let e = try runMetarl(["evaluate", run.path, "--tasks", "4", "--adapt-steps", "2", "--seeds", "0,1", "--json"], currentDirectory: checkoutRoot)
        #expect(e.status == 0, "\(e.stderr)")
        let report = try lastJSON(e.stdout)
        #expect(report["env"] as? String == "point-navigation")
        let rows = report["results"] as! [[String: Any]]
        #expect(rows.map { $0["method"] as! String } == ["rl2-ppo", "rl2-ppo", "rl2-ppo"])
        #expect(rows.map { $0["adapt_step"] as! Int } == [0, 1, 2])

        let plots = try runMetarl(["report", run.path, "--out", dir.appendingPathComponent("report").path], currentDirectory: checkoutRoot)
        #expect(plots.status == 0, "\(plots.stderr)")
        let curves = try String(contentsOf: dir.appendingPathComponent("report/curves.svg"), encoding: .utf8)
        #expect(curves.contains("episode 1 of the trial") && curves.contains("episode 2 of the trial"))

        // Feed-forward-only commands say what a recurrent policy is instead of failing on its format.
        // Resumed to 3 iterations: the same parameters as a straight 3-iteration run, and the
        // log holds all three rows.
        let resume = try runMetarl(["train", "--resume", run.path, "--iterations", "3"], currentDirectory: checkoutRoot)
        #expect(resume.status == 0, "\(resume.stderr)")
        let straight = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "point-navigation", "--iterations", "3", "--seed", "3"],
                                     currentDirectory: checkoutRoot)
        #expect(try lastJSON(resume.stdout)["parameters_checksum"] as? String == lastJSON(straight.stdout)["parameters_checksum"] as? String)
        let rowsAfter = try String(contentsOf: run.appendingPathComponent("learning_curve.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rowsAfter.count == 4 && rowsAfter[1].hasPrefix("0,") && rowsAfter[3].hasPrefix("2,"))
        let again = try runMetarl(["train", "--resume", run.path, "--iterations", "2"], currentDirectory: checkoutRoot)
        #expect(again.status == 2 && again.stderr.contains("already done 3 iterations"), "\(again.stderr)")
        let rollout = try runMetarl(["rollout", "point-navigation", "--policy", run.path], currentDirectory: checkoutRoot)
        #expect(rollout.status == 1 && rollout.stderr.contains("recurrent (rl2-ppo) policy"))
    }

    @Test("evaluate takes MAML and RL² policies side by side: each one's rows equal its own evaluation's, bit for bit")
    func sideBySide() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rl2 = dir.appendingPathComponent("rl2"), maml = dir.appendingPathComponent("maml")
        for (algo, out) in [("rl2-ppo", rl2), ("maml-trpo", maml)] {
            let r = try runMetarl(["train", "--algo", algo, "--env", "point-navigation", "--iterations", "1", "--seed", "2",
                                   "--out", out.path], currentDirectory: checkoutRoot)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let protocolArgs = ["--tasks", "3", "--adapt-episodes", "2", "--seeds", "0,1", "--json"]
        func results(_ paths: [URL]) throws -> [String: Any] {
            let r = try runMetarl(["evaluate"] + paths.map(\.path) + protocolArgs, currentDirectory: checkoutRoot)
            #expect(r.status == 0, "\(r.stderr)")
            return try lastJSON(r.stdout)
        }
        let both = try results([maml, rl2])
        let rows = both["results"] as! [[String: Any]]
        #expect(rows.map { $0["method"] as! String } == ["maml-trpo", "maml-trpo", "rl2-ppo", "rl2-ppo"])
        let entries = both["policies"] as! [[String: String]]
        #expect(entries.map { $0["method"]! } == ["maml-trpo", "rl2-ppo"] && entries[1]["path"] == rl2.path)
        #expect(both["policy"] as? String == maml.path)
        // Evaluated alone, each policy scores exactly what it scored beside the other.
        for (alone, method) in [(try results([maml]), "maml-trpo"), (try results([rl2]), "rl2-ppo")] {
            let encode = { (v: Any) in String(decoding: try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]), as: UTF8.self) }
            let own = (both["per_task"] as! [[String: Any]]).first { $0["method"] as? String == method }!
            #expect(try encode((alone["per_task"] as! [[String: Any]])[0]) == encode(own))
        }
        // The same method twice, or policies of two environments, are usage errors.
        let twice = try runMetarl(["evaluate", maml.path, maml.path], currentDirectory: checkoutRoot)
        #expect(twice.status == 2 && twice.stderr.contains("both evaluate as method 'maml-trpo'"), "\(twice.stderr)")
        let reach = dir.appendingPathComponent("reach")
        let r = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "reach", "--iterations", "1", "--out", reach.path,
                               "--config", try rl2SmallConfig(dir)], currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let mixed = try runMetarl(["evaluate", maml.path, reach.path], currentDirectory: checkoutRoot)
        #expect(mixed.status == 2 && mixed.stderr.contains("was trained on point-navigation but"), "\(mixed.stderr)")
    }

    @Test("bad settings are usage errors naming the option or the config field")
    func errors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let goal = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "reach", "--goal", "0.5,0,1"], currentDirectory: checkoutRoot)
        #expect(goal.status == 2 && goal.stderr.contains("--goal"))
        let shown = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "point-navigation", "--show-config"], currentDirectory: checkoutRoot)
        #expect(shown.status == 0 && shown.stdout.contains("\"episodesPerTrial\""))
        let bad = shown.stdout.replacingOccurrences(of: "\"episodesPerTrial\" : 2", with: "\"episodesPerTrial\" : 0")
        let file = dir.appendingPathComponent("rl2.json")
        try bad.write(to: file, atomically: true, encoding: .utf8)
        let r = try runMetarl(["train", "--algo", "rl2-ppo", "--env", "point-navigation", "--config", file.path], currentDirectory: checkoutRoot)
        #expect(r.status == 1 && r.stderr.contains("episodesPerTrial: expected 1...100, found 0"), "\(r.stderr)")
    }
}
