import Foundation
import Testing
import TestSupport

// The meta-learning commands as a user runs them: train → (resume) → evaluate → adapt → rollout,
// on point-navigation with tiny settings so each call takes a second.

private func lastJSON(_ r: ProcessResult) throws -> [String: Any] {
    let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
    return try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "stdout: \(r.stdout)\nstderr: \(r.stderr)")
}

/// CSV rows without the header and without the last three columns (wall-clock times).
private func curveWithoutTimes(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map {
        $0.split(separator: ",").dropLast(3).joined(separator: ",")
    }
}

private func train(_ algo: String, iterations: Int, out: URL) throws -> [String: Any] {
    let r = try runMetarl(["train", "--algo", algo, "--env", "point-navigation", "--iterations", "\(iterations)",
                           "--episodes", "2", "--seed", "5", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    return try lastJSON(r)
}

/// The run's three logs hold the same `iterations` rows: learning_curve.csv, metrics.jsonl (same
/// columns and values), and a TensorBoard event file of valid TFRecords (the lengths and masked
/// CRC-32Cs check out): a version record, then one per iteration with one scalar per column.
private func checkLogs(_ dir: URL, iterations: Int) throws {
    let csv = try String(contentsOf: dir.appendingPathComponent("learning_curve.csv"), encoding: .utf8).split(separator: "\n")
    let header = csv[0].split(separator: ",").map(String.init)
    let jsonl = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    #expect(csv.count == iterations + 1 && jsonl.count == iterations)
    for (row, line) in zip(csv.dropFirst(), jsonl) {
        // Valid JSON, and each value spelled as in the CSV (compared as text: Foundation's JSON
        // parser does not round every double correctly).
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object.count == header.count)
        let expected = zip(header, row.split(separator: ",")).map { "\"\($0)\":\($1)" }.joined(separator: ",")
        #expect(line == "{" + expected + "}")
    }
    let events = try [UInt8](Data(contentsOf: dir.appendingPathComponent("events.out.tfevents.metarl")))
    var offset = 0, records = 0
    func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {   // CRC-32C, masked as TFRecord does
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c ^= UInt32(b); for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 } }
        c ^= 0xFFFF_FFFF
        return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
    }
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(events[at + $1]) << (8 * $1) } }
    var tagCounts: [Int] = []
    while offset < events.count {
        let length = (0..<8).reduce(0) { $0 | Int(events[offset + $1]) << (8 * $1) }
        #expect(u32(offset + 8) == crc(events[offset..<(offset + 8)]))
        let payload = events[(offset + 12)..<(offset + 12 + length)]
        #expect(u32(offset + 12 + length) == crc(payload))
        // Each scalar is one Summary.Value, holding its tag as field 1: count the tag prefixes.
        tagCounts.append(String(decoding: payload, as: UTF8.self).components(separatedBy: "meta/").count - 1)
        offset += 16 + length; records += 1
    }
    #expect(offset == events.count && records == iterations + 1)
    #expect(tagCounts == [0] + [Int](repeating: header.count - 1, count: iterations))
}

@Suite("metarl train (meta) / evaluate / adapt")
struct MetaCommandTests {
    @Test("train --resume continues a run bit-identically (checksum and curve), for an algorithm with optimizer state")
    func resume() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = dir.appendingPathComponent("whole"), part = dir.appendingPathComponent("part")
        let straight = try train("maml-ppo", iterations: 3, out: whole)
        _ = try train("maml-ppo", iterations: 1, out: part)
        let r = try runMetarl(["train", "--resume", part.path, "--iterations", "3", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let resumed = try lastJSON(r)
        #expect(resumed["iterations"] as? Int == 3)
        #expect(resumed["parameters_checksum"] as? String == straight["parameters_checksum"] as? String)
        #expect(try curveWithoutTimes(part.appendingPathComponent("learning_curve.csv"))
                == curveWithoutTimes(whole.appendingPathComponent("learning_curve.csv")))
        for file in ["run.json", "checkpoint.json", "policy/weights.json", "policy/config.json", "policy/command.txt"] {
            #expect(FileManager.default.fileExists(atPath: part.appendingPathComponent(file).path), "\(file)")
        }
        try checkLogs(part, iterations: 3)
        // run.json records where the run was made.
        let runFile = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: part.appendingPathComponent("run.json"))) as? [String: Any])
        let provenance = try #require(runFile["provenance"] as? [String: Any])
        #expect((provenance["cores"] as? Int ?? 0) >= 1 && provenance["ranks"] as? Int == 1 && provenance["hostname"] is String)
        #expect(runFile["started"] is Double)
        // A damaged checkpoint is a runtime error naming the file; nothing is overwritten.
        let checkpoint = part.appendingPathComponent("checkpoint.json")
        let before = try Data(contentsOf: checkpoint)
        try Data("{\"format\": 3}".utf8).write(to: checkpoint)
        let bad = try runMetarl(["train", "--resume", part.path, "--iterations", "4"])
        #expect(bad.status == 1 && bad.stderr.contains("checkpoint.json"), "\(bad.stderr)")
        try before.write(to: checkpoint)
        let done = try runMetarl(["train", "--resume", part.path, "--iterations", "2"])
        #expect(done.status == 2 && done.stderr.contains("--iterations"))
    }

    @Test("Ctrl-C stops after an iteration's checkpoint with status 130; --resume then ends bit-identical to an uninterrupted run")
    func interrupt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run"), whole = dir.appendingPathComponent("whole")
        let straight = try train("fomaml", iterations: 30, out: whole)
        let checkpoint = run.appendingPathComponent("checkpoint.json").path
        let r = try runMetarl(["train", "--algo", "fomaml", "--env", "point-navigation", "--iterations", "30",
                               "--episodes", "2", "--seed", "5", "--out", run.path]) { process in
            // SIGINT once the first checkpoint exists, i.e. mid-run.
            while process.isRunning && !FileManager.default.fileExists(atPath: checkpoint) { usleep(2_000) }
            process.interrupt()
        }
        #expect(r.status == 130, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("interrupted after iteration") && r.stderr.contains("--resume \(run.path)"), "\(r.stderr)")
        let done = try String(contentsOf: run.appendingPathComponent("learning_curve.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1
        #expect(done >= 1 && done < 30, "\(done) iterations before the stop")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("policy").path), "policy/ is written at the end only")
        let resumed = try runMetarl(["train", "--resume", run.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try lastJSON(resumed)["parameters_checksum"] as? String == straight["parameters_checksum"] as? String)
        try checkLogs(run, iterations: 30)
    }

    @Test("evaluate --json: one row per method and step with mean, IQM and a CI around the mean; identical at 1 and 2 threads")
    func evaluate() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        _ = try train("maml-trpo", iterations: 1, out: run)
        var outputs: [String] = []
        for threads in ["1", "2"] {
            let r = try runMetarl(["evaluate", run.path, "--tasks", "3", "--seeds", "0,1", "--adapt-episodes", "2",
                                   "--adapt-steps", "2", "--eval-episodes", "2", "--baselines", "--baseline-iterations", "2",
                                   "--threads", threads, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(r.stdout)
            let json = try lastJSON(r)
            #expect(json["env"] as? String == "point-navigation" && json["split"] as? String == "heldout")
            #expect(json["seeds"] as? [String] == ["0", "1"])
            let settings = try #require(json["protocol"] as? [String: Any])
            #expect(settings["adapt_episodes"] as? Int == 2 && settings["adapt_steps"] as? Int == 2 && settings["eval_episodes"] as? Int == 2)
            let rows = try #require(json["results"] as? [[String: Any]])
            let methods = rows.map { $0["method"] as? String ?? "" }
            #expect(Set(methods) == ["maml-trpo", "multitask", "multitask-finetune", "scratch"])
            #expect(rows.count == 4 * 3)
            for row in rows {
                #expect((0...2).contains(row["adapt_step"] as? Int ?? -1))
                for key in ["success_rate", "return"] {
                    let s = try #require(row[key] as? [String: Any])
                    let mean = try #require(s["mean"] as? Double), ci = try #require(s["ci95"] as? [Double])
                    #expect(s["iqm"] is Double && ci.count == 2 && ci[0] <= mean + 1e-12 && mean <= ci[1] + 1e-12, "\(row)")
                }
            }
            // multitask does not adapt: multitask-finetune starts from the same policy and scores.
            let start = rows.filter { $0["adapt_step"] as? Int == 0 }
            let multitask = start.first { $0["method"] as? String == "multitask" }?["return"] as? [String: Any]
            let finetune = start.first { $0["method"] as? String == "multitask-finetune" }?["return"] as? [String: Any]
            #expect(multitask?["mean"] as? Double == finetune?["mean"] as? Double)
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test("adapt writes a policy that rollout and evaluate accept; bad requests are usage errors")
    func adapt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run"), adapted = dir.appendingPathComponent("adapted")
        _ = try train("fomaml", iterations: 1, out: run)
        let r = try runMetarl(["adapt", run.path, "--task-seed", "3", "--episodes", "2", "--steps", "2", "--out", adapted.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try lastJSON(r)
        #expect((json["returns"] as? String)?.split(separator: ",").count == 2)
        #expect((json["task"] as? String)?.contains("goal") == true)
        let weights = try String(contentsOf: adapted.appendingPathComponent("weights.json"), encoding: .utf8)
        let original = try String(contentsOf: run.appendingPathComponent("policy/weights.json"), encoding: .utf8)
        #expect(weights != original)
        let rollout = try runMetarl(["rollout", "point-navigation", "--policy", adapted.path, "--episodes", "2"])
        #expect(rollout.status == 0, "\(rollout.stderr)")
        // On the task it was adapted to: the same held-out task as adapt's --task-seed.
        let same = try runMetarl(["rollout", "point-navigation", "--policy", adapted.path, "--episodes", "2", "--task-seed", "3"])
        #expect(same.status == 0, "\(same.stderr)")
        let wrongSplit = try runMetarl(["rollout", "point-navigation", "--policy", adapted.path, "--task-seed", "3", "--split", "train"])
        #expect(wrongSplit.status == 2 && wrongSplit.stderr.contains("--task-seed"))
        let evaluate = try runMetarl(["evaluate", adapted.path, "--tasks", "2", "--seeds", "0", "--adapt-episodes", "2", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")

        let which = try runMetarl(["adapt", run.path, "--out", adapted.path])
        #expect(which.status == 2 && which.stderr.contains("--object") && which.stderr.contains("--task-seed"))
        let object = try runMetarl(["adapt", run.path, "--object", "cube", "--out", adapted.path])
        #expect(object.status == 2 && object.stderr.contains("point-navigation has no objects"))
        let missing = try runMetarl(["evaluate", dir.appendingPathComponent("nothing").path])
        #expect(missing.status == 1 && missing.stderr.contains("not a policy directory"))
        try Data("{}".utf8).write(to: run.appendingPathComponent("policy/weights.json"))
        let broken = try runMetarl(["evaluate", run.path])
        #expect(broken.status == 1 && broken.stderr.contains("weights.json"), "\(broken.stderr)")
    }

    @Test("report: plots and an HTML page from runs (with a band over seeds) and from an evaluation; bad input is named")
    func report() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        _ = try train("fomaml", iterations: 3, out: a)
        let r = try runMetarl(["train", "--algo", "fomaml", "--env", "point-navigation", "--iterations", "4", "--episodes", "2",
                               "--seed", "6", "--out", b.path])
        #expect(r.status == 0, "\(r.stderr)")
        let runs = try runMetarl(["report", a.path, b.path, "--out", dir.appendingPathComponent("runs-report").path])
        #expect(runs.status == 0, "\(runs.stderr)")
        let curves = try String(contentsOf: dir.appendingPathComponent("runs-report/curves.svg"), encoding: .utf8)
        #expect(curves.contains("mean of 2 runs") && curves.components(separatedBy: "<polygon").count == 3, "two bands")
        let html = try String(contentsOf: dir.appendingPathComponent("runs-report/report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count == 3, "both figures inline")
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained")
        // An evaluation: the shipped policy's.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let eval = try runMetarl(["report", root.appendingPathComponent("Policies/reach-maml-trpo").path, "--out", dir.appendingPathComponent("eval").path])
        #expect(eval.status == 0, "\(eval.stderr)")
        for file in ["adaptation.svg", "adaptation_return.svg", "per_task.svg", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("eval/\(file)").path), "\(file)")
        }
        let page = try String(contentsOf: dir.appendingPathComponent("eval/report.html"), encoding: .utf8)
        for method in ["maml-trpo", "multitask", "multitask-finetune", "scratch"] { #expect(page.contains("<td>\(method)</td>")) }
        // Bad inputs.
        let missing = try runMetarl(["report", dir.appendingPathComponent("nowhere").path])
        #expect(missing.status == 2 && missing.stderr.contains("no such file"))
        let badJSON = dir.appendingPathComponent("bad.json")
        try Data("{\"results\": 3}".utf8).write(to: badJSON)
        let bad = try runMetarl(["report", badJSON.path])
        #expect(bad.status == 1 && bad.stderr.contains("bad.json") && bad.stderr.contains("results"), "\(bad.stderr)")
    }

    @Test("bench maml prints its figures")
    func benchMAML() throws {
        let r = try runMetarl(["bench", "maml", "--tasks", "2", "--episodes", "2", "--horizon", "20", "--iterations", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try lastJSON(r)
        for key in ["seconds_per_iteration", "sampling_seconds", "meta_update_seconds"] {
            #expect((json[key] as? Double).map { $0 > 0 } == true, "\(key)")
        }
        #expect(json["horizon"] as? Int == 20)
    }
}
