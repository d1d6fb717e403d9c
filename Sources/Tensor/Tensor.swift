/// A dense Float32 tensor: contiguous row-major storage, 64-byte aligned, rank 0 to 4.
///
/// Images and feature maps are `[N, C, H, W]`; matrices are `[rows, cols]`; a scalar has shape `[]`. A `Tensor` is a
/// reference type on purpose: layers keep the tensors their backward pass needs and add into
/// gradient tensors in place, so copying is always explicit (`copy()`). Kernels read and write
/// through `data` (an `UnsafeMutablePointer<Float>`) so hot loops never touch Swift arrays.
package final class Tensor: @unchecked Sendable {
    /// Extent of each dimension, outermost first.
    package let shape: [Int]
    /// Number of elements (product of `shape`).
    package let count: Int
    /// The elements; owned by this tensor and freed in `deinit`.
    package let data: UnsafeMutablePointer<Float>

    /// A zero-filled tensor of the given shape.
    package convenience init(zeros shape: [Int]) {
        self.init(uninitialized: shape)
        data.update(repeating: 0, count: max(count, 1))
    }

    /// A tensor whose elements are unspecified: for kernels that write every element (it saves
    /// one pass over memory, which matters for large, bandwidth-bound layers).
    package init(uninitialized shape: [Int]) {
        precondition(shape.count <= 4, "Tensor rank must be 0...4, got \(shape)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape has a negative extent: \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = TensorBufferPool.shared.acquire(bytes)
        self.data = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// A tensor holding `values` (row-major) in the given shape.
    package convenience init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A tensor filled with one value.
    package convenience init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        data.update(repeating: value, count: count)
    }

    deinit {
        TensorBufferPool.shared.release(UnsafeMutableRawPointer(data), bytes: max(count, 1) * MemoryLayout<Float>.stride)
    }

    /// The tensor's elements as an array (a copy; for tests and small outputs, not hot loops).
    package var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The only element of a one-element tensor (a scalar loss). Prefer this to `t.data[0]` on
    /// a temporary: `data` does not keep its tensor alive.
    package var item: Float {
        precondition(count == 1, "item needs exactly one element, shape is \(shape)")
        return data[0]
    }

    /// The elements as a buffer pointer valid for this tensor's lifetime.
    package var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A new tensor with the same shape and elements.
    package func copy() -> Tensor {
        let result = Tensor(zeros: shape)
        result.data.update(from: data, count: count)
        return result
    }

    /// A new tensor with the same elements in another shape of equal size.
    package func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let result = Tensor(zeros: newShape)
        result.data.update(from: data, count: count)
        return result
    }

    /// Sets every element to `value`.
    package func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// Sets every element to zero.
    package func zero() { fill(0) }

    /// Copies the elements of `other`, which must have the same number of elements.
    package func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// The `[N, C, H, W]` extents; traps unless the tensor has rank 4.
    package var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(shape.count == 4, "expected an [N, C, H, W] tensor, got \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Element at a rank-4 index (for tests and reference kernels).
    package subscript(n: Int, c: Int, h: Int, w: Int) -> Float {
        get { data[((n * shape[1] + c) * shape[2] + h) * shape[3] + w] }
        set { data[((n * shape[1] + c) * shape[2] + h) * shape[3] + w] = newValue }
    }
}

extension Tensor: CustomStringConvertible {
    package var description: String { "Tensor\(shape)" }
}

