import Foundation
import Tensor

/// Binary cross-entropy on logits with an optional mask (PyTorch
/// `binary_cross_entropy_with_logits(x, t, reduction="none")`, times the mask, summed, divided
/// by the mask's sum).
///
/// Logits, targets (in [0, 1]) and mask share one shape. Per element
/// `l = max(x, 0) - x t + log(1 + exp(-|x|))` (stable for large |x|). Without a mask the loss
/// is the plain mean; with an all-zero mask loss and gradient are 0. Forward keeps its inputs.
package final class BCEWithLogitsLoss {
    private var logits: Tensor?
    private var targets: Tensor?
    private var mask: Tensor?
    private var denominator: Double = 0

    package init() {}

    package func forward(_ logits: Tensor, targets: Tensor, mask: Tensor? = nil) -> Float {
        precondition(targets.shape == logits.shape, "BCEWithLogitsLoss: targets \(targets.shape) for logits \(logits.shape)")
        precondition(mask == nil || mask!.shape == logits.shape, "BCEWithLogitsLoss: mask \(mask!.shape) for logits \(logits.shape)")
        var total = 0.0, weight = 0.0
        for i in 0..<logits.count {
            let m = Double(mask?.data[i] ?? 1)
            guard m != 0 else { continue }
            let x = Double(logits.data[i]), t = Double(targets.data[i])
            total += m * (max(x, 0) - x * t + log1p(exp(-abs(x))))
            weight += m
        }
        self.logits = logits
        self.targets = targets
        self.mask = mask
        denominator = weight
        return weight > 0 ? Float(total / weight) : 0
    }

    /// Gradient of `scale * loss` with respect to the logits: `m (sigmoid(x) - t) / sum(m)`.
    package func backward(scale: Float = 1) -> Tensor {
        guard let logits, let targets else { preconditionFailure("BCEWithLogitsLoss.backward called before forward") }
        let dLogits = Tensor(zeros: logits.shape)
        guard denominator > 0 else { return dLogits }
        let factor = scale / Float(denominator)
        for i in 0..<logits.count {
            let m = mask?.data[i] ?? 1
            dLogits.data[i] = factor * m * (Activation.sigmoid(logits.data[i]) - targets.data[i])
        }
        return dLogits
    }
}
