import Foundation
import Numerics

/// An orbit camera in a z-up world, as MuJoCo's free camera: it looks at `target` from
/// `distance` away, `azimuth` degrees around z from +x, `elevation` degrees above the horizontal
/// plane through the target. The HTML player starts from the same numbers and uses the same
/// formulas, so a still and the page's first view match.
public struct Camera: Sendable, Equatable, Codable {
    public var target: Vec3
    public var azimuth: Double
    public var elevation: Double
    public var distance: Double
    /// Vertical field of view (degrees).
    public var fovy: Double

    public static let near = 0.02
    public static let far = 50.0

    public init(target: Vec3, azimuth: Double, elevation: Double, distance: Double, fovy: Double = 45) {
        self.target = target; self.azimuth = azimuth; self.elevation = elevation
        self.distance = distance; self.fovy = fovy
    }

    public var eye: Vec3 {
        let a = azimuth * .pi / 180, e = elevation * .pi / 180
        return target + distance * Vec3(cos(e) * cos(a), cos(e) * sin(a), sin(e))
    }

    /// World to camera (right, up, backward) rotation rows and the eye: p_cam = R (p − eye).
    public var viewRotation: Mat3 {
        let back = (eye - target) / distance
        let right = Vec3.unitZ.cross(back)
        let r = right.norm > 1e-9 ? right / right.norm : Vec3.unitX
        let up = back.cross(r)
        return Mat3(r.x, r.y, r.z, up.x, up.y, up.z, back.x, back.y, back.z)
    }

    /// Perspective projection of a camera-frame point to clip coordinates (x, y, z, w), OpenGL's
    /// convention (w = −z_cam; NDC z in [−1, 1] between `near` and `far`).
    public func project(_ p: Vec3, aspect: Double) -> SIMD4<Double> {
        let f = 1 / tan(fovy * .pi / 360)
        let n = Camera.near, fa = Camera.far
        return SIMD4(f / aspect * p.x, f * p.y, (fa + n) / (n - fa) * p.z + 2 * fa * n / (n - fa), -p.z)
    }

    /// A view of the arm suite's table from the front right, above, facing the arm.
    public static let tabletop = Camera(target: Vec3(0.4, 0, 1.0), azimuth: 35, elevation: 25, distance: 2.2)
}
