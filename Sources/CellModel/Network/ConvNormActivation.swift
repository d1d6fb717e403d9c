import NN
import Tensor

/// Convolution (no bias) -> batch norm -> activation: the network's basic unit.
///
/// `[N, in, H, W]` -> `[N, out, H', W']`. Named `conv`, `bn` in checkpoints. With
/// `activation == nil` the block ends at the batch norm (for a residual sum that follows).
package final class ConvNormActivation: Layer, InferenceFusing {
    package var isTraining = true
    package var inferenceOnly = false
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

    /// True when the last forward ran the inference epilogue (nothing kept for backward).
    private var forwardWasFused = false

    /// Conv, batch norm and activation as layers; inference-only (`InferenceFusing`, with the
    /// batch norm in inference mode too: AdaBN re-estimates statistics in an inference network):
    /// the convolution with batch norm and activation applied as it goes (`ChannelEpilogue`).
    package func forward(_ input: Tensor) -> Tensor {
        forwardWasFused = inferenceOnly && !isTraining && !norm.isTraining
        if forwardWasFused {
            let epilogue = ChannelEpilogue(norm, activation: activation?.kind)
            return OpProfile.shared.measure("conv+bn+act", .forward, flops: conv.flops(inputShape: input.shape)) {
                conv.forward(input, epilogue: epilogue)
            }
        }
        let y = norm.profiledForward("bn", conv.profiledForward("conv", input))
        return activation?.profiledForward("act", y) ?? y
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        precondition(!forwardWasFused, "ConvNormActivation.backward after an inference forward (run forward in training mode)")
        let d = activation?.profiledBackward("act", dOutput) ?? dOutput
        return conv.profiledBackward("conv", norm.profiledBackward("bn", d))
    }

    package func flops(inputShape: [Int]) -> Int {
        let convFlops = conv.flops(inputShape: inputShape)
        let out = conv.geometry(for: inputShape)
        return convFlops + 4 * inputShape[0] * conv.outChannels * out.outHeight * out.outWidth
    }
}
