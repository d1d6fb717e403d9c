#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
import Tensor

/// AdamW with decoupled weight decay, following `torch.optim.AdamW` exactly.
///
/// Per step `t` (1-based), for each parameter `p` with gradient `g`:
/// `p *= 1 - lr * weightDecay` (only when `p.decays`; norms and biases opt out), then
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`.
/// State `m` (`exp_avg`) and `v` (`exp_avg_sq`) start at zero. No amsgrad, no maximise.
package final class AdamW: Optimizer {
    package var learningRate: Float
    /// Hyper-parameters are kept in Double so derived factors such as `1 - beta2` are exact
    /// to Float precision (`1 - Float(0.999)` is off by 1e-5 relative).
    package let beta1: Double
    package let beta2: Double
    package let epsilon: Double
    package var weightDecay: Double
    package private(set) var stepCount: Int = 0
    package let parameters: [Parameter]
    /// First moments, one per parameter, same shapes.
    package let expAvg: [Tensor]
    /// Second moments, one per parameter, same shapes.
    package let expAvgSq: [Tensor]

    package init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Double = 0.9,
                 beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) {
        precondition(learningRate >= 0 && epsilon > 0 && weightDecay >= 0, "AdamW: invalid hyper-parameters")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "AdamW: betas must be in [0, 1)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.expAvg = parameters.map { Tensor(zeros: $0.value.shape) }
        self.expAvgSq = parameters.map { Tensor(zeros: $0.value.shape) }
    }

    /// Restores the step count (e.g. when resuming with `expAvg`/`expAvgSq` loaded).
    package func setStepCount(_ count: Int) {
        precondition(count >= 0)
        stepCount = count
    }

    package func step() {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(beta1, t)
        let correction2 = 1 - pow(beta2, t)
        let stepSize = Float(Double(learningRate) / correction1)
        let invSqrtCorrection2 = Float(1 / correction2.squareRoot())
        let (b1, oneMinusB1) = (Float(beta1), Float(1 - beta1))
        let (b2, oneMinusB2) = (Float(beta2), Float(1 - beta2))
        let eps = Float(epsilon)
        for (index, parameter) in parameters.enumerated() {
            let p = parameter.value.data, g = parameter.grad.data
            let m = expAvg[index].data, v = expAvgSq[index].data
            let decay: Float = parameter.decays ? Float(1 - Double(learningRate) * weightDecay) : 1
            Parallel.forEach(parameter.value.count, minimumPerThread: 1 << 15) { i in
                let gi = g[i]
                let mi = b1 * m[i] + oneMinusB1 * gi
                let vi = b2 * v[i] + oneMinusB2 * gi * gi
                m[i] = mi
                v[i] = vi
                let denom = vi.squareRoot() * invSqrtCorrection2 + eps
                p[i] = p[i] * decay - stepSize * mi / denom
            }
        }
    }

    package var namedState: [(String, Tensor)] {
        parameters.indices.flatMap { i in
            [("exp_avg." + parameters[i].name, expAvg[i]), ("exp_avg_sq." + parameters[i].name, expAvgSq[i])]
        }
    }
}
