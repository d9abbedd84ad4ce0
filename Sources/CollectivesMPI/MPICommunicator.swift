// The MPI implementation of Communicator (built only with the package trait MPI). MPI's default
// error handler on MPI_COMM_WORLD is MPI_ERRORS_ARE_FATAL: a failed call ends the whole job with
// MPI's own message, so the calls below need not check their results. Without the trait this
// module is empty (a plain `swift build` compiles every target, and must not need mpi.h).
#if MPI
import CMPI
import Collectives

/// MPI_COMM_WORLD. Create it once per process, on the main thread, before any other thread
/// starts (MPI_THREAD_FUNNELED: only that thread calls MPI), and `finalize()` it before exit.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int

    /// True when this process was started by an MPI launcher (mpirun, mpiexec, srun): the launcher
    /// sets these variables. Without one, a plain run stays a single process and never loads MPI.
    public static func launchedByMPI(_ environment: [String: String]) -> Bool {
        ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"].contains { environment[$0] != nil }
    }

    public init() {
        _ = metarl_mpi_init_funneled()
        rank = Int(metarl_mpi_rank()); size = Int(metarl_mpi_size())
    }

    public func finalize() { _ = metarl_mpi_finalize() }

    public func allGather(bytes: [UInt8]) -> [[UInt8]] {
        var counts = [Int32](repeating: 0, count: size)
        precondition(bytes.count <= Int(Int32.max), "allGather: \(bytes.count) bytes exceed MPI's int count")
        _ = counts.withUnsafeMutableBufferPointer { metarl_mpi_allgather_int(Int32(bytes.count), $0.baseAddress) }
        var displacements = [Int32](repeating: 0, count: size)
        var total = 0
        for r in 0..<size { displacements[r] = Int32(total); total += Int(counts[r]) }
        precondition(total <= Int(Int32.max), "allGather: \(total) bytes in all exceed MPI's int displacements")
        var received = [UInt8](repeating: 0, count: max(total, 1))
        bytes.withUnsafeBytes { send in
            received.withUnsafeMutableBytes { receive in
                counts.withUnsafeBufferPointer { c in
                    displacements.withUnsafeBufferPointer { d in
                        _ = metarl_mpi_allgatherv_bytes(send.baseAddress, Int32(bytes.count), receive.baseAddress,
                                                        c.baseAddress, d.baseAddress)
                    }
                }
            }
        }
        return (0..<size).map { r in Array(received[Int(displacements[r])..<(Int(displacements[r]) + Int(counts[r]))]) }
    }

    public func abort(status: Int32) -> Never {
        _ = metarl_mpi_abort(status)
        fatalError("MPI_Abort returned")
    }
}
#endif
