import Numerics

// Which geom pairs are tested (MJCF-CONVENTIONS.md §7, MuJoCo's dynamic-pair rules):
// contype/conaffinity bitmasks, then weld-body rules. Explicit <pair>/<exclude> are not modelled yet.

/// Bitmask compatibility: (contype1 & conaffinity2) ≠ 0 or (contype2 & conaffinity1) ≠ 0.
@inlinable
public func bitmaskAllows(_ g1: Geom, _ g2: Geom) -> Bool {
    (g1.contype & g2.conaffinity) != 0 || (g2.contype & g1.conaffinity) != 0
}

/// Weld-body rules for bodies b1, b2: geoms on the same weld (the nearest ancestor-or-self body
/// with joints; the world is weld 0) never collide; when both welds are non-world and one is the
/// other's weld-parent (the weld of its parent body), the pair is excluded. Grandparent and
/// grandchild still collide, and anything collides with the world unless welded to it.
public func bodiesMayCollide(_ m: Model, _ b1: Int, _ b2: Int) -> Bool {
    let w1 = m.bodies[b1].weld, w2 = m.bodies[b2].weld
    if w1 == w2 { return false }
    if w1 != 0 && w2 != 0 {
        let parent1 = m.bodies[m.bodies[w1].parent].weld
        let parent2 = m.bodies[m.bodies[w2].parent].weld
        if parent1 == w2 || parent2 == w1 { return false }
    }
    return true
}

/// Both filters for geoms i and j of the model.
public func geomsMayCollide(_ m: Model, _ i: Int, _ j: Int) -> Bool {
    let g1 = m.geoms[i], g2 = m.geoms[j]
    return bitmaskAllows(g1, g2) && bodiesMayCollide(m, g1.body, g2.body)
}
