import Tensor

/// Splits channels-last tokens of `H x W` images into non-overlapping `window x window`
/// windows, after an optional cyclic shift, and puts them back.
///
/// Input rows are `[N*H*W, C]` (see `WindowTokens`); output rows are `[N*nW*window^2, C]`
/// with windows row-major within each image (`nW = (H/window) * (W/window)`) and tokens
/// row-major within each window, as in Swin's `window_partition`. With `shift = s > 0` the
/// image is first rolled by `(-s, -s)` (`torch.roll(x, (-s, -s), (1, 2))`), so `partition`
/// equals Swin's roll-then-partition and `reverse` its reverse-then-roll-back. Both are
/// row permutations and each is the other's backward. `H` and `W` must be multiples of
/// `window`; padding is not done here.
package struct WindowPartition: Sendable {
    package let batch: Int
    package let height: Int
    package let width: Int
    package let window: Int
    package let shift: Int
    /// `sourceRow[r]`: the token row that window row `r` is copied from.
    private let sourceRow: [Int]

    package init(batch: Int, height: Int, width: Int, window: Int, shift: Int = 0) {
        precondition(window > 0 && height % window == 0 && width % window == 0,
                     "WindowPartition: \(height)x\(width) is not a multiple of window \(window)")
        precondition(shift >= 0 && shift < window, "WindowPartition: shift \(shift) must be in 0..<\(window)")
        self.batch = batch
        self.height = height
        self.width = width
        self.window = window
        self.shift = shift
        let (wh, ww) = (height / window, width / window)
        var rows = [Int]()
        rows.reserveCapacity(batch * height * width)
        for b in 0..<batch {
            for wy in 0..<wh {
                for wx in 0..<ww {
                    for ty in 0..<window {
                        for tx in 0..<window {
                            let y = (wy * window + ty + shift) % height
                            let x = (wx * window + tx + shift) % width
                            rows.append((b * height + y) * width + x)
                        }
                    }
                }
            }
        }
        sourceRow = rows
    }

    /// Windows per image.
    package var windowsPerImage: Int { (height / window) * (width / window) }
    /// Tokens per window (`window^2`).
    package var tokensPerWindow: Int { window * window }

    /// `[N*H*W, C]` tokens -> `[N*nW*window^2, C]` window rows.
    package func partition(_ tokens: Tensor) -> Tensor {
        permute(tokens, gather: true)
    }

    /// `[N*nW*window^2, C]` window rows -> `[N*H*W, C]` tokens (inverse of `partition`).
    package func reverse(_ windows: Tensor) -> Tensor {
        permute(windows, gather: false)
    }

    private func permute(_ input: Tensor, gather: Bool) -> Tensor {
        precondition(input.shape.count == 2 && input.shape[0] == sourceRow.count,
                     "WindowPartition: expected [\(sourceRow.count), C] rows, got \(input.shape)")
        let c = input.shape[1]
        let out = Tensor(uninitialized: input.shape)
        let src = input.data, dst = out.data
        sourceRow.withUnsafeBufferPointer { rows in
            Parallel.forEach(rows.count, minimumPerThread: 256) { r in
                if gather {
                    (dst + r * c).update(from: src + rows[r] * c, count: c)
                } else {
                    (dst + rows[r] * c).update(from: src + r * c, count: c)
                }
            }
        }
        return out
    }
}
