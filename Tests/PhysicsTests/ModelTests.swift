import Testing
import Numerics
@testable import Physics

@Suite("Model layout")
struct ModelLayoutTests {
    @Test("addresses follow MuJoCo: free+ball+hinge+slide gives nq 13, nv 11, and a dof tree")
    func layout() {
        let bodies = [
            Body(name: "world", parent: -1),
            Body(name: "a", parent: 0, pos: Vec3(0, 0, 1), mass: 1, inertia: Vec3(1, 1, 1)),
            Body(name: "b", parent: 1, mass: 1, inertia: Vec3(1, 1, 1)),
            Body(name: "c", parent: 2, mass: 1, inertia: Vec3(1, 1, 1)),
        ]
        let joints = [
            Joint(name: "free", type: .free, body: 1),
            Joint(name: "ball", type: .ball, body: 2),
            Joint(name: "hinge", type: .hinge, body: 3, ref: 0.3),
            Joint(name: "slide", type: .slide, body: 3, springref: 0.1),
        ]
        let m = Model(bodies: bodies, joints: joints)
        #expect(m.nq == 13 && m.nv == 11)
        #expect(m.joints.map(\.qposAdr) == [0, 7, 11, 12])
        #expect(m.joints.map(\.dofAdr) == [0, 6, 9, 10])
        #expect(m.dofs.map(\.parent) == [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(m.qpos0 == [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0.3, 0])
        #expect(m.qposSpring[12] == 0.1)
        #expect(m.bodies.map(\.weld) == [0, 1, 2, 3])
        #expect(m.bodies.map(\.root) == [0, 1, 1, 1])
    }
}
