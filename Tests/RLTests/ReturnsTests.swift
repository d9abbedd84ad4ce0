import Testing
import RL
import TestSupport

@Suite("Discounted returns and GAE")
struct ReturnsTests {
    @Test("reward-to-go by hand: r = (1, 2, 3), γ = 0.5 → (2.75, 3.5, 3)")
    func returnsByHand() {
        let r = discountedReturns([1, 2, 3][...], discount: 0.5)
        #expect(r == [2.75, 3.5, 3])
    }

    @Test("GAE by hand: r = (1, 0, 2), V = (0.5, 1, −1, 0.3), γ = 0.9, λ = 0.8")
    func gaeByHand() {
        // δ = (1 + 0.9·1 − 0.5, 0 + 0.9·(−1) − 1, 2 + 0.9·0.3 + 1) = (1.4, −1.9, 3.27); γλ = 0.72.
        let a = generalizedAdvantages([1, 0, 2][...], values: [0.5, 1, -1, 0.3][...], discount: 0.9, lambda: 0.8)
        let expected = [1.4 + 0.72 * (-1.9 + 0.72 * 3.27), -1.9 + 0.72 * 3.27, 3.27]
        #expect(maxAbsDifference(a, expected) < 1e-12)
    }

    @Test("λ = 1 gives R_t − V_t (bootstrap 0); λ = 0 gives the one-step TD errors")
    func gaeLimits() {
        let rewards: [Double] = [-0.3, 0.7, 1.1, -2, 0.25], values: [Double] = [0.1, -0.4, 0.9, 0.3, -1.2, 0]
        let returns = discountedReturns(rewards[...], discount: 0.95)
        let mc = generalizedAdvantages(rewards[...], values: values[...], discount: 0.95, lambda: 1)
        #expect(maxAbsDifference(mc, (0..<5).map { returns[$0] - values[$0] }) < 1e-12)
        let td = generalizedAdvantages(rewards[...], values: values[...], discount: 0.95, lambda: 0)
        #expect(maxAbsDifference(td, (0..<5).map { rewards[$0] + 0.95 * values[$0 + 1] - values[$0] }) < 1e-12)
    }

    @Test("padded batches: each episode uses only its own steps; padding stays 0")
    func batchPadding() {
        var batch = EpisodeBatch(episodeCount: 2, horizon: 4, observationSize: 1, actionSize: 1)
        batch.rewards = [1, 1, 0, 0,   2, 0, 0, 4]
        batch.lengths = [2, 4]
        let r = batch.discountedReturns(discount: 0.5)
        #expect(r == [1.5, 1, 0, 0,   2.5, 1, 2, 4])
        let values: [Double] = [0.5, 0.25, 9, 9,   1, 1, 1, 1]   // 9s are padding and must be ignored
        let a = batch.advantages(values: values, discount: 0.5, lambda: 1)
        #expect(a == [1, 0.75, 0, 0,   1.5, 0, 1, 3])
        #expect(batch.episodeReturns == [2, 6])
        #expect(batch.mask == [1, 1, 0, 0, 1, 1, 1, 1])
    }
}
