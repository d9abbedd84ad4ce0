import Foundation
import Numerics

// Mass properties of solid geoms and of bodies made of several geoms, with MuJoCo 3.3's compiler
// conventions (shared/MJCF-CONVENTIONS.md section 3): default density 1000, the exact capsule
// (cylinder plus two hemispheres), the parallel-axis theorem, and MuJoCo's own early-stopping
// Jacobi diagonalizer so that principal axes agree with MuJoCo's to round-off.

/// Mass, centre of mass and principal inertia of a body or a geom.
public struct MassProperties: Sendable, Equatable {
    /// Mass (kg).
    public var mass: Double
    /// Centre of mass in the owning frame (m).
    public var ipos: Vec3
    /// Principal axes: the columns of R(iquat) in the owning frame.
    public var iquat: Quat
    /// Principal moments about the centre of mass (kg·m²), in the order of iquat's axes.
    public var inertia: Vec3

    public init(mass: Double, ipos: Vec3, iquat: Quat, inertia: Vec3) {
        self.mass = mass; self.ipos = ipos; self.iquat = iquat; self.inertia = inertia
    }

    public static let zero = MassProperties(mass: 0, ipos: .zero, iquat: .identity, inertia: .zero)
}

public enum Inertia {
    /// MuJoCo's default geom density (kg/m³), that of water.
    public static let defaultDensity = 1000.0

    /// Volume (m³) of a solid geom; planes have none. Sizes as in `GeomType`.
    public static func volume(_ type: GeomType, size: Vec3) -> Double {
        let r = size.x
        switch type {
        case .plane: return 0
        case .sphere: return 4.0 / 3.0 * Double.pi * r * r * r
        case .cylinder: return Double.pi * r * r * 2 * size.y
        case .capsule: return Double.pi * r * r * 2 * size.y + 4.0 / 3.0 * Double.pi * r * r * r
        case .box: return 8 * size.x * size.y * size.z
        }
    }

    /// Mass (kg) and diagonal inertia (kg·m², about the centroid, geom frame; z = symmetry axis)
    /// of a uniform solid geom. `mass` wins over `density` when given, as in MJCF.
    public static func solid(_ type: GeomType, size: Vec3, density: Double = defaultDensity,
                             mass: Double? = nil) -> (mass: Double, inertia: Vec3) {
        let v = volume(type, size: size)
        if type == .plane || v <= 0 { return (0, .zero) }
        let m = mass ?? density * v
        let r = size.x
        switch type {
        case .plane:
            return (0, .zero)
        case .sphere:
            let i = 0.4 * m * r * r
            return (m, Vec3(i, i, i))
        case .cylinder:
            let l = 2 * size.y
            let i = m * (3 * r * r + l * l) / 12
            return (m, Vec3(i, i, m * r * r / 2))
        case .capsule:
            // Split the mass between the cylinder and the two caps in proportion to volume
            // (cylinder πr²L, caps 4/3·πr³); each cap is a hemisphere whose centroid lies 3r/8
            // from the cylinder's end: the exact solid capsule.
            let l = 2 * size.y
            let ms = m * 4 * r / (4 * r + 3 * l)
            let mc = m - ms
            let ixx = mc * (3 * r * r + l * l) / 12 + 0.4 * ms * r * r + ms * l * (3 * r + 2 * l) / 8
            let izz = mc * r * r / 2 + 0.4 * ms * r * r
            return (m, Vec3(ixx, ixx, izz))
        case .box:
            let a2 = 4 * size.x * size.x, b2 = 4 * size.y * size.y, c2 = 4 * size.z * size.z
            return (m, Vec3(m * (b2 + c2) / 12, m * (a2 + c2) / 12, m * (a2 + b2) / 12))
        }
    }

    /// Combines parts (each with its own frame) into one body: total mass, centre of mass, and
    /// the inertia tensor about it by the parallel-axis theorem, diagonalized by `principalAxes`.
    /// Returns nil when the total mass is below 1e-15 (no centre of mass exists).
    public static func combine(_ parts: [MassProperties]) -> MassProperties? {
        var mass = 0.0
        var c = Vec3.zero
        for p in parts {
            mass += p.mass
            c += p.mass * p.ipos
        }
        // MuJoCo's mjMINVAL: below it the centre of mass is undefined.
        guard mass >= 1e-15 else { return nil }
        c = c / mass
        var tensor = Mat3.zero
        for p in parts {
            let r = p.iquat.matrix
            let d = p.ipos - c
            let dd = d.squaredNorm
            tensor = tensor + r * Mat3.diagonal(p.inertia) * r.transposed
            tensor = tensor + p.mass * Mat3(dd - d.x * d.x, -d.x * d.y, -d.x * d.z,
                                            -d.y * d.x, dd - d.y * d.y, -d.y * d.z,
                                            -d.z * d.x, -d.z * d.y, dd - d.z * d.z)
        }
        let (inertia, iquat) = principalAxes(tensor)
        return MassProperties(mass: mass, ipos: c, iquat: iquat, inertia: inertia)
    }

    /// Principal moments (descending, up to a 1e-12 tie tolerance) and axes of a symmetric
    /// tensor, computed exactly as MuJoCo 3.3's compiler does: Jacobi rotations on the largest
    /// off-diagonal element, accumulated as a quaternion, stopping early. MuJoCo's result differs
    /// from the exact eigen-decomposition by up to ~6e-7 relative; following the same steps makes
    /// compiled models (and so trajectories) agree with MuJoCo's to round-off.
    public static func principalAxes(_ tensor: Mat3) -> (inertia: Vec3, quat: Quat) {
        var q = Quat.identity
        var lambda = Vec3.zero
        // 500 sweeps as in MuJoCo; in practice it stops after a handful.
        for _ in 0..<500 {
            let r = q.matrix
            let d = r.transposed * tensor * r
            lambda = Vec3(d.m00, d.m11, d.m22)

            // Largest off-diagonal element: (0,1) only when strictly largest, then (0,2) vs (1,2).
            let a01 = abs(d.m01), a02 = abs(d.m02), a12 = abs(d.m12)
            let row: Int, col: Int, k: Int
            if a01 > a02 && a01 > a12 { (row, col, k) = (0, 1, 2) }
            else if a02 > a12 { (row, col, k) = (0, 2, 1) }
            else { (row, col, k) = (1, 2, 0) }
            let drc = d[row, col]

            // Converged: off-diagonal below 1e-12 (absolute), MuJoCo's threshold.
            if abs(drc) < 1e-12 { break }
            let tau = (d[col, col] - d[row, row]) / (2 * drc)
            let t = (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + (1 + tau * tau).squareRoot())
            let cs = 1 / (1 + t * t).squareRoot()
            // The rotation would be within 1e-12 of identity: stop (this is the early stop).
            if cs > 1 - 1e-12 { break }

            // Half-angle sine of the Jacobi rotation about the remaining axis k.
            var s = (0.5 - 0.5 * cs).squareRoot()
            if tau >= 0 { s = -s }
            if k == 1 { s = -s }
            let w = (1 - s * s).squareRoot()
            let step: Quat
            switch k {
            case 0: step = Quat(w, s, 0, 0)
            case 1: step = Quat(w, 0, s, 0)
            default: step = Quat(w, 0, 0, s)
            }
            q = (q * step.normalized()).normalized()
        }

        // Sort descending with three adjacent swaps; each swap turns the frame by 90° about the
        // third axis. Values within 1e-12 count as equal (no swap), as in MuJoCo.
        let h = 0.707106781186548
        var l = [lambda.x, lambda.y, lambda.z]
        for (i, axisQuat) in [(0, Quat(h, 0, 0, h)), (1, Quat(h, h, 0, 0)), (0, Quat(h, 0, 0, h))] {
            if l[i] + 1e-12 < l[i + 1] {
                l.swapAt(i, i + 1)
                q = (q * axisQuat).normalized()
            }
        }
        return (Vec3(l[0], l[1], l[2]), q)
    }
}
