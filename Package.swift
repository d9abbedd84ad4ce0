// swift-tools-version:6.0
// MetaRL: meta-reinforcement learning for robot manipulation. No package dependencies, by design:
// only the toolchain's own modules (Foundation, FoundationXML, Dispatch, Testing).
import PackageDescription

// Autodiff's matmul and activation kernels are compiled for AVX2+FMA (`-target-cpu haswell`:
// every x86-64 server CPU since 2013) because the portable SSE2 baseline runs them 2.5x slower
// (measured: 32 vs 80 GFLOPS at 64x64x64). METARL_TARGET_CPU overrides it: `x86-64` for a
// portable build, `znver4`/`skylake-avx512` for AVX-512 machines. Other architectures: no CPU flag.
// Autodiff is also optimized (-O) in debug builds: unoptimized, its generic SIMD kernels run
// ~3000x slower (0.02 GFLOPS), which would make every debug test that trains anything crawl.
let autodiffSettings: [SwiftSetting] = {
    #if arch(x86_64)
    let cpu = Context.environment["METARL_TARGET_CPU"] ?? "haswell"
    let optimizeInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    if cpu == "x86-64" || cpu.isEmpty { return optimizeInDebug }
    return [.unsafeFlags(["-target-cpu", cpu]), .define("AUTODIFF_FMA")] + optimizeInDebug
    #else
    return [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #endif
}()

let package = Package(
    name: "MetaRL",
    products: [
        .executable(name: "metarl", targets: ["metarl"]),
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "RL", targets: ["RL"]),
        .library(name: "PolicyGradient", targets: ["PolicyGradient"]),
    ],
    targets: [
        // Foundations: small-vector math, dense linear algebra, seeded RNG.
        .target(name: "Numerics"),
        // Rigid-body engine in generalized coordinates (MuJoCo conventions) and its MJCF compiler.
        .target(name: "Physics", dependencies: ["Numerics"]),
        // Tensors with reverse-mode autodiff whose backward rules are themselves differentiable.
        .target(name: "Autodiff", swiftSettings: autodiffSettings),
        // The agent–environment contract: Environment, spaces, splits, vectorized stepping.
        .target(name: "RL", dependencies: ["Numerics"]),
        // Environments on the contract: the robot suite and the point-navigation canary.
        .target(name: "Robotics", dependencies: ["Numerics", "Physics", "RL"]),
        // Gaussian MLP policies, baselines, VPG, PPO and TRPO; sees environments only through RL.
        // Optimized in debug builds too, for Autodiff's reason: its inlined tensor code is
        // specialized here, and unoptimized it would make every debug training test crawl.
        .target(name: "PolicyGradient", dependencies: ["Numerics", "Autodiff", "RL"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The command-line tool: argument parsing and subcommands only.
        .executableTarget(name: "metarl", dependencies: ["Numerics", "Physics", "Autodiff", "RL", "Robotics", "PolicyGradient"]),

        .target(name: "TestSupport", dependencies: ["Numerics"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "TestSupport"]),
        .testTarget(name: "RLTests", dependencies: ["RL", "TestSupport"]),
        // Fixtures/ holds MuJoCo reference data read via #filePath, not bundled resources.
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TestSupport"]),
        .testTarget(name: "RoboticsTests", dependencies: ["Robotics", "RL", "Numerics", "TestSupport"]),
        // Learners are tested on point-navigation, hence Robotics here (the module itself never imports it).
        .testTarget(name: "PolicyGradientTests", dependencies: ["PolicyGradient", "Autodiff", "RL", "Robotics", "Numerics", "TestSupport"]),
        // Runs the built `metarl` binary as a user would: exit codes, messages, outputs.
        .testTarget(name: "CLITests", dependencies: ["metarl", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
