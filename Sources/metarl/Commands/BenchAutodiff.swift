import Foundation
import Numerics
import Autodiff

/// `metarl bench autodiff`: speed of the Autodiff kernels and of a 39→64→64→4 tanh Gaussian policy.
struct BenchAutodiff: Command {
    static let name = "bench autodiff"
    static let abstract = "Time matmul, policy forward/backward and a Hessian-vector product (JSON)."
    static let help = """
    Usage: metarl bench autodiff [--seed N] [--repeats N]

    Times the Autodiff module in Float on one thread and prints one JSON line. The policy is the
    Gaussian MLP 39→64→64→4 (tanh hidden layers, state-independent log σ), weights drawn from
    --seed; observations, actions and advantages are standard normals from the same seed.

    Every figure is the median over --repeats samples of the time per call. One untimed call
    first warms the caches and sizes the samples: a sample is N back-to-back calls timed together,
    N = 10 ms / (warm-up call time), at least 1 and at most the cap given below.

      matmul_gflops_64              C = A·B, A and B 64×64 (Tensor matmul incl. allocating C);
                                    2·64³ flops / time. Cap 200 calls.
      matmul_gflops_1000x64x64      C = A·B, A 1000×64, B 64×64; 2·1000·64·64 flops / time.
                                    Cap 20 calls.
      mlp_forward_batch1_us         policy mean and log σ for one observation [1, 39], plain
                                    (untracked) parameters, as when stepping an environment;
                                    microseconds per call. Cap 2000 calls.
      mlp_forward_batch1000_us      the same for 1000 observations; microseconds. Cap 20.
      mlp_fwd_bwd_batch1_us         graph overhead at batch 1: tracked parameters, log π(a|s) for
                                    one row, gradients of all 7 tensors; microseconds. Cap 2000.
      reinforce_fwd_bwd_batch10000_ms
                                    REINFORCE on 10 000 rows: tracked parameters, loss
                                    −mean(log π(a|s)·A), then gradients of all 7 parameter
                                    tensors (first order); milliseconds. Cap 1 call.
      hvp_through_inner_step_ms     MAML shape, 1000 inner and 1000 outer rows: θ' = θ − α∇L_in(θ)
                                    with the graph kept, L_out(θ'), then the Hessian-vector
                                    product ∇θ(∇θL_out · v) for a fixed v; milliseconds, all of
                                    it (forward, inner gradient, meta-gradient, HVP). Cap 1.

    Also reported: "kernels" (the compilation of the kernels in use: "avx512" on CPUs with AVX-512,
    "fma" for the AVX2+FMA one, "baseline" for a portable METARL_TARGET_CPU=x86-64 build;
    METARL_KERNELS=avx2 in the environment forces the AVX2 path), "seed",
    "repeats" and "checksum" (a sum of one output element per workload, from the warm-up calls; the
    same --seed gives the same checksum).

    Options:
      --seed N      weights and data (default 0)
      --repeats N   samples per figure, 1…1000 (default 15)

    Example: metarl bench autodiff --repeats 31
    """

    let seed: UInt64
    let repeats: Int

    init(arguments: inout Arguments) throws {
        seed = try arguments.seed() ?? 0
        repeats = try arguments.int("repeats", range: 1...1000) ?? 15
    }

    func run() throws {
        var rng = RandomSource(seed: seed)
        var checksum = 0.0
        var line = JSONLine()
        line.add("seed", String(seed))
        line.add("repeats", repeats)
        line.add("kernels", kernelTarget)

        // Matmul through the Tensor API.
        for (m, key, calls) in [(64, "matmul_gflops_64", 200), (1000, "matmul_gflops_1000x64x64", 20)] {
            let a = Tensor<Float>.randomNormal(.matrix(m, 64), using: &rng)
            let b = Tensor<Float>.randomNormal(.matrix(64, 64), using: &rng)
            let (seconds, value) = median(maxCalls: calls) { Double(matmul(a, b)[flat: 0]) }
            checksum += value
            line.add(key, 2.0 * Double(m * 64 * 64) / seconds / 1e9)
        }

        let policy = GaussianMLPPolicy<Float>(sizes: [39, 64, 64, 4], using: &rng)
        let theta = policy.parameters

        // Forward passes, plain parameters.
        for (batch, key, calls) in [(1, "mlp_forward_batch1_us", 2000), (1000, "mlp_forward_batch1000_us", 20)] {
            let obs = Tensor<Float>.randomNormal(.matrix(batch, 39), using: &rng)
            let (seconds, value) = median(maxCalls: calls) {
                let (mean, logStd) = policy.distribution(obs, parameters: theta)
                return Double(mean[flat: 0] + logStd[flat: 0])
            }
            checksum += value
            line.add(key, seconds * 1e6)
        }

        // Graph overhead at batch 1: tracked forward, log-likelihood and a full backward pass.
        do {
            let obs = Tensor<Float>.randomNormal(.matrix(1, 39), using: &rng)
            let action = Tensor<Float>.randomNormal(.matrix(1, 4), using: &rng)
            let (seconds, value) = median(maxCalls: 2000) {
                let tracked = theta.requiringGradient()
                let loss = policy.logLikelihood(action, given: obs, parameters: tracked).sum()
                return Double(gradients(of: loss, wrt: tracked).tensors[0][flat: 0])
            }
            checksum += value
            line.add("mlp_fwd_bwd_batch1_us", seconds * 1e6)
        }

        // REINFORCE forward + backward.
        do {
            let n = 10_000
            let obs = Tensor<Float>.randomNormal(.matrix(n, 39), using: &rng)
            let actions = Tensor<Float>.randomNormal(.matrix(n, 4), using: &rng)
            let advantages = Tensor<Float>.randomNormal(.vector(n), using: &rng)
            let (seconds, value) = median(maxCalls: 1) {
                let tracked = theta.requiringGradient()
                let loss = -(policy.logLikelihood(actions, given: obs, parameters: tracked) * advantages).mean()
                let g = gradients(of: loss, wrt: tracked)
                return Double(g.tensors[0][flat: 0])
            }
            checksum += value
            line.add("reinforce_fwd_bwd_batch10000_ms", seconds * 1e3)
        }

        // Hessian-vector product through one inner policy-gradient step.
        do {
            let n = 1000
            let obsIn = Tensor<Float>.randomNormal(.matrix(n, 39), using: &rng)
            let actIn = Tensor<Float>.randomNormal(.matrix(n, 4), using: &rng)
            let advIn = Tensor<Float>.randomNormal(.vector(n), using: &rng)
            let obsOut = Tensor<Float>.randomNormal(.matrix(n, 39), using: &rng)
            let actOut = Tensor<Float>.randomNormal(.matrix(n, 4), using: &rng)
            let advOut = Tensor<Float>.randomNormal(.vector(n), using: &rng)
            let v = theta.map { Tensor<Float>.randomNormal($0.shape, using: &rng) }
            // α = 0.1: MAML-RL's inner learning rate.
            let alpha: Float = 0.1
            let (seconds, value) = median(maxCalls: 1) {
                let tracked = theta.requiringGradient()
                let inner = -(policy.logLikelihood(actIn, given: obsIn, parameters: tracked) * advIn).mean()
                let adapted = tracked - alpha * gradients(of: inner, wrt: tracked, createGraph: true)
                let outer = -(policy.logLikelihood(actOut, given: obsOut, parameters: adapted) * advOut).mean()
                let hv = hessianVectorProducts(of: outer, wrt: tracked.tensors, vectors: v.tensors)
                return Double(hv[0][flat: 0])
            }
            checksum += value
            line.add("hvp_through_inner_step_ms", seconds * 1e3)
        }

        line.add("checksum", checksum)
        print(line.text)
    }

    /// Median over `repeats` samples of the time per call, in seconds.
    ///
    /// One untimed call warms caches and sizes the sample: a sample is `calls` back-to-back calls
    /// with calls = clamp(10 ms / warm-up time, 1, maxCalls), timed together and divided by calls.
    /// Also returns the warm-up call's result (deterministic; summed into "checksum").
    func median(maxCalls: Int, _ body: () -> Double) -> (seconds: Double, value: Double) {
        var start = DispatchTime.now().uptimeNanoseconds
        let value = body()
        var sink = 0.0
        let once = max(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, 1e-9)
        // 10 ms per sample: long enough for the clock, short enough for many repeats.
        let calls = max(1, min(maxCalls, Int(0.01 / once)))
        var samples: [Double] = []
        for _ in 0..<repeats {
            start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { sink += body() }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(calls))
        }
        samples.sort()
        let mid = samples.count / 2
        let seconds = samples.count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2
        // Using the timed results keeps the optimizer from dropping the calls.
        return (seconds + (sink.isNaN ? 1e-12 : 0), value)
    }

    /// How the Autodiff kernels were compiled (see Package.swift).
    var kernelTarget: String { Autodiff.kernelTarget }
}
