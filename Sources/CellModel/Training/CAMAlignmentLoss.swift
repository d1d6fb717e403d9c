import Tensor

/// The saliency-alignment regulariser: the share of the class activation map that falls
/// outside the cell region.
///
/// For sample `i` with class `k`, the CAM on the fused features `F` `[N, C, h, w]` is
/// `A_p = sum_c W[k, c] F[c, p]` (the classification head's weights on `F`'s pooled channels),
/// its positive part `a_p = max(A_p, 0)`, and the loss `L_i = sum_p a_p (1 - R_p) /
/// (sum_p a_p + eps * h * w)`, where `R` `[N, 1, h, w]` in [0, 1] is the allowed region (the dilated
/// cell mask, or the saliency prior where no mask exists). The batch loss is the mean over the
/// samples with `mask` 1. The floor `eps` per pixel (default 0.01, small next to a trained CAM)
/// keeps the ratio well conditioned when a map is almost entirely negative: without it the
/// gradient grows as 1/S. Gradient, with `D = S + eps h w`:
/// `dL/dA_p = [(1 - R_p)/D - P/D^2] 1[A_p > 0]`
/// with `S = sum a`, `P = sum a (1 - R)`; then `dF[c, p] += W[k, c] dA_p` and
/// `dW[k, c] += sum_p dA_p F[c, p]`.
package final class CAMAlignmentLoss {
    package let epsilon: Float
    private var saved: (fused: Tensor, weights: Tensor, region: Tensor, classes: [Int], mask: [Bool], cams: Tensor)?

    package init(epsilon: Float = 0.01) { self.epsilon = epsilon }

    /// `weights` are the `[classes, C]` columns of the head acting on `F`'s channels.
    package func forward(fused: Tensor, weights: Tensor, region: Tensor, classes: [Int], mask: [Bool]) -> Float {
        let (n, c, h, w) = fused.nchw
        precondition(region.shape == [n, 1, h, w] && classes.count == n && mask.count == n && weights.shape[1] == c)
        let plane = h * w
        let cams = Tensor(zeros: [n, 1, h, w])
        var total: Double = 0
        var used = 0
        for i in 0..<n where mask[i] {
            let k = classes[i]
            let a = cams.data + i * plane
            for channel in 0..<c {
                let wk = weights.data[k * c + channel]
                Vector.axpy(plane, wk, fused.data + (i * c + channel) * plane, a)
            }
            var s: Float = 0, p: Float = 0
            let r = region.data + i * plane
            for j in 0..<plane where a[j] > 0 { s += a[j]; p += a[j] * (1 - r[j]) }
            total += Double(p / (s + epsilon * Float(plane)))
            used += 1
        }
        saved = (fused, weights, region, classes, mask, cams)
        return used == 0 ? 0 : Float(total / Double(used))
    }

    /// Gradients of `scale * loss` with respect to `F` and the weights `[classes, C]`.
    package func backward(scale: Float = 1) -> (dFused: Tensor, dWeights: Tensor) {
        guard let saved else { preconditionFailure("CAMAlignmentLoss.backward before forward") }
        let (n, c, h, w) = saved.fused.nchw
        let plane = h * w
        let dFused = Tensor(zeros: saved.fused.shape)
        let dWeights = Tensor(zeros: saved.weights.shape)
        let used = saved.mask.filter { $0 }.count
        guard used > 0 else { return (dFused, dWeights) }
        let dA = UnsafeMutablePointer<Float>.allocate(capacity: plane)
        defer { dA.deallocate() }
        for i in 0..<n where saved.mask[i] {
            let k = saved.classes[i]
            let a = saved.cams.data + i * plane, r = saved.region.data + i * plane
            var s: Float = 0, p: Float = 0
            for j in 0..<plane where a[j] > 0 { s += a[j]; p += a[j] * (1 - r[j]) }
            let denominator = s + epsilon * Float(plane)
            for j in 0..<plane {
                dA[j] = a[j] > 0 ? scale / Float(used) * ((1 - r[j]) / denominator - p / (denominator * denominator)) : 0
            }
            for channel in 0..<c {
                let f = saved.fused.data + (i * c + channel) * plane
                Vector.axpy(plane, saved.weights.data[k * c + channel], dA, dFused.data + (i * c + channel) * plane)
                dWeights.data[k * c + channel] += Vector.dot(plane, dA, f)
            }
        }
        return (dFused, dWeights)
    }
}
