import NN
import Tensor

/// Decodes fused features into per-pixel logits for background, cytoplasm and nucleus.
///
/// `F` `[N, fused, h, w]` -> 1x1 conv to `width` -> bilinear x2 -> concatenated with the stem's
/// features `[N, stem, 2h, 2w]` (the skip that restores edges) -> 3x3 conv -> 1x1 conv with
/// bias -> bilinear x2 -> logits `[N, 3, 4h, 4w]` (the crop's full resolution).
///
/// The 1x1 conv runs before the last upsampling: both are linear and bilinear weights sum to
/// 1 (a constant bias stays constant), so the order does not change the logits beyond
/// rounding, and the 1x1 conv then sees a quarter of the pixels and the upsampling 3 channels
/// instead of `width` (the PyTorch twin and earlier versions of this head upsample first).
package final class SegmentationHead: Module {
    package var isTraining = true
    package let reduce: ConvNormActivation
    package let decode: ConvNormActivation
    package let classify: Conv2d
    private let upsampleFused = Upsample(.bilinear, scale: 2)
    private let upsampleLogits = Upsample(.bilinear, scale: 2)
    private let width: Int

    package init(fusedChannels: Int, stemChannels: Int, width: Int, classes: Int, rng: inout RandomSource) {
        self.width = width
        reduce = ConvNormActivation(fusedChannels, width, kernel: 1, rng: &rng)
        decode = ConvNormActivation(width + stemChannels, width, kernel: 3, rng: &rng)
        classify = Conv2d(width, classes, kernel: 1, rng: &rng)
    }

    package var children: [(String, any Module)] { [("reduce", reduce), ("decode", decode), ("classify", classify)] }

    package func forward(fused: Tensor, stem: Tensor) -> Tensor {
        let up = upsampleFused.profiledForward("upsample1", reduce.profiledForward("reduce", fused))
        let joined = OpProfile.shared.measure("concat", .forward) { Channels.concat([up, stem]) }
        let decoded = decode.profiledForward("decode", joined)
        return upsampleLogits.profiledForward("upsample2", classify.profiledForward("classify", decoded))
    }

    /// Gradients with respect to the fused features and the stem features.
    package func backward(_ dLogits: Tensor) -> (dFused: Tensor, dStem: Tensor) {
        let dClassified = classify.profiledBackward("classify", upsampleLogits.profiledBackward("upsample2", dLogits))
        let dDecoded = decode.profiledBackward("decode", dClassified)
        let parts = OpProfile.shared.measure("concat", .backward) { Channels.split(dDecoded, sizes: [width, dDecoded.shape[1] - width]) }
        return (reduce.profiledBackward("reduce", upsampleFused.profiledBackward("upsample1", parts[0])), parts[1])
    }

    package func flops(fusedShape: [Int], stemShape: [Int]) -> Int {
        let (n, h, w) = (stemShape[0], stemShape[2], stemShape[3])
        return reduce.flops(inputShape: fusedShape)
            + decode.flops(inputShape: [n, width + stemShape[1], h, w])
            + classify.flops(inputShape: [n, width, h, w])
            + upsampleFused.flops(inputShape: [n, width, h / 2, w / 2])
            + upsampleLogits.flops(inputShape: [n, classify.outChannels, h, w])
    }
}
