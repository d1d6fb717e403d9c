import NN
import Tensor

/// A ResNeXt bottleneck with a residual: `silu(x + bn(conv1x1(g(conv3x3_grouped(f(conv1x1(x)))))))`.
///
/// `[N, C, H, W]` -> same shape. The 3x3 convolution is split into `cardinality` groups
/// (aggregated transformations), which is where the fused multi-level features mix cheaply.
package final class ResNeXtBlock: Layer {
    package var isTraining = true
    package let reduce: ConvNormActivation
    package let grouped: ConvNormActivation
    package let expand: ConvNormActivation
    private let output = Activation(.silu)

    package init(channels: Int, cardinality: Int, rng: inout RandomSource) {
        reduce = ConvNormActivation(channels, channels, kernel: 1, rng: &rng)
        grouped = ConvNormActivation(channels, channels, kernel: 3, groups: cardinality, rng: &rng)
        expand = ConvNormActivation(channels, channels, kernel: 1, activation: nil, rng: &rng)
    }

    package var children: [(String, any Module)] { [("reduce", reduce), ("grouped", grouped), ("expand", expand)] }

    package func forward(_ input: Tensor) -> Tensor {
        let branch = expand.profiledForward("expand", grouped.profiledForward("grouped", reduce.profiledForward("reduce", input)))
        return output.profiledForward("output", OpProfile.shared.measure("residual", .forward) { branch.adding(input) })
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        let dSum = output.profiledBackward("output", dOutput)
        let dInput = reduce.profiledBackward("reduce", grouped.profiledBackward("grouped", expand.profiledBackward("expand", dSum)))
        OpProfile.shared.measure("residual", .backward) { dInput.add(dSum) }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int {
        reduce.flops(inputShape: inputShape) + grouped.flops(inputShape: inputShape)
            + expand.flops(inputShape: inputShape) + 2 * inputShape.reduce(1, *)
    }
}
