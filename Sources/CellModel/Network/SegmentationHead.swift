import NN
import Tensor

/// Decodes fused features into per-pixel logits for background, cytoplasm and nucleus.
///
/// `F` `[N, fused, h, w]` -> 1x1 conv to `width` -> bilinear x2 -> concatenated with the stem's
/// features `[N, stem, 2h, 2w]` (the skip that restores edges) -> 3x3 conv -> bilinear x2 ->
/// 1x1 conv with bias -> logits `[N, 3, 4h, 4w]` (the crop's full resolution).
package final class SegmentationHead: Module {
    package var isTraining = true
    package let reduce: ConvNormActivation
    package let decode: ConvNormActivation
    package let classify: Conv2d
    private let upsampleFused = Upsample(.bilinear, scale: 2)
    private let upsampleDecoded = Upsample(.bilinear, scale: 2)
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
        return classify.profiledForward("classify", upsampleDecoded.profiledForward("upsample2", decoded))
    }

    /// Gradients with respect to the fused features and the stem features.
    package func backward(_ dLogits: Tensor) -> (dFused: Tensor, dStem: Tensor) {
        let dUpsampled = upsampleDecoded.profiledBackward("upsample2", classify.profiledBackward("classify", dLogits))
        let dDecoded = decode.profiledBackward("decode", dUpsampled)
        let parts = OpProfile.shared.measure("concat", .backward) { Channels.split(dDecoded, sizes: [width, dDecoded.shape[1] - width]) }
        return (reduce.profiledBackward("reduce", upsampleFused.profiledBackward("upsample1", parts[0])), parts[1])
    }

    package func flops(fusedShape: [Int], stemShape: [Int]) -> Int {
        let (n, h, w) = (stemShape[0], stemShape[2], stemShape[3])
        return reduce.flops(inputShape: fusedShape)
            + decode.flops(inputShape: [n, width + stemShape[1], h, w])
            + classify.flops(inputShape: [n, width, 2 * h, 2 * w]) + 12 * n * width * h * w
    }
}
