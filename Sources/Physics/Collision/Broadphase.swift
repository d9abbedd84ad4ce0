import Numerics

// Broadphase: world AABBs, sort-and-sweep along the axis of largest spread. Infinite boxes
// (planes) skip the sweep and pair with every other box. Scratch persists between calls, so the
// insertion sort runs on an almost-sorted order (near-linear for a moving scene) and nothing is
// allocated once capacities are reached.

/// Reusable sort-and-sweep state for a fixed number of boxes.
public struct SweepAndPrune: Sendable {
    /// Sweep order of the finite boxes (indices into the box list); kept between calls.
    @usableFromInline var order: [Int32]
    /// Candidate pairs (i < j) as i << 32 | j, sorted ascending after `update`.
    public private(set) var pairs: [UInt64]
    public private(set) var pairCount = 0
    var infinite: [Int32]

    /// Scratch for `count` boxes; the pair list starts with room for `pairCapacity` (default 8 per
    /// box) and only grows if a scene ever overlaps more.
    public init(count: Int, pairCapacity: Int? = nil) {
        order = []
        order.reserveCapacity(count)
        infinite = []
        infinite.reserveCapacity(count)
        pairs = [UInt64](repeating: 0, count: pairCapacity ?? max(64, 8 * count))
    }

    /// The k-th candidate pair (i < j).
    @inlinable
    public func pair(_ k: Int) -> (Int, Int) {
        let p = pairs[k]
        return (Int(p >> 32), Int(p & 0xFFFF_FFFF))
    }

    /// Recomputes the overlapping pairs of `boxes` (closed intervals on all three axes; boxes with
    /// an infinite bound overlap everything).
    public mutating func update(_ boxes: [AABB]) {
        let n = boxes.count
        pairCount = 0
        // Rebuild the finite/infinite split if the set changed (first call, or a plane moved to a
        // finite box), keeping the previous order otherwise.
        var finiteCount = 0
        for b in boxes where b.lo.x.isFinite && b.hi.x.isFinite && b.lo.y.isFinite && b.hi.y.isFinite
            && b.lo.z.isFinite && b.hi.z.isFinite { finiteCount += 1 }
        if order.count != finiteCount || infinite.count != n - finiteCount || !orderIsValid(boxes) {
            order.removeAll(keepingCapacity: true)
            infinite.removeAll(keepingCapacity: true)
            for i in 0..<n {
                let b = boxes[i]
                if b.lo.x.isFinite && b.hi.x.isFinite && b.lo.y.isFinite && b.hi.y.isFinite && b.lo.z.isFinite && b.hi.z.isFinite {
                    order.append(Int32(i))
                } else {
                    infinite.append(Int32(i))
                }
            }
        }
        // Sweep axis: the one along which box centres spread most (fewest false overlaps).
        var mean = Vec3.zero, sq = Vec3.zero
        for i in order {
            let c = 0.5 * (boxes[Int(i)].lo + boxes[Int(i)].hi)
            mean += c; sq += c.scaled(by: c)
        }
        let m = Double(max(order.count, 1))
        let variance = sq / m - (mean / m).scaled(by: mean / m)
        let axis = variance.x >= variance.y && variance.x >= variance.z ? 0 : (variance.y >= variance.z ? 1 : 2)

        // Move the order out of self (no copy) so the sweep can append pairs to self meanwhile.
        var ord: [Int32] = []
        swap(&ord, &order)
        defer { swap(&ord, &order) }
        boxes.withUnsafeBufferPointer { bp in
            ord.withUnsafeMutableBufferPointer { ob in
                // Insertion sort on the lower bound: O(n) when the order is nearly right already.
                let count = ob.count
                if count > 1 {
                    for k in 1..<count {
                        let item = ob[k]
                        let key = bp[Int(item)].lo[axis]
                        var j = k - 1
                        while j >= 0 && bp[Int(ob[j])].lo[axis] > key {
                            ob[j + 1] = ob[j]
                            j -= 1
                        }
                        ob[j + 1] = item
                    }
                }
                // Sweep: each box against the following ones until their lower bound passes its upper.
                for k in 0..<count {
                    let i = Int(ob[k])
                    let bi = bp[i]
                    let hi = bi.hi[axis]
                    var l = k + 1
                    while l < count {
                        let j = Int(ob[l])
                        let bj = bp[j]
                        if bj.lo[axis] > hi { break }
                        if bi.overlaps(bj) { addPair(i, j) }
                        l += 1
                    }
                }
            }
        }
        // Infinite boxes pair with everything.
        for a in 0..<infinite.count {
            let i = Int(infinite[a])
            for j in 0..<n where j != i {
                // Two infinite boxes: count the pair once.
                if !isInfinite(boxes[j]) || j > i {
                    if boxes[i].overlaps(boxes[j]) { addPair(i, j) }
                }
            }
        }
        sortPairs()
    }

    private func isInfinite(_ b: AABB) -> Bool {
        !(b.lo.x.isFinite && b.hi.x.isFinite && b.lo.y.isFinite && b.hi.y.isFinite && b.lo.z.isFinite && b.hi.z.isFinite)
    }

    private func orderIsValid(_ boxes: [AABB]) -> Bool {
        for i in order where Int(i) >= boxes.count || isInfinite(boxes[Int(i)]) { return false }
        return true
    }

    private mutating func addPair(_ i: Int, _ j: Int) {
        let (a, b) = i < j ? (i, j) : (j, i)
        if pairCount == pairs.count {
            // Grows only when a scene has more overlaps than ever before (amortized, rare).
            pairs.append(contentsOf: repeatElement(0, count: pairs.count))
        }
        pairs[pairCount] = UInt64(a) << 32 | UInt64(b)
        pairCount += 1
    }

    /// In-place heapsort of pairs[0..<pairCount]: a canonical (g1, g2) order without allocating.
    private mutating func sortPairs() {
        let n = pairCount
        if n < 2 { return }
        pairs.withUnsafeMutableBufferPointer { p in
            func siftDown(_ start: Int, _ end: Int) {
                var root = start
                while 2 * root + 1 < end {
                    var child = 2 * root + 1
                    if child + 1 < end && p[child] < p[child + 1] { child += 1 }
                    if p[root] >= p[child] { return }
                    p.swapAt(root, child)
                    root = child
                }
            }
            var start = n / 2 - 1
            while start >= 0 { siftDown(start, n); start -= 1 }
            var end = n - 1
            while end > 0 { p.swapAt(0, end); siftDown(0, end); end -= 1 }
        }
    }
}
