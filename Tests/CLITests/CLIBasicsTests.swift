import Foundation
import Testing
import TestSupport

@Suite("metarl command line")
struct CLIBasicsTests {
    @Test("--help lists the subcommands and exits 0")
    func help() throws {
        let r = try runMetarl(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage: metarl"))
    }

    @Test("every subcommand: --help and 'help X' show its usage and an example; an unknown flag is a usage error (2)")
    func everySubcommand() throws {
        let overview = try runMetarl(["--help"]).stdout
        // The subcommand list: indented lines after "Subcommands:", name then two spaces.
        let names = overview.components(separatedBy: "Subcommands:\n")[1].split(separator: "\n")
            .prefix { $0.hasPrefix("  ") }
            .map { $0.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")[0] }
        #expect(names.count >= 16 && names.contains("render") && names.contains("report"), "\(names)")
        for name in names {
            let words = name.split(separator: " ").map(String.init)
            for arguments in [["help"] + words, words + ["--help"]] {
                let r = try runMetarl(arguments)
                #expect(r.status == 0 && r.stdout.hasPrefix("Usage: metarl \(name)") && r.stdout.contains("Example"), "\(arguments)")
            }
            // Before any work: a usage error (the first problem found: a missing argument or the flag).
            let bad = try runMetarl(words + ["--no-such-flag"])
            #expect(bad.status == 2 && bad.stderr.hasPrefix("metarl \(name): error: ") && bad.stderr.contains("See 'metarl help \(name)'"),
                    "\(name): \(bad.status) \(bad.stderr)")
        }
        let defaultJob = try runMetarl(["--no-such-flag"])
        #expect(defaultJob.status == 2 && defaultJob.stderr.hasPrefix("metarl: error: unknown option '--no-such-flag'"), "\(defaultJob.stderr)")
    }

    @Test("an unknown subcommand exits 2 and names it")
    func unknownSubcommand() throws {
        let r = try runMetarl(["frobnicate"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown subcommand 'frobnicate'"))
    }

    @Test("help for an unknown subcommand exits 2")
    func helpUnknown() throws {
        let r = try runMetarl(["help", "nope"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("'nope'"))
    }

    @Test("no arguments: meta-trains on reach, evaluates on held-out goals, ends with a JSON summary")
    func defaultJob() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("default")
        let r = try runMetarl(["--iterations", "1", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let json = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(json["job"] as? String == "maml-trpo-reach" && json["iterations"] as? Int == 1)
        let before = try #require(json["success_before"] as? Double), after = try #require(json["success_after"] as? Double)
        #expect((0...1).contains(before) && (0...1).contains(after))
        #expect(r.stderr.contains("maml-trpo") && r.stderr.contains("success mean"))
        for file in ["evaluation.json", "policy/weights.json", "checkpoint.json", "learning_curve.csv"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
    }
}
