import Foundation
import Testing
import TestSupport

@Suite("metarl train --algo maml-trpo")
struct TrainMAMLCommandTests {
    /// CSV rows without the header and without the last three columns (wall-clock times).
    func curveWithoutTimes(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",").dropLast(3).joined(separator: ",")
        }
    }

    @Test("writes the meta-learning curve and the policy; the JSON line matches the CSV; --threads changes nothing")
    func outputs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var curves: [[String]] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("run\(threads)")
            let r = try runMetarl(["train", "--algo", "maml-trpo", "--env", "point-navigation", "--iterations", "2",
                                   "--episodes", "2", "--seed", "3", "--threads", threads, "--out", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let json = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(json["algo"] as? String == "maml-trpo" && json["env"] as? String == "point-navigation")
            let csv = try String(contentsOf: out.appendingPathComponent("learning_curve.csv"), encoding: .utf8)
            let lines = csv.split(separator: "\n")
            #expect(lines.first == "iteration,pre_update_return,post_update_return,pre_update_success_rate,post_update_success_rate,mean_kl,line_search_steps,accepted,seconds,sampling_seconds,meta_update_seconds")
            #expect(lines.count == 3)
            let row = lines.last!.split(separator: ",").map { Double($0)! }
            let post = try #require(json["final_post_update_return"] as? Double)
            #expect(row[0] == 1 && abs(row[2] - post) <= 1e-12 * abs(post))
            for file in ["weights.json", "config.json", "command.txt"] {
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("policy/\(file)").path), "\(file)")
            }
            curves.append(try curveWithoutTimes(out.appendingPathComponent("learning_curve.csv")))
        }
        #expect(curves[0] == curves[1])
    }

    @Test("--goal with a meta-learning algorithm, an unknown environment or algorithm are usage errors naming the option")
    func usageErrors() throws {
        let goal = try runMetarl(["train", "--algo", "maml-trpo", "--env", "reach", "--goal", "0.5,0,1"])
        #expect(goal.status == 2 && goal.stderr.contains("--goal"))
        let env = try runMetarl(["train", "--algo", "promp", "--env", "nowhere"])
        #expect(env.status == 2 && env.stderr.contains("--env") && env.stderr.contains("nowhere"))
        let algo = try runMetarl(["train", "--algo", "mammal", "--env", "reach"])
        #expect(algo.status == 2 && algo.stderr.contains("reptile") && algo.stderr.contains("mammal"))
        let resume = try runMetarl(["train", "--resume", "/nonexistent/run", "--seed", "3"])
        #expect(resume.status == 2 && resume.stderr.contains("--seed"))
    }
}
