import Foundation
import Testing
import TestSupport

private let checkoutRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Foundation.Data(text.utf8)) as! [String: Any]
}

@Suite("metarl render")
struct RenderCommandTests {
    @Test("a page and a still of the episode metarl rollout runs: same return and success")
    func pageAndStill() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("grasp.html"), still = dir.appendingPathComponent("grasp.png")
        let a = try runMetarl(["render", "--scripted", "--env", "grasp-lift", "--split", "heldout", "--seed", "3", "--out", page.path],
                              currentDirectory: checkoutRoot)
        #expect(a.status == 0, "\(a.stderr)")
        let shown = try json(a.stdout)
        #expect(shown["env"] as? String == "grasp-lift" && shown["frames"] as? Int == 201 && shown["success"] as? Bool == true)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("id=\"scene\"") && html.contains("getContext(\"webgl\""))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))

        let b = try runMetarl(["render", "--scripted", "--env", "grasp-lift", "--split", "heldout", "--seed", "3", "--out", still.path,
                               "--frame", "120", "--width", "320", "--height", "240"], currentDirectory: checkoutRoot)
        #expect(b.status == 0, "\(b.stderr)")
        let png = try Data(contentsOf: still)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[16..<24]) == [0, 0, 1, 64, 0, 0, 0, 240])  // IHDR width 320, height 240

        let rollout = try runMetarl(["rollout", "grasp-lift", "--policy", "scripted", "--episodes", "1", "--split", "heldout", "--seed", "3"],
                                    currentDirectory: checkoutRoot)
        let r = try json(rollout.stdout)
        #expect(r["mean_return"] as? Double == shown["return"] as? Double)
        #expect(r["success_rate"] as? Double == 1)
        // No temporary files left beside the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["grasp.html", "grasp.png"])
    }

    @Test("a trained policy directory renders the episode rollout gives it; --env comes from its run.json")
    func trainedPolicy() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("reach.png")
        let r = try runMetarl(["render", "Policies/reach-maml-trpo", "--split", "heldout", "--seed", "5", "--out", out.path,
                               "--width", "64", "--height", "48"], currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let rollout = try runMetarl(["rollout", "reach", "--policy", "Policies/reach-maml-trpo", "--episodes", "1", "--split", "heldout", "--seed", "5"],
                                    currentDirectory: checkoutRoot)
        #expect(try json(r.stdout)["return"] as? Double == json(rollout.stdout)["mean_return"] as? Double)
        #expect(try json(r.stdout)["env"] as? String == "reach")
    }

    @Test("point-navigation renders too; the oracle reaches the goal")
    func pointNavigation() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runMetarl(["render", "--scripted", "--env", "point-navigation", "--out", dir.appendingPathComponent("p.html").path],
                              currentDirectory: checkoutRoot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r.stdout)["success"] as? Bool == true)
    }

    @Test("bad flags are usage errors (2) naming the flag, before any file is written; runtime failures are 1")
    func errors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("x.png").path, html = dir.appendingPathComponent("x.html").path
        let cases: [([String], Int32, String)] = [
            (["--scripted", "--env", "reach", "--out", dir.appendingPathComponent("x.txt").path], 2, "--out"),
            (["--scripted", "--env", "reach", "--out", html, "--frame", "3"], 2, "--frame"),
            (["--env", "reach", "--out", png], 2, "missing the policy"),
            (["--scripted", "--random", "--env", "reach", "--out", png], 2, "one policy"),
            (["--scripted", "--env", "grasp-lift", "--object", "no-such", "--out", png], 2, "no object 'no-such'"),
            (["--scripted", "--env", "reach", "--out", png, "--frame", "999"], 2, "frames 0...150"),
            (["--scripted", "--env", "reach", "--out", png, "--camera", "1,2"], 2, "--camera"),
            (["--scripted", "--out", png], 2, "missing --env"),
            (["--scripted", "--env", "reach", "--out", "/no/such/dir/x.png"], 1, "/no/such/dir"),
            ([dir.path, "--env", "reach", "--out", png], 1, "not a policy directory"),
        ]
        for (arguments, status, message) in cases {
            let r = try runMetarl(["render"] + arguments, currentDirectory: checkoutRoot)
            #expect(r.status == status && r.stderr.contains(message), "\(arguments): \(r.status) \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
