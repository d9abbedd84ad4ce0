import Foundation
import Testing
import TestSupport

// The shipped policies must reproduce the evaluation shipped beside them: the same command on the
// same kind of machine gives the same per-task scores, bit for bit (a seed's protocol does not
// depend on the other seeds or on the baselines, so one seed is enough to check and quick).

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Shipped policies")
struct ShippedPolicyTests {
    @Test("metarl evaluate Policies/reach-maml-trpo reproduces the shipped per-task scores (seed 0)", arguments: ["reach-maml-trpo"])
    func reproduces(_ name: String) throws {
        let dir = repositoryRoot.appendingPathComponent("Policies/\(name)")
        let shipped = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("evaluation.json"))) as? [String: Any])
        let r = try runMetarl(["evaluate", dir.path, "--seeds", "0", "--threads", "2", "--json"], currentDirectory: repositoryRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let fresh = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        func scores(_ json: [String: Any], _ method: String) throws -> (returns: [[Double]], success: [[Double]]) {
            let perTask = try #require(json["per_task"] as? [[String: Any]])
            let entry = try #require(perTask.first { $0["method"] as? String == method })
            let returns = try #require(entry["returns"] as? [[[Double]]]), success = try #require(entry["success_rates"] as? [[[Double]]])
            return (returns[0], success[0])   // seed 0 comes first in both
        }
        let method = try #require((shipped["results"] as? [[String: Any]])?.first?["method"] as? String)
        let a = try scores(shipped, method), b = try scores(fresh, method)
        #expect(a.returns == b.returns && a.success == b.success)
        #expect((shipped["seeds"] as? [String])?.first == "0")
        // The shipped result itself: adaptation raises success above the pre-update policy's
        // and above the multitask baseline's, with 95% intervals that do not overlap.
        let rows = try #require(shipped["results"] as? [[String: Any]])
        func interval(_ method: String, _ step: Int) throws -> [Double] {
            let row = try #require(rows.first { $0["method"] as? String == method && $0["adapt_step"] as? Int == step })
            return try #require((row["success_rate"] as? [String: Any])?["ci95"] as? [Double])
        }
        let after = try interval(method, 1), before = try interval(method, 0), multitask = try interval("multitask", 0)
        #expect(after[0] > before[1] && after[0] > multitask[1], "after \(after), before \(before), multitask \(multitask)")
    }
}
