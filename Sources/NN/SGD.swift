import Tensor

/// Stochastic gradient descent with momentum, following `torch.optim.SGD`.
///
/// Per step, for each parameter `p` with gradient `g`: `g += weightDecay * p` (coupled L2,
/// only when `p.decays`); with momentum, `buf = g` on the first step and
/// `buf = momentum * buf + (1 - dampening) * g` after, then `g = g + momentum * buf`
/// (Nesterov) or `g = buf`; finally `p -= lr * g`.
package final class SGD: Optimizer {
    package var learningRate: Float
    package let momentum: Float
    package let dampening: Float
    package let nesterov: Bool
    package var weightDecay: Float
    package private(set) var stepCount: Int = 0
    package let parameters: [Parameter]
    /// Momentum buffers, one per parameter (empty when `momentum == 0`).
    package let momentumBuffers: [Tensor]

    package init(parameters: [Parameter], learningRate: Float, momentum: Float = 0.9,
                 dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: invalid hyper-parameters")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.momentumBuffers = momentum > 0 ? parameters.map { Tensor(zeros: $0.value.shape) } : []
    }

    package func step() {
        stepCount += 1
        let first = stepCount == 1
        let (lr, mu, damp, nesterov) = (learningRate, momentum, dampening, nesterov)
        for (index, parameter) in parameters.enumerated() {
            let p = parameter.value.data, grad = parameter.grad.data
            let wd: Float = parameter.decays ? weightDecay : 0
            let buf = mu > 0 ? momentumBuffers[index].data : nil
            Parallel.forEach(parameter.value.count, minimumPerThread: 1 << 15) { i in
                var g = grad[i] + wd * p[i]
                if let buf {
                    let b = first ? g : mu * buf[i] + (1 - damp) * g
                    buf[i] = b
                    g = nesterov ? g + mu * b : b
                }
                p[i] -= lr * g
            }
        }
    }

    package var namedState: [(String, Tensor)] {
        momentumBuffers.indices.map { ("momentum_buffer." + parameters[$0].name, momentumBuffers[$0]) }
    }
}
