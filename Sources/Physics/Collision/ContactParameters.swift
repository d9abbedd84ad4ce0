import Numerics

// Mixing two geoms' contact parameters into one contact's (MJCF-CONVENTIONS.md §7, MuJoCo's
// mj_contactParam): priority wins outright; at equal priority condim and friction take the max,
// solref/solimp are blended by solmix; margin and gap always take the max.

/// Below this a solmix weight counts as zero (MuJoCo's mjMINVAL).
let solmixMinimum = 1e-15

/// Floor on every friction coefficient (MuJoCo's mjMINMU): a pyramid edge's regularizer is
/// 2μ²·R, so μ = 0 would make the constraint problem singular. Frictionless contact is condim 1.
let minimumFriction = 1e-5

/// The parameters of a contact between geoms g1 and g2.
public func mixContactParameters(_ g1: Geom, _ g2: Geom) -> ContactParameters {
    var p = ContactParameters()
    p.margin = max(g1.margin, g2.margin)
    p.gap = max(g1.gap, g2.gap)
    if g1.priority != g2.priority {
        let g = g1.priority > g2.priority ? g1 : g2
        p.condim = g.condim
        let (slide, spin, roll) = (max(minimumFriction, g.friction.x), max(minimumFriction, g.friction.y),
                                   max(minimumFriction, g.friction.z))
        p.friction = [slide, slide, spin, roll, roll]
        p.solref = g.solver.solref
        for i in 0..<5 { p.solimp[i] = g.solver.imp[i] }
        return p
    }
    p.condim = max(g1.condim, g2.condim)
    let slide = max(minimumFriction, g1.friction.x, g2.friction.x)
    let spin = max(minimumFriction, g1.friction.y, g2.friction.y)
    let roll = max(minimumFriction, g1.friction.z, g2.friction.z)
    p.friction = [slide, slide, spin, roll, roll]

    // Weight of geom 1; a zero solmix yields to the other geom, two zeros split evenly.
    let m1 = g1.solmix, m2 = g2.solmix
    let w: Double
    if m1 >= solmixMinimum && m2 >= solmixMinimum { w = m1 / (m1 + m2) }
    else if m1 < solmixMinimum && m2 < solmixMinimum { w = 0.5 }
    else if m1 < solmixMinimum { w = 0 }
    else { w = 1 }

    let r1 = g1.solver.solref, r2 = g2.solver.solref
    if r1.0 > 0 && r2.0 > 0 {
        p.solref = (w * r1.0 + (1 - w) * r2.0, w * r1.1 + (1 - w) * r2.1)
    } else {
        // Direct (negative) form on either side: blending stiffnesses with time constants is
        // meaningless, so take the element-wise minimum.
        p.solref = (min(r1.0, r2.0), min(r1.1, r2.1))
    }
    for i in 0..<5 { p.solimp[i] = w * g1.solver.imp[i] + (1 - w) * g2.solver.imp[i] }
    return p
}
