import Foundation
import Robotics

/// The checkout's Environments directory, found from this file's location.
let environmentsRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Environments")
let testSuite = Suite(root: environmentsRoot)

/// The environment and benchmark of `family` with `count` train and held-out tasks.
func roboticsFixture(_ family: Family, seed: UInt64 = 7, count: Int = 20) throws -> (ArmEnvironment, Benchmark) {
    let spec = try testSuite.loadSpec(family.rawValue)
    let env = try testSuite.environment(spec)
    let bench = try Benchmark.ml1(family, suite: testSuite, seed: seed, trainCount: count, testCount: count)
    return (env, bench)
}
