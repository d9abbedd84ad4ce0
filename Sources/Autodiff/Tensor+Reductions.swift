// Sums and means over axes, and the broadcast / sum-to-shape pair that broadcasting's gradients use.
// Sums accumulate in Double whatever the element type: a Float sum over 10⁴ rows would otherwise
// lose about four digits.

extension Tensor {
    /// Sum of all elements, shape [] (accumulated in Double).
    @inlinable public func sum() -> Tensor {
        let p = storage.base, n = count
        var acc = 0.0
        for i in 0..<n { acc += Double(p[i]) }
        let s = Scalar(acc)
        return Tensor.record1(.sumAll, self, Tensor(shape: .scalar) { $0[0] = s })
    }
    /// Mean of all elements, shape [].
    @inlinable public func mean() -> Tensor { sum().scaled(by: 1 / Scalar(Swift.max(count, 1))) }

    /// Sum over `axis` (negative counts from the end); the axis is removed unless `keepingDimension`.
    @inlinable public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank, "sum: axis \(axis) out of range for shape \(shape)")
        var dims = shape.dims
        if keepingDimension { dims[ax] = 1 } else { dims.remove(at: ax) }
        return sum(to: Shape(dims), reducing: ax)
    }
    /// Mean over `axis`.
    @inlinable public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        return sum(alongAxis: ax, keepingDimension: keepingDimension).scaled(by: 1 / Scalar(Swift.max(shape[ax], 1)))
    }

    /// Reduction over one axis into `target` (whose element count is outer·inner).
    @inlinable func sum(to target: Shape, reducing ax: Int) -> Tensor {
        let (outer, len, inner) = shape.split(at: ax)
        let p = UnsafePointer(storage.base)
        let out = Tensor(shape: target) { o in
            if inner == 1 {
                for i in 0..<outer {
                    var acc = 0.0
                    let row = p + i &* len
                    for l in 0..<len { acc += Double(row[l]) }
                    o[i] = Scalar(acc)
                }
            } else {
                withUnsafeTemporaryAllocation(of: Double.self, capacity: inner) { acc in
                    for i in 0..<outer {
                        for j in 0..<inner { acc[j] = 0 }
                        var row = p + i &* len &* inner
                        for _ in 0..<len {
                            for j in 0..<inner { acc[j] += Double(row[j]) }
                            row += inner
                        }
                        for j in 0..<inner { o[i &* inner &+ j] = Scalar(acc[j]) }
                    }
                }
            }
        }
        return Tensor.record1(.sumAlong(ax), self, out)
    }

    /// Sums this tensor down to `target`, a shape it broadcasts from (the adjoint of broadcasting).
    @inlinable public func sum(toShape target: Shape) -> Tensor {
        if target == shape { return self }
        if target.count == 1 { return sum().reshaped(to: target) }
        guard Shape.broadcast(target, shape) == shape else {
            preconditionFailure("sum(toShape:): \(target) does not broadcast to \(shape)")
        }
        // Reduce the first axis that differs; repeat. Each step is a differentiable sumTo.
        var x = self
        var axis = 0
        while x.shape != target {
            if x.rank > target.rank {
                x = x.sum(alongAxis: 0)
            } else {
                while x.shape[axis] == target[axis] { axis += 1 }
                x = x.sum(alongAxis: axis, keepingDimension: true)
            }
        }
        return x
    }

    /// This tensor repeated along broadcast axes to `target`.
    @inlinable public func broadcast(to target: Shape) -> Tensor {
        if target == shape { return self }
        guard Shape.broadcast(shape, target) == target else {
            preconditionFailure("broadcast(to:): \(shape) does not broadcast to \(target)")
        }
        let zero = Tensor(shape: target) { $0.initialize(repeating: 0, count: target.count) }
        return Tensor.record1(.broadcastTo, self, Tensor.zipBroadcast(zero, self.detached()) { $1 })
    }
}
