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
        let ignore = ignoreIndex
        precondition(targets.allSatisfy { $0 == ignore || (0..<classes).contains($0) }, "DiceLoss: a target outside 0..<\(classes)")
        // Per image (on some thread): softmax, and partial sums of p·t and p + t per class;
        // the partials are then added image by image, so the sums do not depend on threads.
        var partials = [Double](repeating: 0, count: n * 2 * classes)
        let (x, pOut) = (logits.data, p.data)
        partials.withUnsafeMutableBufferPointer { partial in
            Parallel.forEach(n) { image in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * classes) { buffer in
                    let (scratch, out) = (buffer.baseAddress!, buffer.baseAddress! + classes)
                    let sums = partial.baseAddress! + image * 2 * classes   // intersections, then denominators
                    for i in image * plane ..< (image + 1) * plane {
                        let base = (i / plane) * classes * plane + i % plane
                        for c in 0..<classes { scratch[c] = x[base + c * plane] }
                        Softmax.softmaxRow(scratch, out, classes)
                        for c in 0..<classes { pOut[base + c * plane] = out[c] }
                        let t = targets[i]
                        guard t != ignore else { continue }
                        for c in 0..<classes { sums[classes + c] += Double(out[c]) }
                        sums[classes + t] += 1
                        sums[t] += Double(out[t])
                    }
                }
            }
        }
        intersections = [Double](repeating: 0, count: classes)
        denominators = [Double](repeating: Double(smooth), count: classes)
        for image in 0..<n {
            for c in 0..<classes {
                intersections[c] += partials[image * 2 * classes + c]
                denominators[c] += partials[image * 2 * classes + classes + c]
            }
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
        let (denominators, targets, ignore) = (self.denominators, self.targets, ignoreIndex)
        let (p0, d0) = (probabilities.data, dLogits.data)
        Parallel.forEach(n) { image in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { g in
                for i in image * plane ..< (image + 1) * plane {
                    let t = targets[i]
                    guard t != ignore else { continue }
                    let base = (i / plane) * classes * plane + i % plane
                    var inner: Float = 0
                    for c in 0..<classes {
                        let s = denominators[c]
                        let dD = ((c == t ? 2 * s : 0) - numerators[c]) / (s * s)
                        g[c] = Float(-dD / Double(classes)) * scale
                        inner += g[c] * p0[base + c * plane]
                    }
                    for c in 0..<classes {
                        let p = p0[base + c * plane]
                        d0[base + c * plane] = p * (g[c] - inner)
                    }
                }
            }
        }
        return dLogits
    }
}
