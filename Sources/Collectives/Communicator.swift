// Collectives: what a distributed run needs from the processes it runs on, and nothing more: a rank,
// a size, and one collective (every rank's bytes, in rank order, on every rank). Trainers reduce
// the gathered values themselves, in task order, so that N ranks give bit-identical results to one
// process (an MPI_Allreduce may sum in any order). `SingleProcess` is the default everywhere; the
// MPI implementation lives in CollectivesMPI, built only with the package trait MPI.
import Foundation

/// The processes of one run as the trainers see them: ranks 0..<size, each running the same
/// program on the same arguments. Every rank must make the same collective calls in the same order.
public protocol Communicator: Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Every rank's `bytes`, in rank order, on every rank (the lengths may differ between ranks).
    func allGather(bytes: [UInt8]) -> [[UInt8]]
    /// Ends every rank of the job at once with `status` (after this rank has said why on stderr).
    func abort(status: Int32) -> Never
}

/// One process: rank 0 of 1; gathering returns the process's own values.
public struct SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allGather(bytes: [UInt8]) -> [[UInt8]] { [bytes] }
    public func abort(status: Int32) -> Never { exit(status) }
}

extension Communicator {
    /// Rank 0: the one that writes files, logs and progress.
    public var isRoot: Bool { rank == 0 }

    /// Every rank's `values`, in rank order, on every rank.
    public func allGather<T: BitwiseCopyable>(_ values: [T]) -> [[T]] {
        if size == 1 { return [values] }
        let bytes = values.withUnsafeBytes { Array($0) }
        return allGather(bytes: bytes).map { part in
            precondition(part.count % MemoryLayout<T>.stride == 0, "allGather: a rank sent a partial value")
            return part.withUnsafeBytes { raw in
                Array(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self),
                                          count: part.count / MemoryLayout<T>.stride))
            }
        }
    }

    /// The contiguous block of `count` items (tasks, episodes) this rank owns: blocks in rank
    /// order, their sizes differing by at most one.
    public func share(of count: Int) -> Range<Int> { Self.block(rank, of: size, count: count) }

    /// Rank `rank`'s block of `count` items over `size` ranks.
    public static func block(_ rank: Int, of size: Int, count: Int) -> Range<Int> {
        (rank * count / size)..<((rank + 1) * count / size)
    }

    /// One value list per item of `count`, every item on every rank: this rank computed `local`,
    /// the lists of its `share(of: count)`, in order; the others come from their owners.
    public func gatherItems<T: BitwiseCopyable>(_ local: [[T]], count: Int) -> [[T]] {
        precondition(local.count == share(of: count).count, "gatherItems: \(local.count) lists for a share of \(share(of: count).count)")
        if size == 1 { return local }
        // Each rank sends its lists' lengths, then their values.
        let lengths = allGather(local.map { $0.count })
        let values = allGather(local.flatMap { $0 })
        var items: [[T]] = []
        items.reserveCapacity(count)
        for (r, counts) in lengths.enumerated() {
            var offset = 0
            for n in counts { items.append(Array(values[r][offset..<(offset + n)])); offset += n }
        }
        precondition(items.count == count, "gatherItems: the ranks' shares do not add up to \(count) items")
        return items
    }

    /// `value` of every rank, in rank order (e.g. to check that all ranks agree).
    public func allGather<T: BitwiseCopyable>(_ value: T) -> [T] { allGather([value]).map { $0[0] } }
}
