import Foundation
import Testing
import Numerics
import TestSupport

@Suite("Vec3, Quat, Mat3")
struct SmallVectorTests {
    @Test("quaternion rotation agrees with its matrix and with the axis-angle definition")
    func rotation() {
        var rng = RandomSource(seed: 7)
        for _ in 0..<100 {
            let axis = Vec3(rng.normal(), rng.normal(), rng.normal())
            let angle = rng.uniform(-4, 4)
            let q = Quat(axis: axis, angle: angle)
            let v = Vec3(rng.normal(), rng.normal(), rng.normal())
            // Rodrigues' formula is an independent oracle.
            let u = axis.normalized()
            let rodrigues = v * cos(angle) + u.cross(v) * sin(angle) + u * (u.dot(v) * (1 - cos(angle)))
            #expect(isClose(q.rotate(v), rodrigues, atol: 1e-12))
            #expect(isClose(q.matrix * v, rodrigues, atol: 1e-12))
            #expect(isClose(q.inverseRotate(q.rotate(v)), v, atol: 1e-12))
        }
    }

    @Test("Hamilton product composes rotations: R(a⊗b) = R(a)·R(b)")
    func composition() {
        var rng = RandomSource(seed: 11)
        for _ in 0..<50 {
            let a = Quat(axis: Vec3(rng.normal(), rng.normal(), rng.normal()), angle: rng.uniform(-3, 3))
            let b = Quat(axis: Vec3(rng.normal(), rng.normal(), rng.normal()), angle: rng.uniform(-3, 3))
            let v = Vec3(rng.normal(), rng.normal(), rng.normal())
            #expect(isClose((a * b).rotate(v), a.rotate(b.rotate(v)), atol: 1e-12))
            let m = a.matrix * b.matrix
            #expect(isClose(m * v, (a * b).matrix * v, atol: 1e-12))
            #expect(isClose(m.transposeTimes(v), m.transposed * v, atol: 1e-12))
        }
    }

    @Test("cross-product matrix")
    func crossMatrix() {
        let a = Vec3(1, -2, 3), b = Vec3(0.5, 4, -1)
        #expect(Mat3.cross(a) * b == a.cross(b))
        #expect(a.cross(b).dot(a) == 0)
    }
}

@Suite("RandomSource")
struct RandomSourceTests {
    @Test("the same seed gives the same stream; different seeds differ")
    func reproducible() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let xa = (0..<100).map { _ in a.next() }
        #expect(xa == (0..<100).map { _ in b.next() })
        #expect(xa != (0..<100).map { _ in c.next() })
    }

    @Test("indexed streams do not depend on the order they are asked for")
    func streams() {
        let root = RandomSource(seed: 5)
        var s3 = root.stream(3), s3again = root.stream(3), s4 = root.stream(4)
        let first = s3.next()
        #expect(first == s3again.next())
        #expect(first != s4.next())
    }

    @Test("uniform has mean 1/2 and variance 1/12; normal has mean 0 and variance 1")
    func moments() {
        var rng = RandomSource(seed: 1)
        let n = 200_000
        var su = 0.0, su2 = 0.0, sn = 0.0, sn2 = 0.0
        for _ in 0..<n {
            let u = rng.uniform(); su += u; su2 += u * u
            let z = rng.normal(); sn += z; sn2 += z * z
        }
        let d = Double(n)
        // Tolerances are ~5 standard errors of each estimate.
        #expect(abs(su / d - 0.5) < 5 * (1.0 / 12 / d).squareRoot())
        #expect(abs(su2 / d - (su / d) * (su / d) - 1.0 / 12) < 0.002)
        #expect(abs(sn / d) < 5 / d.squareRoot())
        #expect(abs(sn2 / d - 1) < 5 * (2 / d).squareRoot())
    }
}
