import Foundation
import Testing
import Numerics
import TestSupport
@testable import Physics

// Mass properties against oracles outside the code: quadrature over the solid of revolution,
// subdivision plus the parallel-axis theorem, hand-derived tensors, and the defining property
// R·diag(λ)·Rᵀ = I of a diagonalization.

/// Mass, Ixx and Izz of a uniform solid of revolution about z (centroid at z = 0) whose radius
/// at height z is given piecewise, by composite Simpson quadrature over thin disks.
func solidOfRevolution(density ρ: Double, pieces: [(ClosedRange<Double>, (Double) -> Double)]) -> (m: Double, ixx: Double, izz: Double) {
    var m = 0.0, ixx = 0.0, izz = 0.0
    for (range, radius) in pieces {
        let n = 4000
        let h = (range.upperBound - range.lowerBound) / Double(n)
        var pm = 0.0, pxx = 0.0, pzz = 0.0
        for i in 0...n {
            let z = range.lowerBound + Double(i) * h
            let w = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
            let r2 = radius(z) * radius(z)
            pm += w * Double.pi * r2
            pzz += w * Double.pi * r2 * r2 / 2
            pxx += w * Double.pi * (r2 * r2 / 4 + r2 * z * z)
        }
        m += pm * h / 3; ixx += pxx * h / 3; izz += pzz * h / 3
    }
    return (ρ * m, ρ * ixx, ρ * izz)
}

@Suite("Inertia")
struct InertiaTests {
    @Test("capsule, cylinder and sphere match quadrature over the solid", arguments: [(0.05, 0.2), (0.1, 0.01), (0.3, 0.7)])
    func solidsOfRevolution(_ r: Double, _ half: Double) {
        let ρ = 1000.0
        let cap: (Double) -> Double = { z in
            let d = abs(z) - half
            return (max(0, r * r - d * d)).squareRoot()
        }
        let capsule = solidOfRevolution(density: ρ, pieces: [(-(half + r)...(-half), cap), ((-half)...half, { _ in r }),
                                                            (half...(half + r), cap)])
        let (m, i) = Inertia.solid(.capsule, size: Vec3(r, half, 0))
        #expect(isClose(m, capsule.m, rtol: 1e-10))
        #expect(isClose(i.x, capsule.ixx, rtol: 1e-10) && isClose(i.y, capsule.ixx, rtol: 1e-10))
        #expect(isClose(i.z, capsule.izz, rtol: 1e-10))

        let cylinder = solidOfRevolution(density: ρ, pieces: [((-half)...half, { _ in r })])
        let (mc, ic) = Inertia.solid(.cylinder, size: Vec3(r, half, 0))
        #expect(isClose(mc, cylinder.m, rtol: 1e-10))
        #expect(isClose(ic.x, cylinder.ixx, rtol: 1e-10) && isClose(ic.z, cylinder.izz, rtol: 1e-10))

        let sphere = solidOfRevolution(density: ρ, pieces: [((-r)...r, { z in (max(0, r * r - z * z)).squareRoot() })])
        let (ms, isph) = Inertia.solid(.sphere, size: Vec3(r, 0, 0))
        #expect(isClose(ms, sphere.m, rtol: 1e-9))
        #expect(isClose(isph.x, sphere.ixx, rtol: 1e-9) && isClose(isph.z, sphere.izz, rtol: 1e-9))
    }

    @Test("a box equals its eight octants combined by the parallel-axis theorem")
    func boxSubdivision() {
        let a = 0.1, b = 0.25, c = 0.4, ρ = 700.0
        let whole = Inertia.solid(.box, size: Vec3(a, b, c), density: ρ)
        var parts: [MassProperties] = []
        for sx in [-1.0, 1.0] { for sy in [-1.0, 1.0] { for sz in [-1.0, 1.0] {
            let (m, i) = Inertia.solid(.box, size: Vec3(a / 2, b / 2, c / 2), density: ρ)
            parts.append(MassProperties(mass: m, ipos: Vec3(sx * a / 2, sy * b / 2, sz * c / 2), iquat: .identity, inertia: i))
        } } }
        let combined = Inertia.combine(parts)!
        #expect(isClose(combined.mass, whole.mass, rtol: 1e-14))
        #expect(isClose(combined.ipos, .zero, atol: 1e-15))
        // Combined moments come out sorted descending; with a < b < c the box's Ixx > Iyy > Izz
        // already are, so no axis swap either.
        #expect(isClose(combined.inertia, whole.inertia, atol: 1e-12 * whole.inertia.x))
        #expect(combined.iquat == .identity)
        #expect(isClose(whole.mass, ρ * 8 * a * b * c, rtol: 1e-15))
    }

    @Test("mass= overrides density; planes and zero density have no mass")
    func massAndDensity() {
        let (m, i) = Inertia.solid(.sphere, size: Vec3(0.1, 0, 0), mass: 2)
        #expect(m == 2)
        #expect(isClose(i.x, 0.4 * 2 * 0.01, rtol: 1e-15))
        #expect(Inertia.solid(.plane, size: Vec3(1, 1, 1)).mass == 0)
        #expect(Inertia.solid(.box, size: Vec3(1, 1, 1), density: 0).mass == 0)
        #expect(isClose(Inertia.solid(.cylinder, size: Vec3(0.1, 0.5, 0)).mass, 1000 * Double.pi * 0.01 * 1.0, rtol: 1e-15))
    }

    @Test("two spheres apart: parallel-axis moments, and the axis of least inertia is their line")
    func twoSpheres() {
        let r = 0.05, d = 0.3
        let (m, i) = Inertia.solid(.sphere, size: Vec3(r, 0, 0))
        let parts = [MassProperties(mass: m, ipos: Vec3(d, 0, 0), iquat: .identity, inertia: i),
                     MassProperties(mass: m, ipos: Vec3(-d, 0, 0), iquat: .identity, inertia: i)]
        let c = Inertia.combine(parts)!
        let along = 2 * i.x, across = 2 * (i.x + m * d * d)
        #expect(isClose(c.inertia.x, across, rtol: 1e-13) && isClose(c.inertia.y, across, rtol: 1e-13))
        #expect(isClose(c.inertia.z, along, rtol: 1e-13))
        let axis = c.iquat.rotate(.unitZ)
        #expect(isClose(abs(axis.x), 1, rtol: 1e-12))
        #expect(Inertia.combine([MassProperties(mass: 0, ipos: .zero, iquat: .identity, inertia: .zero)]) == nil)
    }

    @Test("principal axes reconstruct the tensor, eigenvalues descend, rotations are proper")
    func principalAxes() {
        var rng = RandomSource(seed: 42)
        for _ in 0..<200 {
            // A random physical inertia: random principal moments obeying the triangle
            // inequality, turned by a random rotation.
            let q = Quat(rng.normal(), rng.normal(), rng.normal(), rng.normal()).normalized()
            let a = rng.uniform(0.1, 1), b = rng.uniform(0.1, 1)
            let c = rng.uniform(abs(a - b), a + b)
            let r = q.matrix
            let tensor = r * Mat3.diagonal(Vec3(a, b, c)) * r.transposed
            let (lambda, p) = Inertia.principalAxes(tensor)
            #expect(lambda.x + 1e-12 >= lambda.y && lambda.y + 1e-12 >= lambda.z)
            #expect(isClose(p.norm, 1, rtol: 1e-14))
            let rp = p.matrix
            let back = rp * Mat3.diagonal(lambda) * rp.transposed
            // MuJoCo's solver stops early: agreement to ~1e-6 of the largest moment, not 1e-16.
            let scale = max(a, b, c)
            for i in 0..<3 { for j in 0..<3 { #expect(abs(back[i, j] - tensor[i, j]) <= 2e-6 * scale) } }
            let sorted = [a, b, c].sorted(by: >)
            #expect(isClose(lambda.x, sorted[0], rtol: 2e-6) && isClose(lambda.z, sorted[2], rtol: 2e-6))
        }
    }

    @Test("a hand-derived case: [[2,1,0],[1,2,0],[0,0,5]] has moments 5, 3, 1")
    func knownEigenvalues() {
        let (lambda, q) = Inertia.principalAxes(Mat3(2, 1, 0, 1, 2, 0, 0, 0, 5))
        #expect(isClose(lambda, Vec3(5, 3, 1), atol: 1e-12))
        // The eigenvector of 3 is (1, 1, 0)/√2: the second principal axis.
        let v = q.rotate(.unitY)
        #expect(isClose(abs(v.x), 0.5.squareRoot(), rtol: 1e-12) && isClose(abs(v.y), 0.5.squareRoot(), rtol: 1e-12))
        // Already diagonal and sorted: no rotation at all.
        let (l2, q2) = Inertia.principalAxes(Mat3.diagonal(Vec3(3, 2, 1)))
        #expect(l2 == Vec3(3, 2, 1) && q2 == .identity)
    }
}
