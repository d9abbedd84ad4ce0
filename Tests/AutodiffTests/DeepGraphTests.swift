import Testing
import Foundation
import Autodiff

@Suite("Deep graphs")
struct DeepGraphTests {
    @Test("a 100 000-op chain differentiates and is freed without exhausting the stack")
    func longChain() {
        let x = T([1], [0.5]).requiringGradient()
        var y = x
        for _ in 0..<100_000 { y = y + x.scaled(by: 2e-6) }
        // y = x (1 + 0.2): dy/dx = 1.2.
        let g = gradient(of: y.sum(), wrt: x)
        #expect(abs(g.scalar - 1.2) < 1e-9)
    }

    @Test("the same on a secondary thread (512 KiB stacks)")
    func longChainOnWorker() {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            let x = T([1], [0.5]).requiringGradient()
            var y = x
            for _ in 0..<50_000 { y = y * 1.0 + x }
            box.set(0, gradient(of: y.sum(), wrt: x).scalars)
            done.signal()
        }
        thread.stackSize = 512 << 10
        thread.start()
        done.wait()
        #expect(box.values[0] == [50_001])
    }
}
