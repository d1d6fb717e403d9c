import NN
import Tensor

/// Cross-layer fusion of shallow and deep features (the "CLDFF" of SG-CLDFF).
///
/// Each used level `C_i` (`[N, c_i, h_i, w_i]`) is projected by a 1x1 conv + BN + SiLU to
/// `levelWidth` channels and resized bilinearly to the finest level's size; the results are
/// concatenated, mixed by a 1x1 conv to `width` channels and refined by a ResNeXt block.
/// Output `F`: `[N, width, h_0, w_0]`. With only the deepest level in `levels`, this is the
/// "no fusion" ablation: the same head size, fed by the deepest features alone.
package final class CrossLayerFusion: Module {
    package var isTraining = true
    /// Indices of the backbone levels used, in order (e.g. `[0, 1, 2, 3]` or `[3]`).
    package let levels: [Int]
    package let projections: [ConvNormActivation]
    package let mix: ConvNormActivation
    package let refine: ResNeXtBlock
    private var resizers: [Upsample?] = []
    private let levelWidth: Int

    package init(levelChannels: [Int], levels: [Int], levelWidth: Int, width: Int, cardinality: Int,
                 rng: inout RandomSource) {
        precondition(!levels.isEmpty && levels.allSatisfy { levelChannels.indices.contains($0) })
        self.levels = levels
        self.levelWidth = levelWidth
        projections = levels.map { ConvNormActivation(levelChannels[$0], levelWidth, kernel: 1, rng: &rng) }
        mix = ConvNormActivation(levelWidth * levels.count, width, kernel: 1, rng: &rng)
        refine = ResNeXtBlock(channels: width, cardinality: cardinality, rng: &rng)
    }

    package var children: [(String, any Module)] {
        zip(levels, projections).map { ("project\($0 + 1)", $1 as any Module) }
            + [("mix", mix), ("refine", refine)]
    }

    /// Fuses `features` (all backbone levels, finest first) at the size of `features[0]`.
    package func forward(_ features: [Tensor]) -> Tensor {
        let (_, _, height, width) = features[0].nchw
        resizers = []
        var projected: [Tensor] = []
        for (level, projection) in zip(levels, projections) {
            let p = projection.profiledForward("project\(level + 1)", features[level])
            if p.shape[2] == height && p.shape[3] == width {
                resizers.append(nil)
                projected.append(p)
            } else {
                let resize = Upsample(.bilinear, height: height, width: width)
                resizers.append(resize)
                projected.append(resize.profiledForward("resize\(level + 1)", p))
            }
        }
        let joined = OpProfile.shared.measure("concat", .forward) { Channels.concat(projected) }
        return refine.profiledForward("refine", mix.profiledForward("mix", joined))
    }

    /// Gradients for every backbone level (nil for levels not used).
    package func backward(_ dOutput: Tensor) -> [Int: Tensor] {
        let dConcat = mix.profiledBackward("mix", refine.profiledBackward("refine", dOutput))
        let parts = OpProfile.shared.measure("concat", .backward) {
            Channels.split(dConcat, sizes: Array(repeating: levelWidth, count: levels.count))
        }
        var result: [Int: Tensor] = [:]
        for (i, level) in levels.enumerated() {
            let d = resizers[i]?.profiledBackward("resize\(level + 1)", parts[i]) ?? parts[i]
            result[level] = projections[i].profiledBackward("project\(level + 1)", d)
        }
        return result
    }

    package func flops(levelShapes: [[Int]]) -> Int {
        let (n, h, w) = (levelShapes[0][0], levelShapes[0][2], levelShapes[0][3])
        var total = 0
        for (level, projection) in zip(levels, projections) {
            total += projection.flops(inputShape: levelShapes[level]) + 6 * n * levelWidth * h * w
        }
        let concatShape = [n, levelWidth * levels.count, h, w]
        return total + mix.flops(inputShape: concatShape) + refine.flops(inputShape: [n, mix.conv.outChannels, h, w])
    }
}
