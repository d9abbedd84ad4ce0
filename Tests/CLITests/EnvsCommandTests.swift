import Foundation
import Testing
import TestSupport

/// The checkout root, so the commands find Environments/ whatever the test's working directory.
private let checkoutRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func json(_ line: Substring) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Foundation.Data(line.utf8)) as! [String: Any]
}

@Suite("metarl envs, rollout, bench env")
struct EnvsCommandTests {
    @Test("envs list names the four arm families and point-navigation with their layouts")
    func list() throws {
        let r = try runMetarl(["envs", "list"], currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try r.stdout.split(separator: "\n").map(json)
        #expect(rows.map { $0["name"] as! String } == ["grasp-lift", "pick-place", "push", "reach", "point-navigation"])
        let canary = rows.last!
        #expect(canary["observation_size"] as! Int == 2 && canary["action_size"] as! Int == 2 && canary["horizon"] as! Int == 100)
        let reach = rows.first { $0["name"] as! String == "reach" }!
        #expect(reach["action_size"] as! Int == 4 && reach["hidden"] as! String == "goal")
        // 5 physics steps of 2.5 ms.
        #expect(abs((reach["control_dt"] as! Double) - 0.0125) < 1e-15)
    }

    @Test("envs show prints the resolved spec, the layout and the hidden parameters")
    func show() throws {
        let r = try runMetarl(["envs", "show", "grasp-lift"], currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let shown = try JSONSerialization.jsonObject(with: Foundation.Data(r.stdout.utf8)) as! [String: Any]
        let observation = shown["observation"] as! [String]
        #expect(observation.count == 31 && observation.contains("object.z") && !observation.contains("mass"))
        #expect((shown["hidden"] as! [String]).contains("fragility"))
        #expect((shown["spec"] as! [String: Any])["horizon"] as! Int == 200)
        let missing = try runMetarl(["envs", "show", "no-such-env"], currentDirectory: checkoutRoot)
        #expect(missing.status == 2 && missing.stderr.contains("no-such-env"))
    }

    @Test("envs check: exit 0 for a valid file, 1 naming the field and value for a bad one")
    func check() throws {
        let ok = try runMetarl(["envs", "check", "Environments/tasks/reach.json"], currentDirectory: checkoutRoot)
        #expect(ok.status == 0 && ok.stdout.contains("\"valid\":true"), "\(ok.stderr)")
        let catalog = try runMetarl(["envs", "check", "Environments/objects/tabletop.json"], currentDirectory: checkoutRoot)
        #expect(catalog.status == 0 && catalog.stdout.contains("\"kind\":\"catalog\""))

        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: checkoutRoot.appendingPathComponent("Environments/tasks/reach.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"horizon\": 150", with: "\"horizon\": 0")
        let bad = dir.appendingPathComponent("bad.json")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let r = try runMetarl(["envs", "check", bad.path], currentDirectory: checkoutRoot)
        #expect(r.status == 1)
        #expect(r.stderr.contains(bad.path) && r.stderr.contains("horizon") && r.stderr.contains("found 0"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("rollout: the scripted oracle solves reach; random does not; seeds reproduce")
    func rollout() throws {
        let scripted = try runMetarl(["rollout", "reach", "--policy", "scripted", "--episodes", "4", "--seed", "3"], currentDirectory: checkoutRoot)
        #expect(scripted.status == 0, "\(scripted.stderr)")
        let s = try json(scripted.stdout.split(separator: "\n").last!)
        #expect(s["env"] as! String == "reach" && s["episodes"] as! Int == 4)
        #expect(s["success_rate"] as! Double == 1)
        let random = try runMetarl(["rollout", "reach", "--policy", "random", "--episodes", "4", "--seed", "3", "--split", "heldout"], currentDirectory: checkoutRoot)
        let again = try runMetarl(["rollout", "reach", "--policy", "random", "--episodes", "4", "--seed", "3", "--split", "heldout"], currentDirectory: checkoutRoot)
        #expect(random.status == 0 && random.stdout == again.stdout)
        let rr = try json(random.stdout.split(separator: "\n").last!)
        // Random hand motion averages out: it rarely comes within 5 cm of a goal ~0.3 m away.
        #expect((rr["mean_return"] as! Double) < (s["mean_return"] as! Double))
    }

    @Test("rollout errors: unknown policy and split are usage errors; an empty or broken policy directory is named")
    func rolloutErrors() throws {
        let policy = try runMetarl(["rollout", "reach", "--policy", "genius"], currentDirectory: checkoutRoot)
        #expect(policy.status == 2 && policy.stderr.contains("genius"))
        let split = try runMetarl(["rollout", "reach", "--policy", "random", "--split", "test"], currentDirectory: checkoutRoot)
        #expect(split.status == 2 && split.stderr.contains("test"))
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let directory = try runMetarl(["rollout", "reach", "--policy", dir.path], currentDirectory: checkoutRoot)
        #expect(directory.status == 1 && directory.stderr.contains("not a policy directory"))
        try #"{"format": "metarl-gaussian-mlp-policy", "version": 7}"#.write(to: dir.appendingPathComponent("weights.json"), atomically: true, encoding: .utf8)
        let broken = try runMetarl(["rollout", "reach", "--policy", dir.path], currentDirectory: checkoutRoot)
        #expect(broken.status == 1 && broken.stderr.contains("weights.json") && broken.stderr.contains("not a policy checkpoint"))
    }

    @Test("rollout runs a trained policy directory; a policy for another environment is refused by its sizes")
    func rolloutTrainedPolicy() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = try runMetarl(["train", "--algo", "trpo", "--env", "point-navigation", "--goal", "0.2,0.3",
                                   "--iterations", "3", "--seed", "2", "--out", dir.path], currentDirectory: checkoutRoot)
        #expect(train.status == 0, "\(train.stderr)")
        let run = try runMetarl(["rollout", "point-navigation", "--policy", dir.path, "--episodes", "5", "--split", "heldout"],
                                currentDirectory: checkoutRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let j = try json(run.stdout.split(separator: "\n").last!)
        #expect(j["episodes"] as! Int == 5 && j["policy"] as! String == dir.path)
        let steps = j["mean_steps"] as! Double
        #expect(steps >= 1 && steps <= 100)
        let mismatch = try runMetarl(["rollout", "reach", "--policy", dir.path, "--episodes", "1"], currentDirectory: checkoutRoot)
        #expect(mismatch.status == 1 && mismatch.stderr.contains("maps 2 observations to 2 actions, but reach has 18 and 4"))
    }

    @Test("rollout on point-navigation: the goal-seeking oracle always succeeds, random actions rarely")
    func rolloutPointNavigation() throws {
        let oracle = try json(try runMetarl(["rollout", "point-navigation", "--policy", "scripted", "--episodes", "20"],
                                            currentDirectory: checkoutRoot).stdout.split(separator: "\n").last!)
        let random = try json(try runMetarl(["rollout", "point-navigation", "--policy", "random", "--episodes", "20"],
                                            currentDirectory: checkoutRoot).stdout.split(separator: "\n").last!)
        #expect(oracle["success_rate"] as! Double == 1)
        // At most 8 steps: |goal| ≤ 0.5·√2 and each step moves up to 0.1 per axis.
        #expect((oracle["mean_steps"] as! Double) <= 8)
        #expect((random["success_rate"] as! Double) < 1 && (random["mean_return"] as! Double) < (oracle["mean_return"] as! Double))
    }

    @Test("bench env prints env, batch, threads, control_dt and a positive steps_per_second")
    func benchEnv() throws {
        let r = try runMetarl(["bench", "env", "reach", "--batch", "2", "--threads", "2", "--steps", "10"], currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try json(r.stdout.split(separator: "\n").last!)
        #expect(j["env"] as! String == "reach" && j["batch"] as! Int == 2 && j["threads"] as! Int == 2)
        #expect(abs((j["control_dt"] as! Double) - 0.0125) < 1e-15)
        #expect((j["steps_per_second"] as! Double) > 0)
        let bad = try runMetarl(["bench", "env", "reach", "--batch", "0"], currentDirectory: checkoutRoot)
        #expect(bad.status == 2 && bad.stderr.contains("--batch"))
    }
}
