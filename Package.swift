// swift-tools-version:6.1
// MetaRL: meta-reinforcement learning for robot manipulation. No package dependencies, by design:
// only the toolchain's own modules (Foundation, FoundationXML, Dispatch, Testing). The one
// optional C system library is MPI, behind the package trait MPI (off by default):
// `swift build -c release --traits MPI` builds a metarl that runs under mpirun/srun.
import PackageDescription

// Autodiff's hot loops (AutodiffKernels: GEMM, exp, tanh) are compiled for AVX2+FMA
// (`-target-cpu haswell`: every x86-64 server CPU since 2013) because the portable SSE2 baseline
// runs them 2.5x slower (measured: 31 vs 80 GFLOPS at 64x64x64). The same source is compiled a
// second time for AVX-512 (AutodiffKernelsAVX512, ~200 GFLOPS here); Autodiff picks that one at
// run time only on CPUs that report AVX-512. METARL_TARGET_CPU=x86-64 builds both portably
// (no CPU flags). Other architectures: no CPU flags.
// Autodiff and its kernels are also optimized (-O) in debug builds: unoptimized, the generic SIMD
// kernels run ~3000x slower (0.02 GFLOPS), which would make every debug test that trains crawl.
let optimizeInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
func kernelSettings(cpu: String) -> [SwiftSetting] {
    #if arch(x86_64)
    if Context.environment["METARL_TARGET_CPU"] == "x86-64" { return optimizeInDebug }
    return [.unsafeFlags(["-target-cpu", Context.environment["METARL_TARGET_CPU"] ?? cpu]), .define("AUTODIFF_FMA")] + optimizeInDebug
    #else
    return optimizeInDebug
    #endif
}

let package = Package(
    name: "MetaRL",
    products: [
        .executable(name: "metarl", targets: ["metarl"]),
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "RL", targets: ["RL"]),
        .library(name: "Robotics", targets: ["Robotics"]),
        .library(name: "PolicyGradient", targets: ["PolicyGradient"]),
        .library(name: "MetaLearning", targets: ["MetaLearning"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Rendering", targets: ["Rendering"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Distributed meta-training with `mpirun -n N metarl train` (needs an MPI library: Debian's libopenmpi-dev, Homebrew's open-mpi)."),
    ],
    targets: [
        // Foundations: small-vector math, dense linear algebra, seeded RNG.
        .target(name: "Numerics"),
        // Rigid-body engine in generalized coordinates (MuJoCo conventions) and its MJCF compiler.
        .target(name: "Physics", dependencies: ["Numerics"]),
        // Tensors with reverse-mode autodiff whose backward rules are themselves differentiable.
        .target(name: "Autodiff", dependencies: ["AutodiffKernels", "AutodiffKernelsAVX512"], swiftSettings: optimizeInDebug),
        // Autodiff's raw-pointer loops, compiled for AVX2+FMA; and the same file (a symbolic link)
        // compiled for AVX-512. Autodiff chooses between them at run time.
        .target(name: "AutodiffKernels", swiftSettings: kernelSettings(cpu: "haswell")),
        .target(name: "AutodiffKernelsAVX512", swiftSettings: kernelSettings(cpu: "skylake-avx512")),
        // The one collective a distributed run needs (all-gather in rank order), single-process by default.
        .target(name: "Collectives"),
        // MPI behind the trait: the C library through a module map and a shim of inline functions
        // (MPI's handles are macros Swift cannot see), and Communicator on MPI_COMM_WORLD.
        .systemLibrary(name: "CMPI", pkgConfig: "mpi", providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]),
        .target(name: "CollectivesMPI", dependencies: ["CMPI", "Collectives"]),
        // The agent–environment contract: Environment, spaces, splits, vectorized stepping.
        .target(name: "RL", dependencies: ["Numerics", "Collectives"]),
        // Environments on the contract: the robot arm suite and the point-navigation canary.
        .target(name: "Robotics", dependencies: ["Numerics", "Physics", "RL"]),
        // Gaussian MLP policies, baselines, VPG, PPO and TRPO; sees environments only through RL.
        // Optimized in debug builds too, for Autodiff's reason: its inlined tensor code is
        // specialized here, and unoptimized it would make every debug training test crawl.
        .target(name: "PolicyGradient", dependencies: ["Numerics", "Autodiff", "RL", "Collectives"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // MAML for RL: the inner adaptation step as a pure function of θ, meta-gradient estimators
        // (exact DiCE, LVC, first-order, naive) and the MAML-TRPO outer loop. Optimized in debug
        // builds for PolicyGradient's reason (second-order tensor code specialized here).
        .target(name: "MetaLearning", dependencies: ["Numerics", "Autodiff", "RL", "PolicyGradient", "Collectives"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Evaluation statistics on plain numbers: mean, IQM and stratified-bootstrap intervals (rliable).
        .target(name: "Reports"),
        // Pictures of episodes: meshes of the geoms, a software rasterizer and PNG writer for
        // stills, and a self-contained WebGL page that plays a recorded rollout.
        .target(name: "Rendering", dependencies: ["Numerics", "Physics"]),
        // The command-line tool: argument parsing and subcommands only.
        // With the trait MPI it also links CollectivesMPI and compiles its `#if MPI` paths.
        .executableTarget(name: "metarl", dependencies: ["Numerics", "Physics", "Autodiff", "RL", "Robotics", "PolicyGradient", "MetaLearning", "Reports", "Rendering", "Collectives",
                                                         .target(name: "CollectivesMPI", condition: .when(traits: ["MPI"]))]),

        .target(name: "TestSupport", dependencies: ["Numerics"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "TestSupport"]),
        .testTarget(name: "RLTests", dependencies: ["RL", "Collectives", "TestSupport"]),
        .testTarget(name: "RoboticsTests", dependencies: ["Robotics", "RL", "Numerics", "TestSupport"]),
        // Fixtures/ holds MuJoCo reference data read via #filePath, not bundled resources.
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "AutodiffKernels", "AutodiffKernelsAVX512", "TestSupport"]),
        // Learners are tested on point-navigation, hence Robotics here (the module itself never imports it).
        .testTarget(name: "PolicyGradientTests", dependencies: ["PolicyGradient", "Autodiff", "RL", "Robotics", "Numerics", "Collectives", "TestSupport"]),
        // Meta-gradients against METAGRAD.md's closed forms; adaptation on point-navigation (Robotics).
        .testTarget(name: "MetaLearningTests", dependencies: ["MetaLearning", "PolicyGradient", "Autodiff", "RL", "Robotics", "Numerics", "Collectives", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Physics", "Numerics", "TestSupport"]),
        .testTarget(name: "CollectivesTests", dependencies: ["Collectives"]),
        // Runs the built `metarl` binary as a user would: exit codes, messages, outputs.
        .testTarget(name: "CLITests", dependencies: ["metarl", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
