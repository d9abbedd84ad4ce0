import Testing
import Collectives

@Suite("Collectives")
struct CollectivesTests {
    @Test("blocks cover 0..<count in rank order, sizes within one of each other", arguments: [(1, 5), (2, 5), (3, 20), (4, 4), (7, 40)])
    func blocks(_ size: Int, _ count: Int) {
        let blocks = (0..<size).map { SingleProcess.block($0, of: size, count: count) }
        #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == count)
        for (a, b) in zip(blocks, blocks.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        let sizes = blocks.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test("all-gather and gatherItems on 3 in-process ranks: every rank sees every rank's values in rank order")
    func gather() {
        let count = 8   // blocks 0..<2, 2..<5, 5..<8
        let results = LocalGroup(size: 3).run { world -> ([[Double]], [[Int]], [Int]) in
            let mine = world.share(of: count).map { item in [Double](repeating: Double(item), count: item + 1) }
            let items = world.gatherItems(mine, count: count)
            let ragged = world.allGather([Int](repeating: world.rank, count: world.rank))   // 0, 1 and 2 values
            let ranks = world.allGather(world.rank * 10)
            return (items, ragged, ranks)
        }
        for (items, ragged, ranks) in results {
            #expect(items == (0..<count).map { [Double](repeating: Double($0), count: $0 + 1) })
            #expect(ragged == [[], [1], [2, 2]])
            #expect(ranks == [0, 10, 20])
        }
    }

    @Test("many exchanges in a row keep their order (no rank reads another round's values)")
    func rounds() {
        let results = LocalGroup(size: 4).run { world -> Bool in
            (0..<200).allSatisfy { round in world.allGather(round * 4 + world.rank) == (0..<4).map { round * 4 + $0 } }
        }
        #expect(results == [true, true, true, true])
    }
}
