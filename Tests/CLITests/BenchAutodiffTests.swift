import Testing
import Foundation
import TestSupport

@Suite("metarl bench autodiff")
struct BenchAutodiffTests {
    @Test("prints one JSON line with every figure positive and finite")
    func keysAndValues() throws {
        let r = try runMetarl(["bench", "autodiff", "--repeats", "1", "--seed", "3"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
        #expect(object["seed"] as? String == "3")
        for key in ["matmul_gflops_64", "matmul_gflops_1000x64x64", "mlp_forward_batch1_us", "mlp_forward_batch1000_us",
                    "reinforce_fwd_bwd_batch10000_ms", "hvp_through_inner_step_ms"] {
            let value = try #require(object[key] as? Double, "missing \(key)")
            #expect(value > 0 && value.isFinite, "\(key) = \(value)")
        }
    }

    @Test("a bad --repeats is a usage error naming the option")
    func badRepeats() throws {
        let r = try runMetarl(["bench", "autodiff", "--repeats", "0"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--repeats"))
    }
}
