// The `metarl` executable: everything lives in CLI.swift and Commands/; this file only hands over.
import Foundation
import Autodiff
#if MPI
import CollectivesMPI
#endif

// Keep freed tensor memory mapped between training steps (see Autodiff/Allocator.swift).
configureAllocatorForTensors()
let arguments = Array(CommandLine.arguments.dropFirst())
#if MPI
// Built with the trait MPI and started by mpirun/srun: join MPI_COMM_WORLD (here, on the main
// thread, before any worker starts). Without a launcher this build runs as one process.
if MPICommunicator.launchedByMPI(ProcessInfo.processInfo.environment) {
    let world = MPICommunicator()
    let status = CLI.run(arguments, world: world)
    world.finalize()
    exit(status)
}
#endif
exit(CLI.run(arguments))
