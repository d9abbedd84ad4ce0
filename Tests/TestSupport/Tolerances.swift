import Foundation
import Numerics

/// |a − b| ≤ atol + rtol·|b|, the usual mixed tolerance (b is the reference).
public func isClose(_ a: Double, _ b: Double, rtol: Double = 1e-9, atol: Double = 0) -> Bool {
    abs(a - b) <= atol + rtol * abs(b)
}

public func isClose(_ a: Vec3, _ b: Vec3, atol: Double) -> Bool {
    abs(a.x - b.x) <= atol && abs(a.y - b.y) <= atol && abs(a.z - b.z) <= atol
}

/// The largest absolute element-wise difference of two equally long vectors.
public func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "lengths differ: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Central finite-difference gradient of f at x, step h per coordinate (error O(h²)).
public func finiteDifferenceGradient(_ x: [Double], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    var xp = x
    for i in x.indices {
        xp[i] = x[i] + h
        let fp = f(xp)
        xp[i] = x[i] - h
        let fm = f(xp)
        xp[i] = x[i]
        g[i] = (fp - fm) / (2 * h)
    }
    return g
}
