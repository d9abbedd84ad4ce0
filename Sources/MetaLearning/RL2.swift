import Foundation
import Autodiff
import Numerics
import PolicyGradient
import RL

// RL² (Duan et al. 2016; Wang et al. 2016): meta-learning as learning a recurrent policy. A
// trial is several episodes of one task run back to back; the GRU's state is carried across the
// episodes of a trial (and reset between trials), and its input at every step is the
// observation with the previous action, reward and done flag, so what it learns about the task
// in early episodes can shape later ones. The outer learner is PPO on whole trials: a trial is
// one long episode whose return counts every episode's rewards, so exploring in episode 1 is
// paid for by episode 2. Adaptation at meta-test time is the trial itself; no gradient step.

/// The settings of RL² with PPO.
public struct RL2Config: Sendable, Codable, Equatable {
    /// GRU units.
    public var hiddenSize: Int
    /// σ of the Gaussian policy at initialization.
    public var initialStd: Double
    /// Episodes per trial.
    public var episodesPerTrial: Int
    /// Train tasks per iteration.
    public var metaBatchSize: Int
    /// Trials of each task per iteration.
    public var trialsPerTask: Int
    /// γ over the whole trial, and GAE's λ.
    public var discount: Double
    public var gaeLambda: Double
    /// PPO: Adam's step, the clip range ε, and full-batch epochs per iteration.
    public var learningRate: Double
    public var clipRange: Double
    public var epochs: Int
    /// Backpropagation through at most this many steps (nil: through the whole trial).
    public var truncation: Int?

    public init(hiddenSize: Int = 64, initialStd: Double = 0.5, episodesPerTrial: Int = 2, metaBatchSize: Int = 20,
                trialsPerTask: Int = 2, discount: Double = 0.99, gaeLambda: Double = 0.95, learningRate: Double = 3e-3,
                clipRange: Double = 0.2, epochs: Int = 5, truncation: Int? = nil) {
        self.hiddenSize = hiddenSize; self.initialStd = initialStd; self.episodesPerTrial = episodesPerTrial
        self.metaBatchSize = metaBatchSize; self.trialsPerTask = trialsPerTask; self.discount = discount
        self.gaeLambda = gaeLambda; self.learningRate = learningRate; self.clipRange = clipRange; self.epochs = epochs
        self.truncation = truncation
    }

    /// Problems with the settings, each naming its field and value.
    public func issues() -> [String] {
        var found: [String] = []
        func check(_ ok: Bool, _ field: String, _ message: String) { if !ok { found.append("\(field): \(message)") } }
        check(hiddenSize >= 1 && hiddenSize <= 4096, "hiddenSize", "expected 1...4096, found \(hiddenSize)")
        check(initialStd > 0 && initialStd.isFinite, "initialStd", "expected > 0, found \(initialStd)")
        check(episodesPerTrial >= 1 && episodesPerTrial <= 100, "episodesPerTrial", "expected 1...100, found \(episodesPerTrial)")
        check(metaBatchSize >= 1, "metaBatchSize", "expected ≥ 1, found \(metaBatchSize)")
        check(trialsPerTask >= 1, "trialsPerTask", "expected ≥ 1, found \(trialsPerTask)")
        check(discount > 0 && discount <= 1, "discount", "expected (0, 1], found \(discount)")
        check(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", "expected [0, 1], found \(gaeLambda)")
        check(learningRate > 0 && learningRate.isFinite, "learningRate", "expected > 0, found \(learningRate)")
        check(clipRange > 0 && clipRange < 1, "clipRange", "expected (0, 1), found \(clipRange)")
        check(epochs >= 1 && epochs <= 1000, "epochs", "expected 1...1000, found \(epochs)")
        if let truncation { check(truncation >= 1, "truncation", "expected ≥ 1 or null, found \(truncation)") }
        return found
    }
}

/// Trials as sequences: `sequences` holds one padded sequence per trial (the policy's inputs,
/// its actions and the rewards, the trial's episodes back to back; its length is the trial's
/// steps), and the per-episode scores.
public struct TrialBatch: Sendable {
    public var sequences: EpisodeBatch
    public let episodesPerTrial: Int
    /// [trial · episodesPerTrial + k]: the undiscounted return and the success of episode k.
    public var episodeReturns: [Double]
    public var episodeSuccesses: [Bool]

    public var trialCount: Int { sequences.episodeCount }

    /// Mean return and success rate of episode k over the trials, for k = 0 ..< episodesPerTrial.
    public var perEpisode: (returns: [Double], successRates: [Double]) {
        let n = Double(max(trialCount, 1))
        let returns = (0..<episodesPerTrial).map { k in (0..<trialCount).reduce(0.0) { $0 + episodeReturns[$1 * episodesPerTrial + k] } / n }
        let successes = (0..<episodesPerTrial).map { k in
            Double((0..<trialCount).filter { episodeSuccesses[$0 * episodesPerTrial + k] }.count) / n
        }
        return (returns, successes)
    }
}

/// The policy's input at a step: observation, previous action, previous reward, previous done.
public func rl2InputSize(_ spec: EnvironmentSpec) -> Int { spec.observationSize + spec.actionSize + 2 }

/// Runs trials: `trialsPerTask` trials of every task, all stepped together, each of
/// `episodesPerTrial` episodes. Randomness as `Sampler`'s: stream 0 of `seed` seeds each
/// episode's resets, stream 1 the policy's noise (every row, in row order, every step), so the
/// result is bit-identical whatever the thread count.
public struct TrialSampler<E: Environment>: Sendable {
    public let environment: E
    public let threads: Int

    public init(_ environment: E, threads: Int = 1) {
        precondition(threads > 0, "TrialSampler: threads must be positive")
        self.environment = environment; self.threads = threads
    }

    public func sample(_ policy: GaussianGRUPolicy<Float>, parameters θ: Parameters<Float>, tasks: [E.Task],
                       trialsPerTask: Int, episodesPerTrial: Int, seed: UInt64, deterministic: Bool = false) -> TrialBatch {
        precondition(!tasks.isEmpty && trialsPerTask > 0 && episodesPerTrial > 0, "TrialSampler: need tasks, trials and episodes")
        let spec = environment.spec
        let O = spec.observationSize, A = spec.actionSize, T = spec.horizon, N = episodesPerTrial
        let inputSize = rl2InputSize(spec)
        precondition(policy.inputSize == inputSize && policy.actionSize == A, "TrialSampler: the policy does not fit \(spec.name)")
        let count = tasks.count * trialsPerTask, L = N * T
        var sequences = EpisodeBatch(episodeCount: count, horizon: L, observationSize: inputSize, actionSize: A)
        var slotTasks: [E.Task] = []
        for e in 0..<count { slotTasks.append(tasks[e / trialsPerTask]); sequences.taskIndices[e] = e / trialsPerTask }
        var episodeReturns = [Double](repeating: 0, count: count * N)
        var episodeSuccesses = [Bool](repeating: false, count: count * N)

        let root = RandomSource(seed: seed)
        var resetSeeds = root.stream(0), noise = root.stream(1)
        var vector = VectorEnvironment(environment, batchSize: count, threads: threads)
        let θ = θ.detached()
        let std = θ.tensors[θ.tensors.count - 1].scalars.map { Foundation.exp($0) }
        var hidden = [Float](repeating: 0, count: count * policy.hiddenSize)
        // Previous action, reward and done flag of each slot: zero at the start of a trial.
        var previous = [Float](repeating: 0, count: count * (A + 2))
        var input = [Float](repeating: 0, count: count * inputSize)
        var action = [Float](repeating: 0, count: count * A)
        var position = [Int](repeating: 0, count: count)
        var live = [Bool](repeating: false, count: count)
        let H = policy.hiddenSize
        for k in 0..<N {
            vector.reset(tasks: slotTasks, seed: resetSeeds.next())
            for t in 0..<T {
                for e in 0..<count { live[e] = !vector.terminated[e] }
                if !live.contains(true) { break }
                for e in 0..<count {
                    let row = e * inputSize
                    for j in 0..<O { input[row + j] = vector.observations[e * O + j] }
                    for j in 0..<(A + 2) { input[row + O + j] = previous[e * (A + 2) + j] }
                }
                let out = policy.step(Tensor(shape: .matrix(count, inputSize), scalars: input),
                                      hidden: Tensor(shape: .matrix(count, H), scalars: hidden), parameters: θ)
                let next = out.hidden.scalars, mean = out.mean.scalars
                for e in 0..<count {
                    for j in 0..<A {
                        let z: Float = deterministic ? 0 : Float(noise.normal())
                        action[e * A + j] = mean[e * A + j] + std[j] * z
                    }
                    // A finished slot keeps its state until the next episode starts.
                    if live[e] { for j in 0..<H { hidden[e * H + j] = next[e * H + j] } }
                }
                for e in 0..<count where live[e] {
                    let row = e * L + position[e]
                    for j in 0..<inputSize { sequences.observations[row * inputSize + j] = input[e * inputSize + j] }
                    for j in 0..<A {
                        sequences.actions[row * A + j] = action[e * A + j]
                        vector.actions[e * A + j] = Double(action[e * A + j])
                    }
                }
                vector.step()
                for e in 0..<count where live[e] {
                    let r = vector.rewards[e]
                    sequences.rewards[e * L + position[e]] = r
                    position[e] += 1
                    episodeReturns[e * N + k] += r
                    if vector.successes[e] { episodeSuccesses[e * N + k] = true }
                    let done = vector.terminated[e] || t == T - 1
                    for j in 0..<A { previous[e * (A + 2) + j] = action[e * A + j] }
                    previous[e * (A + 2) + A] = Float(r)
                    previous[e * (A + 2) + A + 1] = done ? 1 : 0
                }
            }
        }
        for e in 0..<count {
            sequences.lengths[e] = position[e]
            // The trial's last episode: what a trial's experience achieves.
            sequences.successes[e] = episodeSuccesses[e * N + N - 1]
        }
        return TrialBatch(sequences: sequences, episodesPerTrial: N, episodeReturns: episodeReturns, episodeSuccesses: episodeSuccesses)
    }
}

/// What one RL² update did.
public struct RL2UpdateStatistics: Sendable, Equatable, Codable {
    /// The clipped PPO loss at the last epoch.
    public var loss: Double
    /// mean(log π_old − log π_new) over the steps after the update: an estimate of KL(old ‖ new).
    public var approximateKL: Double
    /// False when the update produced a non-finite parameter and was dropped (loss and KL are then 0).
    public var accepted: Bool
}

/// The recurrent policy with its PPO state.
public struct RL2Learner: Sendable {
    public let config: RL2Config
    public let policy: GaussianGRUPolicy<Float>
    public var parameters: Parameters<Float>
    public var adam: Adam<Float>.State

    /// A fresh policy for `spec` from stream 0 of `seed`.
    public init(config: RL2Config, spec: EnvironmentSpec, seed: UInt64) {
        var rng = RandomSource(seed: seed).stream(0)
        self.config = config
        policy = GaussianGRUPolicy(inputSize: rl2InputSize(spec), hiddenSize: config.hiddenSize, actionSize: spec.actionSize,
                                   initialStd: Float(config.initialStd), using: &rng)
        parameters = policy.parameters
        adam = Adam<Float>(learningRate: 1).initialState(for: parameters)
    }

    /// A learner restored from saved parameters and Adam moments.
    public init(config: RL2Config, policy: GaussianGRUPolicy<Float>, parameters: Parameters<Float>, adam: Adam<Float>.State) {
        self.config = config; self.policy = policy; self.parameters = parameters; self.adam = adam
    }

    /// The sequences of `trials` time-major ([steps · trials] rows: row t · trials + e is step t
    /// of trial e), with the rows that hold real steps.
    static func timeMajor(_ s: EpisodeBatch) -> (inputs: Tensor<Float>, actions: Tensor<Float>, steps: Int, real: [Int]) {
        let B = s.episodeCount, L = max(1, s.lengths.max() ?? 1), I = s.observationSize, A = s.actionSize
        var inputs = [Float](repeating: 0, count: L * B * I), actions = [Float](repeating: 0, count: L * B * A)
        var real: [Int] = []
        for t in 0..<L {
            for e in 0..<B where t < s.lengths[e] {
                let from = e * s.horizon + t, to = t * B + e
                for j in 0..<I { inputs[to * I + j] = s.observations[from * I + j] }
                for j in 0..<A { actions[to * A + j] = s.actions[from * A + j] }
                real.append(to)
            }
        }
        // Rows t·B + e were appended with t outer, e inner: `real` is ascending.
        return (Tensor(shape: .matrix(L * B, I), scalars: inputs), Tensor(shape: .matrix(L * B, A), scalars: actions), L, real)
    }

    /// Trials per block of the update's work: each block is one unrolled forward and backward
    /// pass, run on a worker; the blocks' gradients are summed in block order. Fixed, so the
    /// result is the same for every thread count.
    public static let blockSize = 8

    /// PPO on trials sampled with the current parameters: GAE(γ, λ) over each trial against the
    /// linear feature baseline (fitted on the policy's inputs), advantages normalized over the
    /// batch, `epochs` full-batch Adam steps on the clipped surrogate, backpropagating through
    /// each trial. Blocks of trials run on `threads` workers; the parameters do not depend on it.
    public mutating func update(_ trials: TrialBatch, threads: Int = 1) -> RL2UpdateStatistics {
        let s = trials.sequences
        let returns = s.discountedReturns(discount: config.discount)
        let values = LinearFeatureBaseline().values(for: s, returns: returns)
        let raw = s.advantages(values: values, discount: config.discount, lambda: config.gaeLambda)
        // Normalization over every real step of the batch.
        var all: [Double] = []
        for e in 0..<s.episodeCount { for t in 0..<s.lengths[e] { all.append(raw[e * s.horizon + t]) } }
        let n = Double(max(all.count, 1))
        let mean = all.reduce(0, +) / n
        let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let scale = 1 / (variance.squareRoot() + 1e-8)
        let policy = self.policy, truncation = config.truncation
        let θ0 = parameters.detached()

        struct Block: @unchecked Sendable {
            let data: (inputs: Tensor<Float>, actions: Tensor<Float>, steps: Int, real: [Int])
            let trials: Int
            let advantages: Tensor<Float>
            var old: Tensor<Float>
        }
        @Sendable func logLikelihood(_ b: Block, _ θ: Parameters<Float>) -> Tensor<Float> {
            let (m, logStd) = policy.distribution(b.data.inputs, batch: b.trials, steps: b.data.steps, parameters: θ, truncation: truncation)
            let ll = DiagonalGaussian.logLikelihood(b.data.actions, mean: m, logStd: logStd)
            return ll.reshaped([ll.count, 1]).gatheringRows(b.data.real).reshaped([b.data.real.count])
        }
        let blockCount = (s.episodeCount + Self.blockSize - 1) / Self.blockSize
        let blocks: [Block] = parallelMap(blockCount, threads: threads) { b in
            let indices = Array((b * Self.blockSize)..<min(s.episodeCount, (b + 1) * Self.blockSize))
            let sub = selectEpisodes(s, indices)
            let data = RL2Learner.timeMajor(sub)
            let B = indices.count
            let adv = data.real.map { row in Float((raw[indices[row % B] * s.horizon + row / B] - mean) * scale) }
            var block = Block(data: data, trials: B, advantages: Tensor(adv), old: Tensor<Float>.zeros(.vector(0)))
            block.old = logLikelihood(block, θ0).detached()
            return block
        }
        let optimizer = Adam<Float>(learningRate: Float(config.learningRate))
        let ε = Float(config.clipRange), total = Float(n)
        var θ = θ0, state = adam, lastLoss = 0.0
        for _ in 0..<config.epochs {
            let current = θ
            // Each block's share of the loss −(1/N) Σ min(ratio·A, clip(ratio)·A), its gradient.
            let parts: [(loss: Float, gradient: [Float])] = parallelMap(blocks.count, threads: threads) { b in
                let block = blocks[b]
                let θt = current.requiringGradient()
                let ratio = (logLikelihood(block, θt) - block.old).exp()
                let loss = -minimum(ratio * block.advantages, ratio.clamped(min: 1 - ε, max: 1 + ε) * block.advantages).sum().scaled(by: 1 / total)
                return (loss.scalar, gradients(of: loss, wrt: θt).flattened().scalars)
            }
            var gradient = parts[0].gradient
            var loss = parts[0].loss
            for part in parts.dropFirst() {
                for i in gradient.indices { gradient[i] += part.gradient[i] }
                loss += part.loss
            }
            (θ, state) = optimizer.step(θ, gradient: θ.unflattened(Tensor(gradient)), state: state)
            lastLoss = Double(loss)
        }
        guard θ.isFinite else { return RL2UpdateStatistics(loss: 0, approximateKL: 0, accepted: false) }
        parameters = θ; adam = state
        let final = θ
        let kls: [Float] = parallelMap(blocks.count, threads: threads) { b in (blocks[b].old - logLikelihood(blocks[b], final)).sum().scalar }
        return RL2UpdateStatistics(loss: lastLoss, approximateKL: Double(kls.reduce(0, +)) / n, accepted: true)
    }
}

/// One RL² iteration's record: per episode of the trial, the mean return and success rate of
/// the sampled trials, and the update's statistics.
public struct RL2Iteration: Sendable, Equatable, Codable {
    public var returns: [Double]
    public var successRates: [Double]
    public var statistics: RL2UpdateStatistics
}

/// RL² training on a task family: each iteration draws `metaBatchSize` train tasks from stream
/// (0, i) of the seed, samples their trials with seed stream (1, i), and takes one PPO update.
public struct RL2Trainer<E: Environment, TS: TaskSampler>: Sendable where TS.Task == E.Task {
    public let environment: E
    public let tasks: TS
    public let seed: UInt64
    public let threads: Int
    public var learner: RL2Learner
    public private(set) var iteration = 0

    public init(config: RL2Config, environment: E, tasks: TS, seed: UInt64, threads: Int = 1) {
        self.environment = environment; self.tasks = tasks; self.seed = seed; self.threads = threads
        learner = RL2Learner(config: config, spec: environment.spec, seed: seed)
    }

    /// Continues from a learner state after `iteration` iterations.
    public init(learner: RL2Learner, iteration: Int, environment: E, tasks: TS, seed: UInt64, threads: Int = 1) {
        self.environment = environment; self.tasks = tasks; self.seed = seed; self.threads = threads
        self.learner = learner; self.iteration = iteration
    }

    public mutating func step() -> RL2Iteration {
        let root = RandomSource(seed: seed)
        var taskRNG = root.stream(0).stream(iteration)
        let batchTasks = (0..<learner.config.metaBatchSize).map { _ in tasks.sample(.train, rng: &taskRNG) }
        var sampleSeed = root.stream(1).stream(iteration)
        let trials = TrialSampler(environment, threads: threads).sample(
            learner.policy, parameters: learner.parameters, tasks: batchTasks, trialsPerTask: learner.config.trialsPerTask,
            episodesPerTrial: learner.config.episodesPerTrial, seed: sampleSeed.next())
        let statistics = learner.update(trials, threads: threads)
        iteration += 1
        let scores = trials.perEpisode
        return RL2Iteration(returns: scores.returns, successRates: scores.successRates, statistics: statistics)
    }
}

/// The meta-test protocol for a recurrent policy: adaptation is the trial. For each task, M
/// trials (`evalEpisodes`) of n + 1 episodes (`adaptSteps` + 1); "step" j reports episode j
/// (0: no experience of the task yet). `adaptEpisodes` has no role: there is no gradient step.
/// The policy samples from its distribution (its exploration is part of what it learned).
public func rl2MetaTest<E: Environment>(_ learner: RL2Learner, name: String = "rl2-ppo", environment: E, tasks: [E.Task],
                                       settings: MetaTestSettings, seed: UInt64, threads: Int = 1) -> MetaTestScores {
    precondition(!tasks.isEmpty && settings.evalEpisodes > 0 && settings.adaptSteps >= 0, "rl2MetaTest: need tasks and episodes")
    var stream = RandomSource(seed: seed).stream(0)
    let N = settings.adaptSteps + 1, M = settings.evalEpisodes
    let trials = TrialSampler(environment, threads: threads).sample(
        learner.policy, parameters: learner.parameters, tasks: tasks, trialsPerTask: M, episodesPerTrial: N, seed: stream.next())
    var scores = MetaTestScores(method: name, returns: [], successRates: [])
    for j in 0..<N {
        var returns: [Double] = [], successes: [Double] = []
        for i in tasks.indices {
            let rows = (i * M)..<((i + 1) * M)
            returns.append(rows.reduce(0.0) { $0 + trials.episodeReturns[$1 * N + j] } / Double(M))
            successes.append(Double(rows.filter { trials.episodeSuccesses[$0 * N + j] }.count) / Double(M))
        }
        scores.returns.append(returns); scores.successRates.append(successes)
    }
    return scores
}
