import Foundation
import Testing
import Numerics
import RL
import Robotics

@Suite("Specs, catalogs and benchmarks as data")
struct SpecTests {
    @Test("every shipped spec and catalog loads and validates")
    func shippedFilesValid() throws {
        #expect(testSuite.specNames() == ["grasp-lift", "pick-place", "push", "reach"])
        for name in testSuite.specNames() {
            let spec = try testSuite.loadSpec(name)
            #expect(spec.family.rawValue == name)
            #expect(spec.issues().isEmpty)
            // The JSON round-trips through the same Codable types a Swift user edits.
            let again = try JSONDecoder().decode(FamilySpec.self, from: JSONEncoder().encode(spec))
            #expect(again == spec)
        }
    }

    @Test("the held-out split lies outside the train ranges: heavier, more slippery",
          arguments: ["objects/tabletop.json", "objects/pucks.json"])
    func heldOutOutsideTrain(file: String) throws {
        let catalog = try testSuite.loadCatalog(file)
        let trainMass = catalog.train.map(\.mass), trainFriction = catalog.train.map(\.friction)
        #expect(catalog.heldout.contains { $0.mass > trainMass.max()! })
        #expect(catalog.heldout.contains { $0.friction < trainFriction.min()! })
        #expect(Set(catalog.train.map(\.name)).isDisjoint(with: catalog.heldout.map(\.name)))
    }

    private func writeAndLoad(_ edit: (inout [String: Any]) -> Void) throws -> SpecError? {
        let dir = try TestSupportTemp.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try Foundation.Data(contentsOf: environmentsRoot.appendingPathComponent("tasks/grasp-lift.json"))
        var json = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        edit(&json)
        let url = dir.appendingPathComponent("bad.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        do {
            _ = try testSuite.loadSpec(url.path)
            return nil
        } catch let error as SpecError {
            #expect(error.file == url.path)
            return error
        }
    }

    @Test("bad specs are rejected with the file, the field path and the value")
    func validationMessages() throws {
        let horizon = try writeAndLoad { $0["horizon"] = -3 }
        #expect(horizon?.description.contains("horizon") == true && horizon?.description.contains("-3") == true, "\(String(describing: horizon))")

        let speed = try writeAndLoad { j in
            var c = j["controller"] as! [String: Any]; c["maxSpeed"] = 7.5; j["controller"] = c
        }
        #expect(speed?.description.contains("controller.maxSpeed") == true && speed?.description.contains("7.5") == true)

        let dist = try writeAndLoad { $0["objectX"] = ["uniform": [0.6, 0.4]] }
        #expect(dist?.description.contains("objectX") == true && dist?.description.contains("0.6") == true)

        let family = try writeAndLoad { $0["family"] = "fly" }
        #expect(family?.description.contains("family") == true && family?.description.contains("fly") == true, "\(String(describing: family))")

        let missing = try writeAndLoad { $0.removeValue(forKey: "horizon") }
        #expect(missing?.description.contains("horizon") == true && missing?.description.contains("missing") == true)

        let hidden = try writeAndLoad { $0["hidden"] = ["goal"] }
        #expect(hidden?.description.contains("hidden[0]") == true && hidden?.description.contains("goal") == true)

        let rate = try writeAndLoad { $0["substeps"] = 100 }
        #expect(rate?.description.contains("substeps") == true, "\(String(describing: rate))")

        let catalog = try writeAndLoad { $0["objects"] = "objects/nope.json" }
        #expect(catalog?.description.contains("objects/nope.json") == true)

        #expect(try writeAndLoad { _ in } == nil)
    }

    @Test("bad catalog entries name the object path and value")
    func catalogMessages() throws {
        var catalog = try testSuite.loadCatalog("objects/tabletop.json")
        catalog.train[2].mass = -1
        catalog.heldout[0].size = [0.02, 0.02]
        catalog.heldout[1].comOffset = [0.5, 0, 0]
        let dir = try TestSupportTemp.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("c.json")
        try JSONEncoder().encode(catalog).write(to: url)
        do {
            _ = try testSuite.loadCatalog(url.path)
            Issue.record("a bad catalog loaded")
        } catch let error as SpecError {
            let text = error.description
            #expect(text.contains("train[2].mass") && text.contains("-1"))
            #expect(text.contains("heldout[0].size") && text.contains("box takes 3"))
            #expect(text.contains("heldout[1].comOffset"))
        }
    }

    @Test("benchmarks: same seed same tasks; test tasks only on held-out objects, from another stream")
    func benchmarkSplits() throws {
        let a = try Benchmark.ml1(.graspLift, suite: testSuite, seed: 42, trainCount: 30, testCount: 30)
        let b = try Benchmark.ml1(.graspLift, suite: testSuite, seed: 42, trainCount: 30, testCount: 30)
        let c = try Benchmark.ml1(.graspLift, suite: testSuite, seed: 43, trainCount: 30, testCount: 30)
        #expect(a.trainTasks == b.trainTasks && a.testTasks == b.testTasks)
        #expect(a.trainTasks != c.trainTasks)
        let catalog = try testSuite.loadCatalog("objects/tabletop.json")
        let heldout = Set(catalog.heldout.map(\.name)), train = Set(catalog.train.map(\.name))
        #expect(a.trainTasks.allSatisfy { train.contains($0.object!.name) && $0.split == .train })
        #expect(a.testTasks.allSatisfy { heldout.contains($0.object!.name) && $0.split == .heldout })
        // Goals of reach: train and test goals come from different streams, so none coincide.
        let r = try Benchmark.ml1(.reach, suite: testSuite, seed: 42, trainCount: 30, testCount: 30)
        #expect(Set(r.trainTasks.map(\.goal)).isDisjoint(with: r.testTasks.map(\.goal)))
        // Sampled values respect the spec's ranges.
        let spec = try testSuite.loadSpec("reach")
        for t in r.trainTasks + r.testTasks {
            #expect(t.goal.x >= spec.goal!.x.bounds.low && t.goal.x <= spec.goal!.x.bounds.high)
        }
    }

    @Test("distributions: uniform, log-uniform and choice stay in range and have the right medians")
    func distributions() {
        var rng = RandomSource(seed: 9)
        let n = 20_000
        let logs = (0..<n).map { _ in Distribution.logUniform(0.01, 1).sample(&rng) }.sorted()
        // Log-uniform on [0.01, 1]: median = sqrt(0.01 · 1) = 0.1.
        #expect(abs(logs[n / 2] - 0.1) < 0.01)
        #expect(logs.first! >= 0.01 && logs.last! <= 1)
        let uni = (0..<n).map { _ in Distribution.uniform(2, 4).sample(&rng) }.sorted()
        #expect(abs(uni[n / 2] - 3) < 0.05)
        let choice = (0..<n).map { _ in Distribution.choice([1, 2, 3]).sample(&rng) }
        #expect(Set(choice) == [1, 2, 3])
        #expect(abs(Double(choice.filter { $0 == 2 }.count) / Double(n) - 1.0 / 3) < 0.02)
        let decoded = try? JSONDecoder().decode([Distribution].self, from: Foundation.Data(#"[0.5, {"uniform": [1, 2]}, {"log-uniform": [0.1, 1]}, {"choice": [3, 4]}]"#.utf8))
        #expect(decoded == [.constant(0.5), .uniform(1, 2), .logUniform(0.1, 1), .choice([3, 4])])
    }
}

enum TestSupportTemp {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metarl-robotics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
