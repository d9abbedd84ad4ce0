import Foundation
import Numerics
@testable import Physics

// Helpers shared by the collision tests: random rotations and poses, and manifold comparisons.

/// A uniformly random rotation (normalized Gaussian quaternion).
func randomQuat(_ rng: inout RandomSource) -> Quat {
    Quat(rng.normal(), rng.normal(), rng.normal(), rng.normal()).normalized()
}

func randomUnit(_ rng: inout RandomSource) -> Vec3 {
    Vec3(rng.normal(), rng.normal(), rng.normal()).normalized()
}

/// A shape of the given type with random sizes in [0.05, 0.3] m.
func randomShape(_ type: GeomType, _ rng: inout RandomSource) -> GeomShape {
    GeomShape(type, size: Vec3(rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.3)))
}

/// Signed distance of two convex shapes by brute force: max over directions u of the separation
/// min_B x·u − max_A x·u (the separating-axis theorem makes it exact for the true maximizer),
/// from 6000 spiral directions refined by shrinking random perturbations.
func oracleSignedDistance(_ s1: GeomShape, _ p1: GeomPose, _ s2: GeomShape, _ p2: GeomPose,
                          rng: inout RandomSource) -> (Double, Vec3) {
    func sep(_ u: Vec3) -> Double { -s2.supportValue(-u, p2) - s1.supportValue(u, p1) }
    var best = -Double.infinity, bestU = Vec3.unitZ
    let n = 6000
    let golden = Double.pi * (3 - 5.0.squareRoot())
    for i in 0..<n {
        let z = 1 - 2 * (Double(i) + 0.5) / Double(n)
        let r = (1 - z * z).squareRoot()
        let u = Vec3(r * cos(golden * Double(i)), r * sin(golden * Double(i)), z)
        let s = sep(u)
        if s > best { best = s; bestU = u }
    }
    var step = 0.05
    while step > 1e-10 {
        var improved = false
        for _ in 0..<200 {
            let u = (bestU + step * randomUnit(&rng)).normalized()
            let s = sep(u)
            if s > best { best = s; bestU = u; improved = true }
        }
        if !improved { step *= 0.6 }
    }
    return (best, bestU)
}

/// Largest mismatch between two manifolds, (geometry, distance): each point of `a` is matched to
/// the point of `b` nearest in max(|Δpos|, |Δnormal|); infinity when the counts differ.
func contactMismatch(_ a: ContactManifold, _ b: ContactManifold) -> (Double, Double) {
    guard a.count == b.count else { return (.infinity, .infinity) }
    var worst = 0.0, worstDist = 0.0
    for i in 0..<a.count {
        var best = Double.infinity, bestDist = Double.infinity
        for j in 0..<b.count {
            let g = max((a[i].pos - b[j].pos).norm, (a[i].normal - b[j].normal).norm)
            if g < best { best = g; bestDist = abs(a[i].dist - b[j].dist) }
        }
        worst = max(worst, best); worstDist = max(worstDist, bestDist)
    }
    return (worst, worstDist)
}

func isNear(_ a: Vec3, _ b: Vec3, _ tol: Double) -> Bool { (a - b).norm <= tol }

/// Rotation about a world axis as a matrix.
func rot(_ axis: Vec3, _ angle: Double) -> Mat3 { Quat(axis: axis, angle: angle).matrix }

func minDist(_ m: ContactManifold) -> Double { (0..<m.count).map { m[$0].dist }.min() ?? .infinity }
