// The `metarl` executable: everything lives in CLI.swift and Commands/; this file only hands over.
import Foundation
import Autodiff

// Keep freed tensor memory mapped between training steps (see Autodiff/Allocator.swift).
configureAllocatorForTensors()
exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
