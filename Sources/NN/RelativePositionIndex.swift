import Tensor

/// Swin's relative-position index for a `window x window` window.
///
/// For tokens `i`, `j` (row-major in the window) with `(dy, dx) = coords(i) - coords(j)`,
/// `index[i*n + j] = (dy + window - 1) * (2*window - 1) + (dx + window - 1)`, a row of the
/// learned bias table `[(2w-1)^2, heads]`. `gather` expands a table to the per-head bias
/// `[heads, n, n]`; `scatterAdd` is its backward (adds into the table's gradient).
package struct RelativePositionIndex: Sendable {
    package let window: Int
    package let index: [Int]

    package init(window: Int) {
        precondition(window > 0, "RelativePositionIndex: window must be positive")
        self.window = window
        let n = window * window, side = 2 * window - 1
        var index = [Int](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let dy = i / window - j / window, dx = i % window - j % window
                index[i * n + j] = (dy + window - 1) * side + (dx + window - 1)
            }
        }
        self.index = index
    }

    /// Rows of the bias table: `(2w-1)^2`.
    package var tableRows: Int { (2 * window - 1) * (2 * window - 1) }

    /// `[rows, heads]` table -> `[heads, n, n]` bias.
    package func gather(_ table: Tensor) -> Tensor {
        precondition(table.shape.count == 2 && table.shape[0] == tableRows, "bias table \(table.shape) for window \(window)")
        let heads = table.shape[1], nn = index.count
        let bias = Tensor(zeros: [heads, nn])
        for h in 0..<heads { for p in 0..<nn { bias.data[h * nn + p] = table.data[index[p] * heads + h] } }
        return bias
    }

    /// Adds the bias gradient `[heads, n*n]` into the table gradient `[rows, heads]`.
    package func scatterAdd(_ dBias: Tensor, into dTable: Tensor) {
        let heads = dTable.shape[1], nn = index.count
        precondition(dBias.count == heads * nn, "bias gradient \(dBias.shape) for \(heads) heads, window \(window)")
        for h in 0..<heads { for p in 0..<nn { dTable.data[index[p] * heads + h] += dBias.data[h * nn + p] } }
    }
}
