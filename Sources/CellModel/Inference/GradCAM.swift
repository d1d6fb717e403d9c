import NN
import Tensor

/// Grad-CAM on the fused features for one class, and the saliency-consistency score.
///
/// The classification head sees the fused features `F` `[C, h, w]` only through a global
/// average, so the gradient of any function of the logits with respect to `F[c, p]` is the
/// same at every pixel and Grad-CAM's map is `relu(sum_c alpha_c F[c])`, computed exactly
/// here without a backward pass. The target is the predicted class's log-probability when
/// the probabilities are given (`alpha_c ∝ W[k, c] - sum_j p_j W[j, c]`: the evidence for `k`
/// against the classes it beat), else its logit (`alpha_c = W[k, c] / hw`). The logit's map
/// is empty for whole classes of a trained network (their evidence comes from the deep branch
/// while the fused branch only counts against the others: leuko-wbc-v1 gave an all-zero map
/// for 17 of 44 PBC cells, every eosinophil, monocyte and neutrophil among them), which made
/// the consistency check flag them all; the log-probability's is not. The map is resized
/// bilinearly to the crop and scaled to a maximum of 1. The consistency score is the share
/// of the map's mass inside the predicted cell mask (1: the evidence is all on the cell;
/// low: the network looked elsewhere, worth a technician's look).
package enum GradCAM {
    /// Maps `[N][S * S]` in [0, 1] for the classes in `classes` (one per sample), of their
    /// log-probabilities when `probabilities` (one distribution per sample) are given, else of
    /// their logits.
    package static func maps(fused: Tensor, weights: Tensor, classes: [Int], probabilities: [[Float]]? = nil,
                             cropSize: Int) -> [[Float]] {
        let (n, c, h, w) = fused.nchw
        precondition(classes.count == n && weights.shape[1] == c && (probabilities?.count ?? n) == n)
        let raw = Tensor(zeros: [n, 1, h, w])
        let plane = h * w
        for i in 0..<n where classes[i] >= 0 {
            let a = raw.data + i * plane
            let alpha = channelWeights(weights, target: classes[i], probabilities: probabilities?[i])
            for channel in 0..<c {
                Vector.axpy(plane, alpha[channel], fused.data + (i * c + channel) * plane, a)
            }
            for p in 0..<plane { a[p] = max(a[p], 0) }
        }
        let resized = Upsample(.bilinear, height: cropSize, width: cropSize).forward(raw)
        let size = cropSize * cropSize
        return (0..<n).map { i in
            let values = Array(UnsafeBufferPointer(start: resized.data + i * size, count: size))
            let top = values.max() ?? 0
            return top > 0 ? values.map { max($0, 0) / top } : values.map { _ in 0 }
        }
    }

    /// Grad-CAM's channel weights up to a positive factor: `W[k]` for the logit; for the
    /// log-probability `W[k] - sum_j p_j W[j] = sum_{j != k} p_j (W[k] - W[j])`, computed in the
    /// second form divided by `sum_{j != k} p_j` so that a probability that rounds to 1 keeps
    /// its direction (the logit's weights if every other class has probability 0).
    static func channelWeights(_ weights: Tensor, target k: Int, probabilities: [Float]?) -> [Float] {
        let (classes, c) = (weights.shape[0], weights.shape[1])
        let own = Array(UnsafeBufferPointer(start: weights.data + k * c, count: c))
        guard let probabilities else { return own }
        precondition(probabilities.count == classes, "\(probabilities.count) probabilities for \(classes) classes")
        let others = probabilities.indices.filter { $0 != k }.reduce(Float(0)) { $0 + probabilities[$1] }
        guard others > 0 else { return own }
        var alpha = own
        for j in 0..<classes where j != k && probabilities[j] > 0 {
            let share = probabilities[j] / others
            for channel in 0..<c { alpha[channel] -= share * weights.data[j * c + channel] }
        }
        return alpha
    }

    /// Share of `map`'s mass where `segmentation` marks the cell (label > 0); 0 for an empty map.
    /// Share of the map's mass on nucleus pixels (label 2 of `segmentation`); 0 for an empty map.
    package static func nucleusEvidence(map: [Float], segmentation: [UInt8]) -> Float {
        precondition(map.count == segmentation.count)
        var inside: Float = 0, total: Float = 0
        for p in map.indices {
            total += map[p]
            if segmentation[p] == 2 { inside += map[p] }
        }
        return total > 0 ? inside / total : 0
    }

    package static func consistency(map: [Float], segmentation: [UInt8]) -> Float {
        precondition(map.count == segmentation.count)
        var inside: Float = 0, total: Float = 0
        for p in map.indices {
            total += map[p]
            if segmentation[p] > 0 { inside += map[p] }
        }
        return total > 0 ? inside / total : 0
    }
}
