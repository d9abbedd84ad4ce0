// Discounted returns and generalized advantage estimation over one episode or a padded batch.
// Sums run backward in time, one multiply-add per step, in Double.

/// Reward-to-go R_t = Σ_{k ≥ t} γ^{k−t} r_k for one episode.
@inlinable
public func discountedReturns(_ rewards: ArraySlice<Double>, discount: Double) -> [Double] {
    var out = [Double](repeating: 0, count: rewards.count)
    var running = 0.0
    var i = rewards.count - 1
    while i >= 0 {
        running = rewards[rewards.startIndex + i] + discount * running
        out[i] = running
        i -= 1
    }
    return out
}

/// GAE(γ, λ) for one episode (Schulman et al. 2016):
/// δ_t = r_t + γ V_{t+1} − V_t, A_t = Σ_{k ≥ 0} (γλ)^k δ_{t+k}.
///
/// - Parameters:
///   - rewards: r_0 … r_{n−1}.
///   - values: V_0 … V_n (n + 1 numbers; V_n is the bootstrap value after the last step).
/// λ = 1 gives R_t − V_t (Monte-Carlo advantages); λ = 0 gives the one-step TD error.
@inlinable
public func generalizedAdvantages(_ rewards: ArraySlice<Double>, values: ArraySlice<Double>,
                                  discount: Double, lambda: Double) -> [Double] {
    precondition(values.count == rewards.count + 1, "GAE: need \(rewards.count + 1) values, got \(values.count)")
    var out = [Double](repeating: 0, count: rewards.count)
    var running = 0.0
    var i = rewards.count - 1
    let r0 = rewards.startIndex, v0 = values.startIndex
    while i >= 0 {
        let delta = rewards[r0 + i] + discount * values[v0 + i + 1] - values[v0 + i]
        running = delta + discount * lambda * running
        out[i] = running
        i -= 1
    }
    return out
}

extension EpisodeBatch {
    /// Reward-to-go of every step, E × T (0 past each episode's length).
    public func discountedReturns(discount: Double) -> [Double] {
        var out = [Double](repeating: 0, count: episodeCount * horizon)
        for e in 0..<episodeCount {
            let start = e * horizon
            let r = RL.discountedReturns(rewards[start..<(start + lengths[e])], discount: discount)
            for t in r.indices { out[start + t] = r[t] }
        }
        return out
    }

    /// GAE(γ, λ) advantages of every step, E × T (0 past each length), from per-step value
    /// estimates `values` (E × T, read only within each length).
    ///
    /// The value after an episode's last step is taken as 0, whether the task ended it or the
    /// horizon did: the convention of the MAML paper's code and of rllab/garage, kept so that
    /// learning curves are comparable (a truncated episode's tail is thereby treated as worth 0).
    public func advantages(values: [Double], discount: Double, lambda: Double) -> [Double] {
        precondition(values.count == episodeCount * horizon, "advantages: need E × T values")
        var out = [Double](repeating: 0, count: episodeCount * horizon)
        for e in 0..<episodeCount {
            let start = e * horizon, n = lengths[e]
            let v = Array(values[start..<(start + n)]) + [0]
            let a = generalizedAdvantages(rewards[start..<(start + n)], values: v[...], discount: discount, lambda: lambda)
            for t in a.indices { out[start + t] = a[t] }
        }
        return out
    }
}
