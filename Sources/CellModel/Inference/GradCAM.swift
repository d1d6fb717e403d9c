import NN
import Tensor

/// Grad-CAM on the fused features for one class, and the saliency-consistency score.
///
/// The classification head sees the fused features `F` `[C, h, w]` only through a global
/// average, so the gradient of class `k`'s logit with respect to `F[c, p]` is `W[k, c] / hw` at
/// every pixel: Grad-CAM's channel weights are `W[k, c] / hw` and the map is
/// `relu(sum_c W[k, c] F[c])`, computed exactly here without a backward pass. The map is
/// resized bilinearly to the crop and scaled to a maximum of 1. The consistency score is the
/// share of the map's mass inside the predicted cell mask (1: the evidence is all on the
/// cell; low: the network looked elsewhere, worth a technician's look).
package enum GradCAM {
    /// Maps `[N][S * S]` in [0, 1] for the classes in `classes` (one per sample).
    package static func maps(fused: Tensor, weights: Tensor, classes: [Int], cropSize: Int) -> [[Float]] {
        let (n, c, h, w) = fused.nchw
        precondition(classes.count == n && weights.shape[1] == c)
        let raw = Tensor(zeros: [n, 1, h, w])
        let plane = h * w
        for i in 0..<n where classes[i] >= 0 {
            let a = raw.data + i * plane
            for channel in 0..<c {
                Vector.axpy(plane, weights.data[classes[i] * c + channel], fused.data + (i * c + channel) * plane, a)
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

    /// Share of `map`'s mass where `segmentation` marks the cell (label > 0); 0 for an empty map.
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
