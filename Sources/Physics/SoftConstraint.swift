import Foundation

// MuJoCo's soft-constraint model (MJCF-CONVENTIONS.md §7): each constraint row has an impedance
// d ∈ (0, 1) from solimp, a reference acceleration a_ref = −B·v − K·d·(r − margin) from solref,
// and a regularizer R = (1 − d)/d · diagApprox. Pure functions; the solver calls them per row.

/// Impedance bounds (MuJoCo's mjMINIMP, mjMAXIMP): d stays strictly inside (0, 1) so that R and
/// 1/R are finite.
public let minimumImpedance = 0.0001
public let maximumImpedance = 0.9999
/// Below this a width or a regularizer counts as zero (MuJoCo's mjMINVAL).
public let softMinimum = 1e-15

/// solref/solimp sanitized as MuJoCo does before use.
public struct SoftParameters: Sendable, Equatable {
    /// (timeconst s, dampratio) or direct (−stiffness, −damping).
    public var solref: (Double, Double)
    /// (dmin, dmax, width m, midpoint, power).
    public var solimp: (Double, Double, Double, Double, Double)

    /// Clamps as MuJoCo's getsolparam: mixed-sign solref is replaced by the default (0.02, 1);
    /// a positive time constant is raised to 2·timestep ("refsafe": a spring faster than two steps
    /// cannot be integrated stably); dmin, dmax, midpoint to [1e-4, 0.9999]; width ≥ 0; power ≥ 1.
    public init(solref: (Double, Double), solimp: (Double, Double, Double, Double, Double), timestep: Double) {
        var ref = solref
        if (ref.0 > 0) != (ref.1 > 0) { ref = (0.02, 1) }
        if ref.0 > 0 { ref.0 = max(ref.0, 2 * timestep) }
        self.solref = ref
        func clampImp(_ x: Double) -> Double { min(maximumImpedance, max(minimumImpedance, x)) }
        self.solimp = (clampImp(solimp.0), clampImp(solimp.1), max(0, solimp.2), clampImp(solimp.3), max(1, solimp.4))
    }

    public static func == (a: SoftParameters, b: SoftParameters) -> Bool {
        a.solref == b.solref && a.solimp == b.solimp
    }
}

/// Impedance d at constraint position `pos` (contacts: dist) with `margin`: dmin at
/// |pos − margin| = 0 rising to dmax at |pos − margin| ≥ width along two power curves
/// y = a·x^p (x ≤ midpoint) and y = 1 − b·(1 − x)^p (x > midpoint) that meet at the midpoint;
/// d = dmin + y·(dmax − dmin). Returns (d, ∂d/∂pos).
public func impedance(_ solimp: (Double, Double, Double, Double, Double), pos: Double, margin: Double) -> (Double, Double) {
    let (dmin, dmax, width, mid, power) = solimp
    if dmin == dmax || width <= softMinimum { return (0.5 * (dmin + dmax), 0) }
    var x = (pos - margin) / width
    var sign = 1.0
    if x < 0 { x = -x; sign = -1 }
    if x >= 1 || x <= 0 { return (x >= 1 ? dmax : dmin, 0) }
    let y: Double, dy: Double
    if power == 1 {
        y = x; dy = 1
    } else if power == 2 {
        // MuJoCo's default power: the same curves without two libm pow calls per row (a
        // measurable share of a contact-rich step); x·x and pow(x, 2) agree to the last bit
        // or one ulp.
        if x <= mid {
            let a = 1 / mid
            y = a * (x * x); dy = 2 * a * x
        } else {
            let b = 1 / (1 - mid), u = 1 - x
            y = 1 - b * (u * u); dy = 2 * b * u
        }
    } else if x <= mid {
        let a = 1 / pow(mid, power - 1)
        y = a * pow(x, power); dy = power * a * pow(x, power - 1)
    } else {
        let b = 1 / pow(1 - mid, power - 1)
        y = 1 - b * pow(1 - x, power); dy = power * b * pow(1 - x, power - 1)
    }
    return (dmin + y * (dmax - dmin), dy * sign * (dmax - dmin) / width)
}

/// Stiffness K and damping B of the reference acceleration a_ref = −B·v − K·d·(r − margin).
/// Standard form (timeconst tc, dampratio ζ): B = 2/(dmax·tc), K = 1/(dmax²·tc²·ζ²), a
/// mass-spring-damper with time constant tc (ζ = 1: critically damped) once scaled by d.
/// Direct form (−k, −b): K = k/dmax², B = b/dmax. `p` must already be sanitized (refsafe applied).
public func referenceStiffnessDamping(_ p: SoftParameters) -> (k: Double, b: Double) {
    let dmax = p.solimp.1
    if p.solref.0 > 0 {
        let tc = p.solref.0, zeta = p.solref.1
        return (1 / (dmax * dmax * tc * tc * zeta * zeta), 2 / (dmax * tc))
    }
    return (-p.solref.0 / (dmax * dmax), -p.solref.1 / dmax)
}

/// Reference acceleration of one row: −B·vel − K·d·(pos − margin).
public func referenceAcceleration(k: Double, b: Double, impedance d: Double, pos: Double, margin: Double, vel: Double) -> Double {
    -b * vel - k * d * (pos - margin)
}

/// Regularizer R = (1 − d)/d · diagApprox (floored at 1e-15 so that 1/R exists).
public func regularizer(impedance d: Double, diagApprox: Double) -> Double {
    max(softMinimum, (1 - d) / d * diagApprox)
}
