import Foundation
import Dispatch
import Collectives

/// Ctrl-C for commands that checkpoint: the first SIGINT asks the command to stop at its next
/// safe point (after an iteration's checkpoint is written); a second ends the process at once
/// with status 130 (the last checkpoint, written atomically, still stands).
final class Interrupt: @unchecked Sendable {
    static let shared = Interrupt()
    private let lock = NSLock()
    private var count = 0
    private var source: DispatchSourceSignal?

    /// Takes over SIGINT from here on.
    func install() {
        lock.lock(); defer { lock.unlock() }
        if source != nil { return }
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler { [self] in
            lock.lock(); count += 1; let n = count; lock.unlock()
            if n == 1 {
                printError("\nmetarl: interrupted: stopping after this iteration's checkpoint (Ctrl-C again to quit at once)")
            } else {
                exit(130)
            }
        }
        s.resume()
        source = s
    }

    /// Whether a stop was asked for, agreed by every rank (a signal may reach the ranks of an MPI
    /// job at different iterations; all stop at the first iteration where any rank saw one).
    func requested(_ world: any Communicator) -> Bool {
        lock.lock(); let local = count > 0; lock.unlock()
        return world.size == 1 ? local : world.allGather(local).contains(true)
    }
}

/// A run stopped by Ctrl-C at a checkpoint: exit status 130, with how to continue.
struct Interrupted: Error, CustomStringConvertible {
    let description: String
}
