// swift-tools-version:6.0
// MetaRL: meta-reinforcement learning for robot manipulation. No package dependencies, by design:
// only the toolchain's own modules (Foundation, FoundationXML, Dispatch, Testing).
import PackageDescription

let package = Package(
    name: "MetaRL",
    products: [
        .executable(name: "metarl", targets: ["metarl"]),
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
    ],
    targets: [
        // Foundations: small-vector math, dense linear algebra, seeded RNG.
        .target(name: "Numerics"),
        // Rigid-body engine in generalized coordinates (MuJoCo conventions) and its MJCF compiler.
        .target(name: "Physics", dependencies: ["Numerics"]),
        // Tensors with reverse-mode autodiff whose backward rules are themselves differentiable.
        .target(name: "Autodiff"),
        // The command-line tool: argument parsing and subcommands only.
        .executableTarget(name: "metarl", dependencies: ["Physics", "Autodiff"]),

        .target(name: "TestSupport", dependencies: ["Numerics"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "TestSupport"]),
        // Fixtures/ holds MuJoCo reference data read through #filePath, not bundled resources.
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TestSupport"]),
        // Runs the built `metarl` binary as a user would: exit codes, messages, outputs.
        .testTarget(name: "CLITests", dependencies: ["metarl", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
