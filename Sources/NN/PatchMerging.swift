import Tensor

/// Swin patch merging: halves H and W and doubles the channels of `[N, C, H, W]` maps.
///
/// Each 2x2 neighbourhood becomes one token of `4C` channels, concatenated in Swin's order
/// `x0 = (2i, 2j)`, `x1 = (2i+1, 2j)`, `x2 = (2i, 2j+1)`, `x3 = (2i+1, 2j+1)` (row, column);
/// then `norm` (LayerNorm over 4C, eps 1e-5) and `reduction` (linear 4C -> 2C, no bias).
/// Output `[N, 2C, H/2, W/2]`. H and W must be even (no padding).
package final class PatchMerging: Layer {
    package var isTraining = true
    package let channels: Int
    package let norm: LayerNorm
    package let reduction: Linear
    private var inputShape: [Int]?

    package init(channels: Int, rng: inout RandomSource) {
        self.channels = channels
        norm = LayerNorm(4 * channels)
        reduction = Linear(4 * channels, 2 * channels, bias: false, rng: &rng)
    }

    package var children: [(String, any Module)] { [("norm", norm), ("reduction", reduction)] }

    /// Row offset and column offset of neighbour `k` in Swin's concatenation order.
    private static let offsets = [(0, 0), (1, 0), (0, 1), (1, 1)]

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(c == channels && h % 2 == 0 && w % 2 == 0,
                     "PatchMerging(\(channels)): input \(input.shape) needs \(channels) channels and even H, W")
        inputShape = input.shape
        let merged = OpProfile.shared.measure("gather", .forward) { Self.gather(input) }
        let reduced = reduction.profiledForward("reduction", norm.profiledForward("norm", merged))
        return OpProfile.shared.measure("layout", .forward) { WindowTokens.nchw(fromTokens: reduced, n: n, h: h / 2, w: w / 2) }
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let shape = inputShape else { preconditionFailure("PatchMerging.backward called before forward") }
        precondition(dOutput.shape == [shape[0], 2 * channels, shape[2] / 2, shape[3] / 2],
                     "PatchMerging: gradient \(dOutput.shape) for input \(shape)")
        let dTokens = OpProfile.shared.measure("layout", .backward) { WindowTokens.tokens(fromNCHW: dOutput) }
        let dMerged = norm.profiledBackward("norm", reduction.profiledBackward("reduction", dTokens))
        return OpProfile.shared.measure("gather", .backward) { Self.scatter(dMerged, shape: shape) }
    }

    /// `[N, C, H, W]` -> `[N*(H/2)*(W/2), 4C]` in Swin's neighbour order.
    static func gather(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = (h / 2, w / 2)
        let out = Tensor(uninitialized: [n * oh * ow, 4 * c])
        let src = x.data, dst = out.data
        Parallel.forEach(n * oh, minimumPerThread: 4) { row in
            let b = row / oh, i = row % oh
            for j in 0..<ow {
                let o = dst + ((b * oh + i) * ow + j) * 4 * c
                for (k, (dy, dx)) in offsets.enumerated() {
                    let s = src + b * c * h * w + (2 * i + dy) * w + 2 * j + dx
                    for ch in 0..<c { o[k * c + ch] = s[ch * h * w] }
                }
            }
        }
        return out
    }

    /// Backward of `gather`: `[N*(H/2)*(W/2), 4C]` -> `[N, C, H, W]`.
    static func scatter(_ merged: Tensor, shape: [Int]) -> Tensor {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (oh, ow) = (h / 2, w / 2)
        let out = Tensor(uninitialized: shape)
        let src = merged.data, dst = out.data
        Parallel.forEach(n * oh, minimumPerThread: 4) { row in
            let b = row / oh, i = row % oh
            for j in 0..<ow {
                let m = src + ((b * oh + i) * ow + j) * 4 * c
                for (k, (dy, dx)) in offsets.enumerated() {
                    let d = dst + b * c * h * w + (2 * i + dy) * w + 2 * j + dx
                    for ch in 0..<c { d[ch * h * w] = m[k * c + ch] }
                }
            }
        }
        return out
    }

    package func flops(inputShape: [Int]) -> Int {
        let rows = inputShape[0] * (inputShape[2] / 2) * (inputShape[3] / 2)
        return norm.flops(inputShape: [rows, 4 * channels]) + reduction.flops(inputShape: [rows, 4 * channels])
    }
}
