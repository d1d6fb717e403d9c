import Tensor

/// Small vector kernels for window attention's per-(window, head) loops (AVX2 via SIMD8 in
/// release builds). Pointers address `count` contiguous floats; nothing here allocates.
enum WindowAttentionKernels {
    /// `sum_i a[i] * b[i]`, accumulated in eight lanes then reduced.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>.zero
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc = acc.addingProduct(x, y)
            i += 8
        }
        var sum = acc.sum()
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// `y[i] += alpha * x[i]`.
    @inline(__always)
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// Fills each of `rows` rows of `matrix` (`[rows, cols]`) with `bias` (`[cols]`).
    static func broadcastRows(_ bias: UnsafePointer<Float>, into matrix: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.forEach(rows, minimumPerThread: 512) { r in (matrix + r * cols).update(from: bias, count: cols) }
    }

    /// `into[j] += sum_r matrix[r, j]` over a `[rows, cols]` matrix, rows in order.
    static func addColumnSums(_ matrix: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { addScaled(1, matrix + r * cols, into: sums, cols) }
    }
}
