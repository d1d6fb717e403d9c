import NN
import Tensor

/// Convolution (no bias) -> batch norm -> activation: the network's basic unit.
///
/// `[N, in, H, W]` -> `[N, out, H', W']`. Named `conv`, `bn` in checkpoints. With
/// `activation == nil` the block ends at the batch norm (for a residual sum that follows).
package final class ConvNormActivation: Layer {
    package var isTraining = true
    package let conv: Conv2d
    package let norm: BatchNorm2d
    package let activation: Activation?

    package init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
                 activation: Activation.Kind? = .silu, rng: inout RandomSource) {
        conv = Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2,
                      groups: groups, bias: false, rng: &rng)
        norm = BatchNorm2d(outChannels)
        self.activation = activation.map { Activation($0) }
    }

    package var children: [(String, any Module)] { [("conv", conv), ("bn", norm)] }

    package func forward(_ input: Tensor) -> Tensor {
        let y = norm.profiledForward("bn", conv.profiledForward("conv", input))
        return activation?.profiledForward("act", y) ?? y
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        let d = activation?.profiledBackward("act", dOutput) ?? dOutput
        return conv.profiledBackward("conv", norm.profiledBackward("bn", d))
    }

    package func flops(inputShape: [Int]) -> Int {
        let convFlops = conv.flops(inputShape: inputShape)
        let out = conv.geometry(for: inputShape)
        return convFlops + 4 * inputShape[0] * conv.outChannels * out.outHeight * out.outWidth
    }
}
