import NN
import Tensor

/// Cell-type logits from the fused features and the deepest backbone features.
///
/// Global average pools of `F` `[N, f, h, w]` and `C4` `[N, d, h4, w4]` are concatenated
/// (`[N, f + d]`), passed through dropout and a linear layer to `[N, classes]`. Because `F`
/// enters through a global average, the class activation map of class `k` on `F` is
/// `sum_c W[k, c] F[c]`, which Grad-CAM and the alignment loss use (`fusedWeights`).
package final class ClassificationHead: Module {
    package var isTraining = true
    package let dropout: Dropout
    package let linear: Linear
    private let poolFused = GlobalAvgPool()
    private let poolDeep = GlobalAvgPool()
    private let fusedChannels: Int

    package init(fusedChannels: Int, deepChannels: Int, classes: Int, dropout: Float, seed: UInt64,
                 rng: inout RandomSource) {
        self.fusedChannels = fusedChannels
        self.dropout = Dropout(dropout, seed: seed)
        linear = Linear(fusedChannels + deepChannels, classes, rng: &rng)
    }

    package var children: [(String, any Module)] { [("dropout", dropout), ("linear", linear)] }

    package func forward(fused: Tensor, deep: Tensor) -> Tensor {
        let n = fused.shape[0]
        let a = poolFused.forward(fused), b = poolDeep.forward(deep)
        let joined = Channels.concat([a.reshaped([n, a.shape[1], 1, 1]), b.reshaped([n, b.shape[1], 1, 1])])
        return linear.forward(dropout.forward(joined.reshaped([n, joined.shape[1]])))
    }

    /// Gradients with respect to the fused and the deep features.
    package func backward(_ dLogits: Tensor) -> (dFused: Tensor, dDeep: Tensor) {
        let dJoined = dropout.backward(linear.backward(dLogits))
        let n = dJoined.shape[0]
        let parts = Channels.split(dJoined.reshaped([n, dJoined.shape[1], 1, 1]),
                                   sizes: [fusedChannels, dJoined.shape[1] - fusedChannels])
        return (poolFused.backward(parts[0].reshaped([n, fusedChannels])),
                poolDeep.backward(parts[1].reshaped([n, parts[1].shape[1]])))
    }



    package func flops(batch: Int) -> Int { linear.flops(inputShape: [batch, linear.inFeatures]) }
}

extension ClassificationHead {
    /// The `[classes, f]` block of the linear weight that acts on the pooled fused features.
    package func fusedWeights() -> Tensor {
        let (classes, inputs) = (linear.outFeatures, linear.inFeatures)
        let result = Tensor(zeros: [classes, fusedChannels])
        for k in 0..<classes {
            (result.data + k * fusedChannels).update(from: linear.weight.value.data + k * inputs, count: fusedChannels)
        }
        return result
    }

    /// Adds a gradient for `fusedWeights()` into the linear weight's gradient.
    package func addFusedWeightGradient(_ gradient: Tensor) {
        let (classes, inputs) = (linear.outFeatures, linear.inFeatures)
        precondition(gradient.shape == [classes, fusedChannels])
        for k in 0..<classes {
            Vector.axpy(fusedChannels, 1, gradient.data + k * fusedChannels, linear.weight.grad.data + k * inputs)
        }
    }
}
