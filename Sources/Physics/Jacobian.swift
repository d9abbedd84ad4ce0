import Numerics

// Jacobians of points and frames attached to bodies: the world-frame velocity of a point fixed in
// a body is jacp·qvel and the body's world-frame angular velocity is jacr·qvel. Both are 3 × nv,
// row-major, and need the position stage (`forward` or `kinematics` + `comPosition`) to be current.

/// Fills `jacp` (translational) and `jacr` (rotational), 3 × nv row-major, for the world point
/// `point` (m) moving with body `body`. Columns of dofs that do not move the body are 0.
public func jacobian(_ m: Model, _ d: Data, point: Vec3, body: Int,
                     jacp: inout [Double], jacr: inout [Double]) {
    let nv = m.nv
    precondition(jacp.count == 3 * nv && jacr.count == 3 * nv, "jacobian: buffers must be 3 × nv")
    precondition(body >= 0 && body < m.bodies.count, "jacobian: body \(body) out of range")
    for k in 0..<(3 * nv) { jacp[k] = 0; jacr[k] = 0 }
    let r = point - d.subtreeCom[m.bodies[body].root]
    var i = d.layout.bodyLastDof[body]
    while i >= 0 {
        let s = d.cdof[i]
        let v = s.linear + s.angular.cross(r)
        jacp[i] = v.x; jacp[nv + i] = v.y; jacp[2 * nv + i] = v.z
        jacr[i] = s.angular.x; jacr[nv + i] = s.angular.y; jacr[2 * nv + i] = s.angular.z
        i = d.layout.dofParent[i]
    }
}

/// Jacobians of site `site`'s origin and frame (3 × nv each, row-major).
public func siteJacobian(_ m: Model, _ d: Data, site: Int, jacp: inout [Double], jacr: inout [Double]) {
    precondition(site >= 0 && site < m.sites.count, "siteJacobian: site \(site) out of range")
    jacobian(m, d, point: d.siteXpos[site], body: m.sites[site].body, jacp: &jacp, jacr: &jacr)
}

/// Jacobians of body `body`'s centre of mass and frame (3 × nv each, row-major).
public func bodyComJacobian(_ m: Model, _ d: Data, body: Int, jacp: inout [Double], jacr: inout [Double]) {
    jacobian(m, d, point: d.xipos[body], body: body, jacp: &jacp, jacr: &jacr)
}
