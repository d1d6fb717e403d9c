import Foundation
import Tensor

/// Soft Dice loss on softmax probabilities, per class, for segmentation.
///
/// Logits `[N, C, H, W]`, targets one class per pixel (`N * H * W`, row-major). Pixels whose
/// target is `ignoreIndex` count in neither sum. With `p = softmax(logits, axis 1)` and `t` the
/// one-hot target, per class `D_c = (2 sum(p t) + smooth) / (sum(p) + sum(t) + smooth)` over
/// the whole batch, and the loss is `1 - mean_c D_c` (`smooth` 1 by default). Forward keeps the
/// probabilities and the per-class sums.
package final class DiceLoss {
    package let smooth: Float
    package let ignoreIndex: Int
    private var probabilities: Tensor?
    private var targets: [Int] = []
    private var intersections: [Double] = []
    private var denominators: [Double] = []

    package init(smooth: Float = 1, ignoreIndex: Int = -100) {
        self.smooth = smooth
        self.ignoreIndex = ignoreIndex
    }

    package func forward(_ logits: Tensor, targets: [Int]) -> Float {
        let (n, classes, h, w) = logits.nchw
        let plane = h * w
        precondition(targets.count == n * plane, "DiceLoss: \(targets.count) targets for logits \(logits.shape)")
        let p = Tensor(uninitialized: logits.shape)
        var scratch = [Float](repeating: 0, count: classes), out = scratch
        intersections = [Double](repeating: 0, count: classes)
        denominators = [Double](repeating: Double(smooth), count: classes)
        for i in 0..<n * plane {
            let base = (i / plane) * classes * plane + i % plane
            for c in 0..<classes { scratch[c] = logits.data[base + c * plane] }
            scratch.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in Softmax.softmaxRow(x.baseAddress!, y.baseAddress!, classes) }
            }
            for c in 0..<classes { p.data[base + c * plane] = out[c] }
            let t = targets[i]
            guard t != ignoreIndex else { continue }
            precondition(t >= 0 && t < classes, "DiceLoss: target \(t) outside 0..<\(classes)")
            for c in 0..<classes { denominators[c] += Double(out[c]) }
            denominators[t] += 1
            intersections[t] += Double(out[t])
        }
        probabilities = p
        self.targets = targets
        var mean = 0.0
        for c in 0..<classes { mean += (2 * intersections[c] + Double(smooth)) / denominators[c] }
        return Float(1 - mean / Double(classes))
    }

    /// Gradient of `scale * loss` with respect to the logits.
    package func backward(scale: Float = 1) -> Tensor {
        guard let probabilities else { preconditionFailure("DiceLoss.backward called before forward") }
        let (n, classes, h, w) = probabilities.nchw
        let plane = h * w
        let dLogits = Tensor(zeros: probabilities.shape)
        // dLoss/dp_c = -(1/C) * (2 t_c S_c - (2 I_c + smooth)) / S_c^2, then through softmax.
        let numerators = (0..<classes).map { 2 * intersections[$0] + Double(smooth) }
        var g = [Float](repeating: 0, count: classes)
        for i in 0..<n * plane {
            let t = targets[i]
            guard t != ignoreIndex else { continue }
            let base = (i / plane) * classes * plane + i % plane
            var inner: Float = 0
            for c in 0..<classes {
                let s = denominators[c]
                let dD = ((c == t ? 2 * s : 0) - numerators[c]) / (s * s)
                g[c] = Float(-dD / Double(classes)) * scale
                inner += g[c] * probabilities.data[base + c * plane]
            }
            for c in 0..<classes {
                let p = probabilities.data[base + c * plane]
                dLogits.data[base + c * plane] = p * (g[c] - inner)
            }
        }
        return dLogits
    }
}
