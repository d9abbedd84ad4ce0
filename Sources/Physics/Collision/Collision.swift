import Numerics

// The collision stage: (geom world poses) => contacts. Broadphase over world AABBs, filtering,
// narrowphase per candidate pair, parameter mixing. Pure over its inputs: it reads the Model and
// the geoms' world poses (filled by kinematics) and writes a ContactBuffer; the scratch it keeps
// is reused from step to step.

/// Reusable collision-detection state for one Model (one per Data).
public struct CollisionDetector: Sendable {
    public private(set) var broadphase: SweepAndPrune
    var boxes: [AABB]
    let shapes: [GeomShape]
    var scratch = ConvexScratch()

    /// Allocates all scratch for the model's geoms once; `detect` then never allocates (unless a
    /// scene overlaps more pairs than ever before).
    public init(model m: Model) {
        broadphase = SweepAndPrune(count: m.geoms.count)
        boxes = [AABB](repeating: AABB(lo: .zero, hi: .zero), count: m.geoms.count)
        shapes = m.geoms.map { GeomShape($0.type, size: $0.size) }
    }

    /// Fills `contacts` (cleared first) from geom world positions `geomXpos` (ngeom, m) and
    /// rotations `geomXmat` (ngeom; columns are the geom axes in the world).
    /// Contacts come in increasing (geom1, geom2) order of the unordered pair, geom1 having the
    /// lower type (ties: lower index), each with its mixed parameters.
    public mutating func detect(_ m: Model, geomXpos: [Vec3], geomXmat: [Mat3], into contacts: inout ContactBuffer) {
        precondition(geomXpos.count == m.geoms.count && geomXmat.count == m.geoms.count,
                     "detect: one pose per geom")
        contacts.removeAll()
        for g in 0..<shapes.count {
            boxes[g] = shapes[g].aabb(GeomPose(pos: geomXpos[g], rot: geomXmat[g]), margin: m.geoms[g].margin)
        }
        broadphase.update(boxes)
        for k in 0..<broadphase.pairCount {
            var (i, j) = broadphase.pair(k)
            guard geomsMayCollide(m, i, j) else { continue }
            let gi = m.geoms[i], gj = m.geoms[j]
            if gi.type.rawValue > gj.type.rawValue { swap(&i, &j) }
            let margin = max(gi.margin, gj.margin)
            var manifold = ContactManifold()
            collideOrdered(shapes[i], GeomPose(pos: geomXpos[i], rot: geomXmat[i]),
                           shapes[j], GeomPose(pos: geomXpos[j], rot: geomXmat[j]),
                           margin: margin, &manifold, &scratch)
            if manifold.isEmpty { continue }
            let params = mixContactParameters(m.geoms[i], m.geoms[j])
            for c in 0..<manifold.count {
                let p = manifold[c]
                contacts.append(Contact(pos: p.pos, normal: p.normal, dist: p.dist, geom1: i, geom2: j,
                                        tangentHint: p.tangentHint, parameters: params))
            }
        }
    }
}
