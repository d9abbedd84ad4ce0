import Foundation
import Numerics

// Orientation attributes (quat, axisangle, euler, xyaxes, zaxis, fromto) to unit quaternions,
// following MJCF-CONVENTIONS.md section 2.

enum Orientation {
    /// Rotation about coordinate axis `axis` (0 x, 1 y, 2 z) by `angle` radians.
    static func about(_ axis: Int, _ angle: Double) -> Quat {
        let s = sin(0.5 * angle), c = cos(0.5 * angle)
        switch axis {
        case 0: return Quat(c, s, 0, 0)
        case 1: return Quat(c, 0, s, 0)
        default: return Quat(c, 0, 0, s)
        }
    }

    /// Euler angles (radians) in sequence `seq`: lowercase letters rotate about the moving
    /// (intrinsic) axes, `q ← q ⊗ r`; uppercase about the fixed (extrinsic) axes, `q ← r ⊗ q`.
    static func euler(_ angles: [Double], sequence seq: [Character]) -> Quat {
        var q = Quat.identity
        for (letter, angle) in zip(seq, angles) {
            let axis = "xyz".firstIndex(of: Character(letter.lowercased()))!.utf16Offset(in: "xyz")
            let r = about(axis, angle)
            q = letter.isUppercase ? r * q : q * r
        }
        return q.normalized()
    }

    /// Minimal rotation taking +z to `v`; antiparallel gives a half turn about x.
    static func zaxis(_ v: Vec3) -> Quat {
        let z = v.normalized()
        let axis = Vec3(-z.y, z.x, 0)  // ẑ × v
        let s = axis.norm
        // Parallel (or antiparallel) within round-off: the cross product carries no direction.
        if s < 1e-14 { return z.z < 0 ? Quat(0, 1, 0, 0) : .identity }
        return Quat(axis: axis / s, angle: atan2(s, z.z))
    }

    /// Frame whose x axis is `x` and whose y axis is `y` made orthogonal to x.
    static func xyaxes(_ x: Vec3, _ y: Vec3) -> Quat? {
        let ux = x.normalized(epsilon: 1e-14, fallback: .zero)
        let yo = y - ux.dot(y) * ux
        let uy = yo.normalized(epsilon: 1e-14, fallback: .zero)
        if ux == .zero || uy == .zero { return nil }
        return fromMatrix(Mat3(columns: ux, uy, ux.cross(uy)))
    }

    /// Unit quaternion of a rotation matrix (Shepperd's method: branch on the largest of
    /// trace and diagonal so the square root is well conditioned).
    static func fromMatrix(_ m: Mat3) -> Quat {
        let tr = m.m00 + m.m11 + m.m22
        var q: Quat
        if tr > 0 {
            let s = 0.5 / (tr + 1).squareRoot()
            q = Quat(0.25 / s, (m.m21 - m.m12) * s, (m.m02 - m.m20) * s, (m.m10 - m.m01) * s)
        } else if m.m00 > m.m11 && m.m00 > m.m22 {
            let s = 2 * (1 + m.m00 - m.m11 - m.m22).squareRoot()
            q = Quat((m.m21 - m.m12) / s, 0.25 * s, (m.m01 + m.m10) / s, (m.m02 + m.m20) / s)
        } else if m.m11 > m.m22 {
            let s = 2 * (1 + m.m11 - m.m00 - m.m22).squareRoot()
            q = Quat((m.m02 - m.m20) / s, (m.m01 + m.m10) / s, 0.25 * s, (m.m12 + m.m21) / s)
        } else {
            let s = 2 * (1 + m.m22 - m.m00 - m.m11).squareRoot()
            q = Quat((m.m10 - m.m01) / s, (m.m02 + m.m20) / s, (m.m12 + m.m21) / s, 0.25 * s)
        }
        q = q.normalized()
        return q
    }
}
