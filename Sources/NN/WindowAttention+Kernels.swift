#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
import Tensor

/// Small vector kernels for window attention's per-(window, head) loops (plain loops the
/// compiler vectorises for AVX2 in release builds). Pointers address contiguous floats; nothing here allocates.
enum WindowAttentionKernels {
    /// `y[i] += alpha * x[i]`.
    @inline(__always)
    static func addScaled(_ alpha: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }

    /// `out[col * rows + row] = matrix[row * rowStride + col]` for a `[rows, cols]` block.
    @inline(__always)
    static func transpose(_ matrix: UnsafePointer<Float>, rowStride: Int, rows: Int, cols: Int,
                          into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let line = matrix + r * rowStride
            for col in 0..<cols { out[col * rows + r] = line[col] }
        }
    }

    /// Replaces `row[0..<count]` by its softmax (max subtracted first).
    @inline(__always)
    static func softmaxInPlace(_ row: UnsafeMutablePointer<Float>, _ count: Int) {
        var top = -Float.infinity
        for j in 0..<count { top = max(top, row[j]) }
        var sum: Float = 0
        for j in 0..<count { let e = expf(row[j] - top); row[j] = e; sum += e }
        let inv = 1 / sum
        for j in 0..<count { row[j] *= inv }
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
