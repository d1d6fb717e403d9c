import Tensor

/// Gradient clipping by global norm, like `torch.nn.utils.clip_grad_norm_` (L2).
///
/// The norm is taken over all gradients together (summed in Double). When it exceeds
/// `maxNorm`, every gradient is scaled by `maxNorm / (norm + 1e-6)`. A non-finite norm is
/// returned unchanged and the gradients are left alone, so the caller can skip the step.
package enum GradientClipping {
    /// The global L2 norm of the gradients of `parameters`.
    package static func globalNorm(_ parameters: [Parameter]) -> Double {
        var sum = 0.0
        for parameter in parameters {
            let g = parameter.grad.data
            var partial: Float = 0
            var local = 0.0
            for i in 0..<parameter.grad.count {
                partial += g[i] * g[i]
                if i & 1023 == 1023 { local += Double(partial); partial = 0 }
            }
            sum += local + Double(partial)
        }
        return sum.squareRoot()
    }

    /// Scales gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    package static func clipGlobalNorm(_ parameters: [Parameter], maxNorm: Float) -> Double {
        precondition(maxNorm > 0, "clipGlobalNorm: maxNorm must be positive")
        let norm = globalNorm(parameters)
        guard norm.isFinite, norm > Double(maxNorm) else { return norm }
        let scale = Float(Double(maxNorm) / (norm + 1e-6))
        for parameter in parameters {
            let g = parameter.grad.data
            for i in 0..<parameter.grad.count { g[i] *= scale }
        }
        return norm
    }
}
