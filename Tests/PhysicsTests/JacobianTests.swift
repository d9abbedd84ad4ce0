import Testing
import Numerics
import Physics
import TestSupport

// Jacobians against finite differences of the kinematics along a velocity direction:
// jacp·v = d/dt site_xpos and jacr·v = ω with [ω]× = Ṙ·Rᵀ, differentiating q(ε) = q ⊕ ε·v.

@Suite("Jacobians")
struct JacobianTests {
    @Test("site, body-COM and point Jacobians match finite differences",
          arguments: ["arm3", "ballchain", "freebody", "mixed"])
    func matchesFiniteDifferences(name: String) {
        let m = FixtureModels.named(name, .euler)
        var d = Data(m)
        d.reset(m, keyframe: 0)
        forward(m, &d)
        let v = d.qvel
        let eps = 1e-6
        func poses(_ sign: Double) -> Data {
            var e = Data(m)
            e.qpos = d.qpos
            integratePosition(m, qpos: &e.qpos, velocity: v, h: sign * eps)
            forward(m, &e)
            return e
        }
        let plus = poses(1), minus = poses(-1)
        var jacp = [Double](repeating: 0, count: 3 * m.nv), jacr = jacp
        func apply(_ j: [Double]) -> Vec3 {
            var out = Vec3.zero
            for r in 0..<3 { out[r] = (0..<m.nv).reduce(0.0) { $0 + j[r * m.nv + $1] * v[$1] } }
            return out
        }
        func angular(_ rp: Mat3, _ rm: Mat3, _ r: Mat3) -> Vec3 {
            let w = (1 / (2 * eps)) * (rp - rm) * r.transposed
            return Vec3(0.5 * (w.m21 - w.m12), 0.5 * (w.m02 - w.m20), 0.5 * (w.m10 - w.m01))
        }
        for s in 0..<m.sites.count {
            siteJacobian(m, d, site: s, jacp: &jacp, jacr: &jacr)
            let vel = (1 / (2 * eps)) * (plus.siteXpos[s] - minus.siteXpos[s])
            #expect(isClose(apply(jacp), vel, atol: 1e-8), "site \(s) jacp: \(apply(jacp)) vs \(vel)")
            let omega = angular(plus.siteXmat[s], minus.siteXmat[s], d.siteXmat[s])
            #expect(isClose(apply(jacr), omega, atol: 1e-8), "site \(s) jacr: \(apply(jacr)) vs \(omega)")
        }
        for b in 1..<m.bodies.count {
            bodyComJacobian(m, d, body: b, jacp: &jacp, jacr: &jacr)
            let vel = (1 / (2 * eps)) * (plus.xipos[b] - minus.xipos[b])
            #expect(isClose(apply(jacp), vel, atol: 1e-8), "body \(b) COM jacp")
            let omega = angular(plus.xmat[b], minus.xmat[b], d.xmat[b])
            #expect(isClose(apply(jacr), omega, atol: 1e-8), "body \(b) jacr")
            // The rotational Jacobian is the body's angular velocity, which cvel also carries.
            #expect(isClose(apply(jacr), d.cvel[b].angular, atol: 1e-12))
        }
    }

    @Test("columns of dofs that do not move the body are zero")
    func sparsity() {
        let m = FixtureModels.freebody()
        var d = Data(m)
        d.reset(m, keyframe: 0)
        forward(m, &d)
        var jacp = [Double](repeating: 1, count: 3 * m.nv), jacr = jacp
        bodyComJacobian(m, d, body: 2, jacp: &jacp, jacr: &jacr)
        for r in 0..<3 { for c in 0..<6 { #expect(jacp[r * m.nv + c] == 0 && jacr[r * m.nv + c] == 0) } }
    }
}
