/// Elementwise and reduction kernels on whole tensors (flat, shape-agnostic).
///
/// In-place updates (`add`, `scale`) write into `self`; the others return new tensors or
/// scalars. Large tensors are split over threads with `Parallel.forEachRange`; reductions
/// accumulate in Double so their result does not depend on the thread count.
extension Tensor {
    /// `self += alpha * other` (same element count).
    package func add(_ other: Tensor, scaledBy alpha: Float = 1) {
        precondition(other.count == count, "add: \(other.shape) into \(shape)")
        let x = other.data, y = data
        Parallel.forEachRange(count) { range in
            if alpha == 1 {
                for i in range { y[i] += x[i] }
            } else {
                for i in range { y[i] += alpha * x[i] }
            }
        }
    }

    /// `self *= alpha`.
    package func scale(by alpha: Float) {
        let y = data
        Parallel.forEachRange(count) { range in for i in range { y[i] *= alpha } }
    }

    /// A new tensor `self + other` (same shape).
    package func adding(_ other: Tensor) -> Tensor {
        precondition(other.shape == shape, "adding: \(other.shape) to \(shape)")
        let result = copy()
        result.add(other)
        return result
    }

    /// Sum of all elements, accumulated in Double.
    package func sum() -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(data[i]) }
        return total
    }

    /// Largest absolute value (0 for an empty tensor).
    package func maxAbs() -> Float {
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(data[i])) }
        return m
    }

    /// `sum(self * other)` accumulated in Double.
    package func dot(_ other: Tensor) -> Double {
        precondition(other.count == count, "dot: \(other.shape) with \(shape)")
        var total = 0.0
        for i in 0..<count { total += Double(data[i]) * Double(other.data[i]) }
        return total
    }
}
