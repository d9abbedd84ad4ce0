import Foundation

// Ranks as threads of one process: a distributed code path checked without MPI (the tests run
// every trainer on 2 and 3 such ranks against one process). Each rank runs on its own thread
// (never a Dispatch worker: ranks block on each other, and a pool with fewer threads than ranks
// would deadlock).

/// `size` ranks that exchange values in memory. Every rank must make the same collective calls
/// in the same order, as under MPI.
public final class LocalGroup: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var deposits: [[UInt8]?]
    private var arrived = 0
    private var generation = 0
    private var result: [[UInt8]] = []

    public init(size: Int) {
        precondition(size > 0, "LocalGroup: size must be positive")
        self.size = size
        deposits = Array(repeating: nil, count: size)
    }

    /// The communicator of rank `rank`.
    public func rank(_ rank: Int) -> Communicator {
        precondition((0..<size).contains(rank), "LocalGroup: rank \(rank) of \(size)")
        return Member(group: self, rank: rank)
    }

    /// Runs `body(communicator)` for every rank at once, each on its own thread, and returns the
    /// results in rank order.
    public func run<T: Sendable>(_ body: @escaping @Sendable (any Communicator) -> T) -> [T] {
        let results = Results<T>(count: size)
        let done = DispatchSemaphore(value: 0)
        for r in 0..<size {
            let member = rank(r)
            let thread = Thread {
                results.set(r, body(member))
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<size { done.wait() }
        return results.values()
    }

    fileprivate func allGather(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        // The previous exchange's result must have been taken by everyone before a new one starts.
        let myGeneration = generation
        deposits[rank] = bytes
        arrived += 1
        if arrived == size {
            result = deposits.map { $0! }
            deposits = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        return result
    }

    private struct Member: Communicator {
        let group: LocalGroup
        let rank: Int
        var size: Int { group.size }
        func allGather(bytes: [UInt8]) -> [[UInt8]] { group.allGather(bytes, rank: rank) }
        func abort(status: Int32) -> Never { fatalError("LocalGroup: rank \(rank) aborted with status \(status)") }
    }
}

/// Per-rank result slots, each written by one thread.
private final class Results<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    func values() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
