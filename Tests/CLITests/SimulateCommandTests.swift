import Foundation
import Testing
import TestSupport

/// A one-joint pendulum with a motor, small enough to reason about by hand.
private let pendulumXML = """
<mujoco model="pendulum">
  <option timestep="0.01"/>
  <worldbody>
    <body name="bob" pos="0 0 1">
      <joint name="hinge" type="hinge" axis="0 1 0"/>
      <inertial pos="0 0 -0.5" mass="1" diaginertia="0.01 0.01 0.01"/>
    </body>
  </worldbody>
  <actuator><motor joint="hinge"/></actuator>
  <keyframe><key name="tilted" qpos="0.5"/></keyframe>
</mujoco>
"""

@Suite("metarl simulate")
struct SimulateCommandTests {
    private func withFiles(_ body: (URL) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try pendulumXML.write(to: dir.appendingPathComponent("pendulum.xml"), atomically: true, encoding: .utf8)
        try body(dir)
    }

    @Test("writes the header, the initial state and every K-th state, starting from the first keyframe")
    func output() throws {
        try withFiles { dir in
            let r = try runMetarl(["simulate", dir.appendingPathComponent("pendulum.xml").path, "--steps", "10", "--every", "5"])
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.first == "time,qpos_0,qvel_0")
            #expect(lines.count == 1 + 3)  // header, initial, steps 5 and 10
            #expect(lines[1] == "0.0,0.5,0.0")
            let last = lines[3].split(separator: ",").compactMap { Double($0) }
            #expect(abs(last[0] - 0.1) < 1e-12)
            // Gravity pulls the tilted pendulum back toward 0: angle falls, velocity negative.
            #expect(last[1] < 0.5 && last[2] < 0)
        }
    }

    @Test("controls hold their last row; a constant torque balancing gravity keeps the pendulum still")
    func controls() throws {
        try withFiles { dir in
            // Static balance at q = 0.5: τ = m g d sin q with d = 0.5 m (the COM below the hinge).
            let torque = 1 * 9.81 * 0.5 * sin(0.5)
            try "ctrl_0\n\(torque)\n".write(to: dir.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
            let r = try runMetarl(["simulate", dir.appendingPathComponent("pendulum.xml").path, "--steps", "50",
                                   "--controls", dir.appendingPathComponent("c.csv").path, "--every", "50"])
            #expect(r.status == 0, "\(r.stderr)")
            let last = r.stdout.split(separator: "\n").last!.split(separator: ",").compactMap { Double($0) }
            #expect(abs(last[1] - 0.5) < 1e-9)
        }
    }

    @Test("--out writes the same CSV to a file, atomically")
    func outFile() throws {
        try withFiles { dir in
            let model = dir.appendingPathComponent("pendulum.xml").path
            let out = dir.appendingPathComponent("traj.csv")
            let r = try runMetarl(["simulate", model, "--steps", "7", "--out", out.path])
            #expect(r.status == 0 && r.stdout.isEmpty)
            let direct = try runMetarl(["simulate", model, "--steps", "7"])
            #expect(try String(contentsOf: out, encoding: .utf8) == direct.stdout)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("usage errors exit 2 and name the problem")
    func usageErrors() throws {
        try withFiles { dir in
            let model = dir.appendingPathComponent("pendulum.xml").path
            let cases: [([String], String)] = [
                (["simulate", model], "missing --steps"),
                (["simulate", "--steps", "3"], "missing MODEL.xml"),
                (["simulate", model, "--steps", "x"], "--steps: expected an integer, found 'x'"),
                (["simulate", model, "--steps", "-1"], "--steps: -1 is outside"),
                (["simulate", model, "--steps", "1", "--bogus", "1"], "unknown option '--bogus'"),
                (["simulate", model, "--steps", "1", "--keyframe", "nope"], "--keyframe 'nope': no such keyframe"),
                (["simulate", model, "--steps", "1", "--keyframe", "3"], "has 1 keyframe"),
            ]
            for (args, message) in cases {
                let r = try runMetarl(args)
                #expect(r.status == 2, "\(args)")
                #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            }
        }
    }

    @Test("bad files exit 1 with the file, line and problem; no output file is left behind")
    func fileErrors() throws {
        try withFiles { dir in
            let model = dir.appendingPathComponent("pendulum.xml").path
            let missing = try runMetarl(["simulate", dir.appendingPathComponent("absent.xml").path, "--steps", "1"])
            #expect(missing.status == 1 && missing.stderr.contains("absent.xml"))

            try "0.1\n0.2,0.3\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("never.csv")
            let badRow = try runMetarl(["simulate", model, "--steps", "3", "--controls",
                                        dir.appendingPathComponent("bad.csv").path, "--out", out.path])
            #expect(badRow.status == 1)
            #expect(badRow.stderr.contains("bad.csv:2: expected 1 comma-separated numbers, found 2"))
            #expect(!FileManager.default.fileExists(atPath: out.path))

            try "0.1\nnan\n".write(to: dir.appendingPathComponent("nan.csv"), atomically: true, encoding: .utf8)
            let nan = try runMetarl(["simulate", model, "--steps", "3", "--controls", dir.appendingPathComponent("nan.csv").path])
            #expect(nan.status == 1 && nan.stderr.contains("nan.csv:2: column 1: expected a finite number, found 'nan'"))
        }
    }
}

@Suite("metarl bench physics")
struct BenchPhysicsCommandTests {
    @Test("prints one JSON line with positive, consistent figures")
    func json() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("pendulum.xml")
        try pendulumXML.write(to: model, atomically: true, encoding: .utf8)
        let r = try runMetarl(["bench", "physics", model.path, "--steps", "2000", "--repeats", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(object["steps"] as? Int == 2000)
        #expect(object["nq"] as? Int == 1 && object["nv"] as? Int == 1)
        let seconds = try #require(object["seconds"] as? Double)
        let rate = try #require(object["steps_per_second"] as? Double)
        #expect(seconds > 0 && abs(rate * seconds - 2000) < 1e-6 * 2000)
    }
}

@Suite("metarl bench collision")
struct BenchCollisionCommandTests {
    @Test("prints every figure as a positive finite number")
    func json() throws {
        let r = try runMetarl(["bench", "collision", "--repeats", "1", "--scale", "0.01"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let keys = ["pair_plane_box_ns", "pair_box_box_face_ns", "pair_cylinder_box_ns", "stage_box_on_plane_ns",
                    "broadphase_100_ns_per_geom", "broadphase_2000_ns_per_geom", "brute_force_2000_ns_per_geom"]
        for key in keys {
            let value = try #require(object[key] as? Double, "missing \(key)")
            #expect(value > 0 && value.isFinite, "\(key) = \(value)")
        }
        #expect(object.keys.filter { $0.hasPrefix("pair_") }.count == 10)
    }
}
