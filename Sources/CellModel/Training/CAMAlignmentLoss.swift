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
///
/// The plain map can be escaped: a class whose fused-branch evidence is negative at every
/// pixel (its decision carried by the deep branch) has no positive mass and no loss, and
/// trained networks do this (leuko-wbc-v1: every PBC eosinophil, monocyte and neutrophil
/// looked at). `contrastive` closes that: the map is the evidence for `k` against the mean of
/// the other classes, `A_p = sum_c (W[k, c] - mean_{j != k} W[j, c]) F[c, p]` (what tells the
/// classes apart, not what they share), and `a_p = |A_p|`: evidence of either sign outside the
/// cell counts. Then `dL/dA_p` takes `sign(A_p)` for the indicator and the weight gradient
/// `g_c = sum_p dA_p F[c, p]` goes to `W[k]` and, as `-g / (K - 1)`, to every other class.
package final class CAMAlignmentLoss {
    package let epsilon: Float
    package let contrastive: Bool
    private var saved: (fused: Tensor, weights: Tensor, region: Tensor, classes: [Int], mask: [Bool], cams: Tensor)?

    package init(epsilon: Float = 0.01, contrastive: Bool = false) {
        self.epsilon = epsilon
        self.contrastive = contrastive
    }

    /// The map's channel weights for class `k`: `W[k]`, or (contrastive) `W[k]` minus the
    /// other classes' mean (Grad-CAM's log-probability weights with the others equally likely).
    private func mapWeights(_ weights: Tensor, class k: Int) -> [Float] {
        let classes = weights.shape[0]
        let uniformOthers: [Float]? = contrastive ? (0..<classes).map { $0 == k ? 0 : 1 } : nil
        return GradCAM.channelWeights(weights, target: k, probabilities: uniformOthers)
    }

    /// The mass of one map value: its positive part, or (contrastive) its magnitude.
    private func mass(_ value: Float) -> Float { contrastive ? abs(value) : max(value, 0) }

    /// d mass / d value.
    private func massSlope(_ value: Float) -> Float {
        contrastive ? (value > 0 ? 1 : (value < 0 ? -1 : 0)) : (value > 0 ? 1 : 0)
    }

    /// `weights` are the `[classes, C]` columns of the head acting on `F`'s channels.
    package func forward(fused: Tensor, weights: Tensor, region: Tensor, classes: [Int], mask: [Bool]) -> Float {
        let (n, c, h, w) = fused.nchw
        precondition(region.shape == [n, 1, h, w] && classes.count == n && mask.count == n && weights.shape[1] == c)
        let plane = h * w
        let cams = Tensor(zeros: [n, 1, h, w])
        var total: Double = 0
        var used = 0
        for i in 0..<n where mask[i] {
            let alpha = mapWeights(weights, class: classes[i])
            let a = cams.data + i * plane
            for channel in 0..<c {
                Vector.axpy(plane, alpha[channel], fused.data + (i * c + channel) * plane, a)
            }
            var s: Float = 0, p: Float = 0
            let r = region.data + i * plane
            for j in 0..<plane { let m = mass(a[j]); s += m; p += m * (1 - r[j]) }
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
            let alpha = mapWeights(saved.weights, class: k)
            let a = saved.cams.data + i * plane, r = saved.region.data + i * plane
            var s: Float = 0, p: Float = 0
            for j in 0..<plane { let m = mass(a[j]); s += m; p += m * (1 - r[j]) }
            let denominator = s + epsilon * Float(plane)
            for j in 0..<plane {
                dA[j] = massSlope(a[j]) * scale / Float(used) * ((1 - r[j]) / denominator - p / (denominator * denominator))
            }
            let classes = saved.weights.shape[0]
            let otherShare = contrastive && classes > 1 ? 1 / Float(classes - 1) : 0
            for channel in 0..<c {
                let f = saved.fused.data + (i * c + channel) * plane
                Vector.axpy(plane, alpha[channel], dA, dFused.data + (i * c + channel) * plane)
                let g = Vector.dot(plane, dA, f)
                dWeights.data[k * c + channel] += g
                if otherShare > 0 {
                    for j in 0..<classes where j != k { dWeights.data[j * c + channel] -= otherShare * g }
                }
            }
        }
        return (dFused, dWeights)
    }
}
