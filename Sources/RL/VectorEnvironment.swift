import Dispatch
import Numerics

/// B copies of an environment, each with its own task and state, stepped together.
///
/// Observations, actions and rewards live in contiguous row-major buffers (B × size), so a policy
/// runs one matrix product per step for the whole batch. Work is split into contiguous chunks
/// of slots across `threads` workers; slots never interact, so results are bit-identical whatever
/// the thread count.
public struct VectorEnvironment<E: Environment>: Sendable {
    public let environment: E
    public let batchSize: Int
    public let threads: Int
    /// Per slot; empty until the first `reset`.
    public private(set) var states: [E.State] = []
    public private(set) var tasks: [E.Task] = []
    /// B × observationSize, refreshed by `reset` and `step`.
    public private(set) var observations: [Float]
    /// B × actionSize, written by the caller before `step`.
    public var actions: [Double]
    /// Per slot, from the last `step`.
    public private(set) var rewards: [Double]
    public private(set) var terminated: [Bool]
    public private(set) var successes: [Bool]
    /// Steps taken in each slot's current episode.
    public private(set) var episodeSteps: [Int]

    public init(_ environment: E, batchSize: Int, threads: Int = 1) {
        precondition(batchSize > 0 && threads > 0, "VectorEnvironment: batch size and threads must be positive")
        self.environment = environment
        self.batchSize = batchSize
        self.threads = min(threads, batchSize)
        observations = Array(repeating: 0, count: batchSize * environment.spec.observationSize)
        actions = Array(repeating: 0, count: batchSize * environment.spec.actionSize)
        rewards = Array(repeating: 0, count: batchSize)
        terminated = Array(repeating: false, count: batchSize)
        successes = Array(repeating: false, count: batchSize)
        episodeSteps = Array(repeating: 0, count: batchSize)
    }

    /// Starts an episode in every slot: slot i gets `tasks[i]` and the random stream
    /// `RandomSource(seed: seed).stream(firstStream + i)` (a rank that steps slots a..<b of a
    /// larger batch passes a, so its slots reset as they would in the whole batch).
    public mutating func reset(tasks newTasks: [E.Task], seed: UInt64, firstStream: Int = 0) {
        precondition(newTasks.count == batchSize, "reset: one task per slot")
        let root = RandomSource(seed: seed)
        let env = environment
        let obsSize = env.spec.observationSize
        tasks = newTasks
        states = parallelMap(batchSize, threads: threads) { i -> E.State in
            var rng = root.stream(firstStream + i)
            return env.reset(task: newTasks[i], rng: &rng)
        }
        for i in 0..<batchSize { episodeSteps[i] = 0; terminated[i] = false; successes[i] = false; rewards[i] = 0 }
        let current = states
        observations.withUnsafeMutableBufferPointer { obs in
            for i in current.indices {
                env.observe(current[i], into: UnsafeMutableBufferPointer(rebasing: obs[(i * obsSize)..<((i + 1) * obsSize)]))
            }
        }
    }

    /// Steps every slot with its row of `actions`. Slots whose episode has terminated are left
    /// as they are (reward 0) until the next reset.
    public mutating func step() {
        precondition(states.count == batchSize, "step before reset")
        let env = environment
        let obsSize = env.spec.observationSize, actSize = env.spec.actionSize
        let n = batchSize, chunks = threads
        states.withUnsafeMutableBufferPointer { st in
            actions.withUnsafeBufferPointer { act in
                observations.withUnsafeMutableBufferPointer { obs in
                    rewards.withUnsafeMutableBufferPointer { rew in
                        terminated.withUnsafeMutableBufferPointer { term in
                            successes.withUnsafeMutableBufferPointer { succ in
                              episodeSteps.withUnsafeMutableBufferPointer { count in
                                let box = SlotPointers(states: st, actions: act, observations: obs, rewards: rew,
                                                      terminated: term, successes: succ, episodeSteps: count)
                                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                                    for i in chunkRange(chunk, of: chunks, count: n) {
                                        if box.terminated[i] { box.rewards[i] = 0; continue }
                                        let outcome = stepAndObserve(env, &box.states[i],
                                            action: UnsafeBufferPointer(rebasing: box.actions[(i * actSize)..<((i + 1) * actSize)]),
                                            into: UnsafeMutableBufferPointer(rebasing: box.observations[(i * obsSize)..<((i + 1) * obsSize)]))
                                        box.rewards[i] = outcome.reward
                                        box.terminated[i] = outcome.terminated
                                        box.successes[i] = outcome.success
                                        box.episodeSteps[i] += 1
                                    }
                                }
                              }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One slot's step and observation on its state in place. (Observing `states[i]` straight from
/// the buffer made the unspecialized generic code copy the whole state first: for the arm, its
/// 20 KB `Data` and a retain of every array, each step.)
private func stepAndObserve<E: Environment>(_ env: E, _ state: inout E.State, action: UnsafeBufferPointer<Double>,
                                            into observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
    let outcome = env.step(&state, action: action)
    env.observe(state, into: observation)
    return outcome
}

/// Pointers into the slot arrays, shared by the workers; each worker touches only its own slots.
private struct SlotPointers<State>: @unchecked Sendable {
    let states: UnsafeMutableBufferPointer<State>
    let actions: UnsafeBufferPointer<Double>
    let observations: UnsafeMutableBufferPointer<Float>
    let rewards: UnsafeMutableBufferPointer<Double>
    let terminated: UnsafeMutableBufferPointer<Bool>
    let successes: UnsafeMutableBufferPointer<Bool>
    let episodeSteps: UnsafeMutableBufferPointer<Int>
}

/// The `chunk`-th of `chunks` contiguous, nearly equal ranges covering 0..<count.
@inlinable
public func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
    let base = count / chunks, extra = count % chunks
    let start = chunk * base + min(chunk, extra)
    return start..<(start + base + (chunk < extra ? 1 : 0))
}

/// f(0..<count) computed on `threads` workers in contiguous chunks, results in index order.
public func parallelMap<T: Sendable>(_ count: Int, threads: Int, _ f: @Sendable (Int) -> T) -> [T] {
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    let box = ResultPointer(results: results)
    let chunks = max(1, min(threads, count))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        for i in chunkRange(chunk, of: chunks, count: count) { box.results[i] = f(i) }
    }
    return results.map { $0! }
}

private struct ResultPointer<T>: @unchecked Sendable {
    let results: UnsafeMutableBufferPointer<T?>
}
