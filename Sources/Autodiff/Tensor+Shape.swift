// Reshape, transpose, concatenation, slicing and row gathering: pure data movement.

extension Tensor {
    /// The same elements with a new shape of equal element count (no copy).
    @inlinable public func reshaped(to newShape: Shape) -> Tensor {
        precondition(newShape.count == count, "reshaped: \(shape) has \(count) elements, \(newShape) needs \(newShape.count)")
        if newShape == shape { return self }
        return Tensor.record1(.reshape, self, Tensor(shape: newShape, storage: storage, node: nil))
    }
    @inlinable public func reshaped(_ dims: [Int]) -> Tensor { reshaped(to: Shape(dims)) }
    /// Rank-1 view of all elements.
    @inlinable public func flattened() -> Tensor { reshaped(to: .vector(count)) }

    /// Swaps the last two axes (rank ≥ 2).
    @inlinable public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed: rank \(rank) < 2")
        let r = shape[rank - 2], c = shape[rank - 1], batch = count / Swift.max(r &* c, 1)
        var dims = shape.dims; dims[rank - 2] = c; dims[rank - 1] = r
        let p = UnsafePointer(storage.base)
        let out = Tensor(shape: Shape(dims)) { o in
            for b in 0..<batch {
                let src = p + b &* r &* c, dst = o + b &* r &* c
                for i in 0..<r { for j in 0..<c { dst[j &* r &+ i] = src[i &* c &+ j] } }
            }
        }
        return Tensor.record1(.transpose, self, out)
    }

    /// Elements `start ..< start+length` along `axis` (row slicing: axis 0; features: axis −1).
    @inlinable public func slice(alongAxis axis: Int, from start: Int, count length: Int) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank, "slice: axis \(axis) out of range for \(shape)")
        precondition(start >= 0 && length >= 0 && start + length <= shape[ax], "slice: \(start)..<\(start + length) outside axis \(ax) of \(shape)")
        let (outer, len, inner) = shape.split(at: ax)
        let p = UnsafePointer(storage.base)
        let out = Tensor(shape: shape.replacing(axis: ax, with: length)) { o in
            let chunk = length &* inner
            for i in 0..<outer { (o + i &* chunk).update(from: p + (i &* len &+ start) &* inner, count: chunk) }
        }
        return Tensor.record1(.slice(ax, start), self, out)
    }
    /// Rows `range` of axis 0.
    @inlinable public func rows(_ range: Range<Int>) -> Tensor {
        slice(alongAxis: 0, from: range.lowerBound, count: range.count)
    }

    /// Zeros of `fullLength` along `axis`, with this tensor written at `start` (adjoint of slice).
    @inlinable func padded(alongAxis ax: Int, at start: Int, toLength fullLength: Int) -> Tensor {
        let (outer, len, inner) = shape.split(at: ax)
        let p = UnsafePointer(storage.base)
        let target = shape.replacing(axis: ax, with: fullLength)
        let out = Tensor(shape: target) { o in
            o.initialize(repeating: 0, count: target.count)
            let chunk = len &* inner
            for i in 0..<outer { (o + (i &* fullLength &+ start) &* inner).update(from: p + i &* chunk, count: chunk) }
        }
        return Tensor.record1(.pad(ax, start), self, out)
    }

    /// Rows of axis 0 picked by `indices` (repeats allowed), e.g. minibatch gathering.
    @inlinable public func gatheringRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatheringRows: rank 0")
        let n = shape[0], inner = count / Swift.max(n, 1)
        let p = UnsafePointer(storage.base)
        let out = Tensor(shape: shape.replacing(axis: 0, with: indices.count)) { o in
            for (r, i) in indices.enumerated() {
                precondition(i >= 0 && i < n, "gatheringRows: index \(i) outside 0..<\(n)")
                (o + r &* inner).update(from: p + i &* inner, count: inner)
            }
        }
        return Tensor.record1(.gatherRows(indices), self, out)
    }
    /// Zeros with `rowCount` rows, row `indices[r]` incremented by row r of this tensor
    /// (adjoint of gathering).
    @inlinable func scatteringRows(_ indices: [Int], rowCount: Int) -> Tensor {
        let inner = count / Swift.max(shape[0], 1)
        let target = shape.replacing(axis: 0, with: rowCount)
        let p = UnsafePointer(storage.base)
        let out = Tensor(shape: target) { o in
            o.initialize(repeating: 0, count: target.count)
            for (r, i) in indices.enumerated() {
                let dst = o + i &* inner, src = p + r &* inner
                for j in 0..<inner { dst[j] += src[j] }
            }
        }
        return Tensor.record1(.scatterRows(indices), self, out)
    }
}

/// Concatenation along `axis` (all other dims equal), e.g. a GRU's [x, h] along the feature axis.
@inlinable public func concatenate<S>(_ parts: [Tensor<S>], alongAxis axis: Int) -> Tensor<S> {
    precondition(!parts.isEmpty, "concatenate: no tensors")
    let first = parts[0]
    let ax = axis < 0 ? axis + first.rank : axis
    precondition(ax >= 0 && ax < first.rank, "concatenate: axis \(axis) out of range for \(first.shape)")
    var total = 0
    for t in parts {
        precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == ax || t.shape[$0] == first.shape[$0] },
                     "concatenate: \(t.shape) does not match \(first.shape) off axis \(ax)")
        total += t.shape[ax]
    }
    let target = first.shape.replacing(axis: ax, with: total)
    let (outer, _, inner) = target.split(at: ax)
    let out = Tensor<S>(shape: target) { o in
        var offset = 0
        for t in parts {
            let chunk = t.shape[ax] &* inner, p = UnsafePointer(t.storage.base)
            for i in 0..<outer {
                let dst: Int = i &* total &* inner &+ offset
                (o + dst).update(from: p + i &* chunk, count: chunk)
            }
            offset &+= chunk
        }
    }
    return Tensor.record(.concat(ax), parts, out)
}
