import Foundation
import Testing
import TestSupport

private let checkoutRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func lastJSON(_ stdout: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Foundation.Data(stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
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
