import Foundation
import Tensor

/// Softmax cross-entropy with class weights, label smoothing and ignored samples, matching
/// PyTorch's `F.cross_entropy(..., weight, ignore_index, label_smoothing, reduction="mean")`.
///
/// Logits `[N, C]` (classification) or `[N, C, H, W]` (per pixel, classes on axis 1); targets
/// one class index per sample or pixel (`N` or `N * H * W`, row-major). A sample is ignored
/// when its target is `ignoreIndex` or, if given, its `mask` entry is 0 (a dataset without
/// that label). Per sample `i` with target `y`:
/// `l_i = (1 - eps) * w[y] * (-log p_iy) + eps / C * sum_c w[c] * (-log p_ic)`, and the loss is
/// `sum_i l_i / sum_i w[y_i]` over kept samples (PyTorch's weighted mean). With every sample
/// ignored the loss and gradient are 0 (PyTorch returns NaN). Forward keeps the probabilities.
package final class CrossEntropyLoss {
    package let classWeights: Tensor?
    package let labelSmoothing: Float
    package let ignoreIndex: Int
    private var probabilities: Tensor?
    private var targets: [Int] = []
    private var kept: [Bool] = []
    private var totalWeight: Double = 0

    package init(classWeights: Tensor? = nil, labelSmoothing: Float = 0, ignoreIndex: Int = -100) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "CrossEntropyLoss: label smoothing \(labelSmoothing)")
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
        self.ignoreIndex = ignoreIndex
    }

    /// `(samples, classes, spatial)` of a logits shape.
    private static func layout(_ shape: [Int]) -> (samples: Int, classes: Int, plane: Int) {
        precondition(shape.count == 2 || shape.count == 4, "CrossEntropyLoss: logits \(shape), expected [N, C] or [N, C, H, W]")
        let plane = shape.count == 4 ? shape[2] * shape[3] : 1
        return (shape[0] * plane, shape[1], plane)
    }

    /// The mean loss; `targets` in `0..<C` or `ignoreIndex`.
    package func forward(_ logits: Tensor, targets: [Int], mask: Tensor? = nil) -> Float {
        let (samples, classes, plane) = Self.layout(logits.shape)
        precondition(targets.count == samples, "CrossEntropyLoss: \(targets.count) targets for logits \(logits.shape)")
        precondition(mask == nil || mask!.count == samples, "CrossEntropyLoss: mask \(mask!.shape) for \(samples) samples")
        precondition(classWeights == nil || classWeights!.count == classes, "CrossEntropyLoss: class weights for \(classes) classes")
        let p = Tensor(uninitialized: logits.shape)
        var losses = [Double](repeating: 0, count: samples)
        let kept = (0..<samples).map { i in
            let t = targets[i]
            guard t != ignoreIndex, (mask?.data[i] ?? 1) != 0 else { return false }
            precondition(t >= 0 && t < classes, "CrossEntropyLoss: target \(t) outside 0..<\(classes)")
            return true
        }
        self.kept = kept
        let weights = (0..<classes).map { Double(self.classWeights?.data[$0] ?? 1) }
        let weight = { (c: Int) -> Double in weights[c] }
        let eps = Double(labelSmoothing)
        let (x, pOut) = (logits.data, p.data)
        // Each image's samples on some thread (disjoint writes); the sum below runs in order.
        losses.withUnsafeMutableBufferPointer { lossOf in
            Parallel.forEach(samples / plane, minimumPerThread: max(1, 4096 / plane)) { image in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { scratch in
                    for i in image * plane ..< (image + 1) * plane {
                        let base = (i / plane) * classes * plane + i % plane
                        var m = -Float.infinity
                        for c in 0..<classes { scratch[c] = x[base + c * plane]; m = max(m, scratch[c]) }
                        var sum = 0.0
                        for c in 0..<classes { sum += Double(exp(scratch[c] - m)) }
                        let logSum = Double(m) + log(sum)
                        var smooth = 0.0
                        for c in 0..<classes {
                            let logP = Double(scratch[c]) - logSum
                            pOut[base + c * plane] = Float(exp(logP))
                            smooth -= weights[c] * logP
                        }
                        guard kept[i] else { continue }
                        let t = targets[i]
                        let nll = -(Double(scratch[t]) - logSum)
                        lossOf[i] = (1 - eps) * weights[t] * nll + eps / Double(classes) * smooth
                    }
                }
            }
        }
        totalWeight = 0
        var total = 0.0
        for i in 0..<samples where kept[i] {
            totalWeight += weight(targets[i])
            total += losses[i]
        }
        probabilities = p
        self.targets = targets
        return totalWeight > 0 ? Float(total / totalWeight) : 0
    }

    /// Gradient of `scale * loss` with respect to the logits.
    package func backward(scale: Float = 1) -> Tensor {
        guard let probabilities else { preconditionFailure("CrossEntropyLoss.backward called before forward") }
        let (samples, classes, plane) = Self.layout(probabilities.shape)
        let dLogits = Tensor(zeros: probabilities.shape)
        guard totalWeight > 0 else { return dLogits }
        let eps = Float(labelSmoothing)
        let w = { (c: Int) -> Float in self.classWeights?.data[c] ?? 1 }
        var weightSum: Float = 0
        for c in 0..<classes { weightSum += w(c) }
        let factor = scale / Float(totalWeight)
        let (kept, targets, p0, d0) = (self.kept, self.targets, probabilities.data, dLogits.data)
        Parallel.forEach(samples / plane, minimumPerThread: max(1, 4096 / plane)) { image in
            for i in image * plane ..< (image + 1) * plane where kept[i] {
                let base = (i / plane) * classes * plane + i % plane
                let t = targets[i]
                for c in 0..<classes {
                    let p = p0[base + c * plane]
                    let hard = (1 - eps) * w(t) * (p - (c == t ? 1 : 0))
                    let soft = eps / Float(classes) * (p * weightSum - w(c))
                    d0[base + c * plane] = factor * (hard + soft)
                }
            }
        }
        return dLogits
    }
}
