import Numerics

// The collision stage: (geom world poses) => contacts. Broadphase over world AABBs, filtering,
// narrowphase per candidate pair, parameter mixing. Pure over its inputs: it reads the Model and
// the geoms' world poses (filled by kinematics) and writes a ContactBuffer; the scratch it keeps
// is reused from step to step.
//
// The filters (bitmasks, weld rules) and the mixed contact parameters depend on the two geoms
// only, so they are settled once per Model. A small scene (a robot arm, a box on a plane) keeps
// the list of allowed pairs and tests AABB overlap on it directly: that is a few dozen interval
// tests, cheaper than sorting, sweeping and then sorting the pairs. Large scenes use
// sort-and-sweep and filter its candidates. Both paths visit the overlapping allowed pairs in the
// same ascending (i, j) order, so the contacts come out identical.

/// A geom pair that passes the filters, with what the narrowphase needs of it precomputed.
struct AllowedPair: Sendable {
    /// Geoms in narrowphase order: lower type first, ties lower index.
    var g1: Int
    var g2: Int
    /// max(margin1, margin2) (m): the narrowphase reports contacts with dist <= margin.
    var margin: Double
    var parameters: ContactParameters
}

/// Reusable collision-detection state for one Model (one per Data).
public struct CollisionDetector: Sendable {
    /// Sort-and-sweep state; updated only for scenes too large for the allowed-pair list.
    public private(set) var broadphase: SweepAndPrune
    var boxes: [AABB]
    let shapes: [GeomShape]
    var scratch = ConvexScratch()
    /// One pair's contact points, emptied per pair rather than rebuilt (its 8 slots are 640 bytes).
    var manifold = ContactManifold()
    /// Allowed pairs in ascending (min index, max index) order, or nil when sort-and-sweep is used.
    let allowedPairs: [AllowedPair]?
    /// Geoms in at least one allowed pair, ascending: the only boxes the pair list reads.
    let pairedGeoms: [Int]
    let geomMargin: [Double]

    /// Scenes with at most this many geoms are checked for the pair-list path (the filter pass is
    /// O(ngeom²) at construction; 128 geoms is 8 128 filter checks, well under a millisecond).
    static let pairListMaxGeoms = 128
    /// The pair list is used while it has at most this many pairs per geom: one overlap test is
    /// ~6 comparisons, while sort-and-sweep spends about as much per geom on the sort, the
    /// sweep and sorting its output, plus the filters per candidate.
    static let pairListPairsPerGeom = 16

    /// Allocates all scratch for the model's geoms once; `detect` then never allocates (unless a
    /// scene overlaps more pairs than ever before).
    public init(model m: Model) {
        self.init(model: m, allowPairList: true)
    }

    /// `allowPairList: false` forces sort-and-sweep whatever the scene size (tests compare the
    /// two paths).
    init(model m: Model, allowPairList: Bool) {
        let n = m.geoms.count
        broadphase = SweepAndPrune(count: n)
        boxes = [AABB](repeating: AABB(lo: .zero, hi: .zero), count: n)
        shapes = m.geoms.map { GeomShape($0.type, size: $0.size) }
        geomMargin = m.geoms.map(\.margin)
        var list: [AllowedPair]? = nil
        var paired: [Int] = []
        if allowPairList && n <= Self.pairListMaxGeoms {
            var pairs: [AllowedPair] = []
            var used = [Bool](repeating: false, count: n)
            for i in 0..<n {
                for j in (i + 1)..<n where geomsMayCollide(m, i, j) {
                    let gi = m.geoms[i], gj = m.geoms[j]
                    let (a, b) = gi.type.rawValue > gj.type.rawValue ? (j, i) : (i, j)
                    pairs.append(AllowedPair(g1: a, g2: b, margin: max(gi.margin, gj.margin),
                                             parameters: mixContactParameters(m.geoms[a], m.geoms[b])))
                    used[i] = true
                    used[j] = true
                }
            }
            if pairs.count <= Self.pairListPairsPerGeom * max(n, 1) {
                list = pairs
                paired = (0..<n).filter { used[$0] }
            }
        }
        allowedPairs = list
        pairedGeoms = paired
    }

    /// Fills `contacts` (cleared first) from geom world positions `geomXpos` (ngeom, m) and
    /// rotations `geomXmat` (ngeom; columns are the geom axes in the world). `m` must be the
    /// Model this detector was made for.
    /// Contacts come in increasing (geom1, geom2) order of the unordered pair, geom1 having the
    /// lower type (ties: lower index), each with its mixed parameters.
    public mutating func detect(_ m: Model, geomXpos: [Vec3], geomXmat: [Mat3], into contacts: inout ContactBuffer) {
        precondition(geomXpos.count == m.geoms.count && geomXmat.count == m.geoms.count,
                     "detect: one pose per geom")
        precondition(shapes.count == m.geoms.count, "detect: the detector was made for another model")
        contacts.removeAll()
        if let pairs = allowedPairs {
            detectPairList(pairs, geomXpos: geomXpos, geomXmat: geomXmat, into: &contacts)
            return
        }
        for g in 0..<shapes.count {
            boxes[g] = shapes[g].aabb(GeomPose(pos: geomXpos[g], rot: geomXmat[g]), margin: geomMargin[g])
        }
        broadphase.update(boxes)
        for k in 0..<broadphase.pairCount {
            var (i, j) = broadphase.pair(k)
            guard geomsMayCollide(m, i, j) else { continue }
            let gi = m.geoms[i], gj = m.geoms[j]
            if gi.type.rawValue > gj.type.rawValue { swap(&i, &j) }
            let margin = max(gi.margin, gj.margin)
            narrowphase(i, j, margin: margin, parameters: mixContactParameters(m.geoms[i], m.geoms[j]),
                        geomXpos, geomXmat, &contacts)
        }
    }

    /// The small-scene path: AABB overlap on the precomputed allowed pairs, in list order.
    private mutating func detectPairList(_ pairs: [AllowedPair], geomXpos: [Vec3], geomXmat: [Mat3],
                                         into contacts: inout ContactBuffer) {
        for g in pairedGeoms {
            boxes[g] = shapes[g].aabb(GeomPose(pos: geomXpos[g], rot: geomXmat[g]), margin: geomMargin[g])
        }
        for k in 0..<pairs.count {
            let p = pairs[k]
            // Same closed-interval test as the sweep, so the same pairs reach the narrowphase.
            guard boxes[p.g1].overlaps(boxes[p.g2]) else { continue }
            narrowphase(p.g1, p.g2, margin: p.margin, parameters: p.parameters, geomXpos, geomXmat, &contacts)
        }
    }

    /// Narrowphase for geoms i, j (already in narrowphase order); appends the manifold's contacts.
    @inline(__always)
    private mutating func narrowphase(_ i: Int, _ j: Int, margin: Double, parameters: ContactParameters,
                                      _ geomXpos: [Vec3], _ geomXmat: [Mat3], _ contacts: inout ContactBuffer) {
        manifold.removeAll()
        collideOrdered(shapes[i], GeomPose(pos: geomXpos[i], rot: geomXmat[i]),
                       shapes[j], GeomPose(pos: geomXpos[j], rot: geomXmat[j]),
                       margin: margin, &manifold, &scratch)
        if manifold.isEmpty { return }
        for c in 0..<manifold.count {
            let p = manifold[c]
            contacts.append(Contact(pos: p.pos, normal: p.normal, dist: p.dist, geom1: i, geom2: j,
                                    tangentHint: p.tangentHint, parameters: parameters))
        }
    }
}
