import NN
import Tensor

/// The SG-CLDFF network (DESIGN §2): one crop of a candidate cell in, a nucleus/cytoplasm
/// segmentation and cell-type logits out.
///
/// Input `[N, 4, 128, 128]` (stain-normalised RGB + saliency prior). Stem (3x3 s2) -> stage 1
/// (MBConv s2, C1 at 1/4) -> saliency gate -> stage 2 (2 MBConv, C2 at 1/8) -> stage 3 (patch
/// merge + 2 Swin blocks, shifted second, C3 at 1/16) -> stage 4 (patch merge + 2 Swin blocks,
/// C4 at 1/32) -> cross-layer fusion F at 1/4 -> segmentation head (with the stem skip, full
/// resolution) and classification head (pools of F and C4). `forward` keeps what `backward`
/// needs; `backward` takes the losses' gradients for whichever outputs were used. With
/// `instanceNorm` the stem's and stage 1's outputs are instance-normalised (`stem_in`,
/// `stage1_in`: group norms with one channel per group). With `mixStyle` the stem's and stage
/// 1's outputs go through `MixStyle` in training (`stem_mix`, `stage1_mix`, no parameters).
package final class SGCLDFFNetwork: Module {
    package var isTraining = true
    package let configuration: NetworkConfiguration
    package let stem: ConvNormActivation
    /// Instance norm of the stem's output (`instanceNorm` configurations only).
    package let stemInstanceNorm: GroupNorm?
    package let stage1: MBConv
    /// Instance norm of stage 1's output, before the gate (`instanceNorm` configurations only).
    package let stage1InstanceNorm: GroupNorm?
    /// Style mixing of the stem's and stage 1's outputs in training (`mixStyle` configurations only).
    package let stemMixStyle: MixStyle?
    package let stage1MixStyle: MixStyle?
    package let gate: SaliencyGate?
    package let stage2: Sequential
    package let stage3: Sequential
    package let stage4: Sequential
    package let fusion: CrossLayerFusion
    package let segmentationHead: SegmentationHead?
    package let classificationHead: ClassificationHead?

    package init(_ configuration: NetworkConfiguration = NetworkConfiguration(), seed: UInt64) {
        self.configuration = configuration
        var rng = RandomSource(seed: seed)
        let c = configuration
        let (w1, w2, w3, w4) = (c.stageWidths[0], c.stageWidths[1], c.stageWidths[2], c.stageWidths[3])
        precondition(w3 == 2 * w2 && w4 == 2 * w3, "patch merging doubles the width: C3 = 2 C2, C4 = 2 C3")
        stem = ConvNormActivation(c.inputChannels, c.stemWidth, kernel: 3, stride: 2, rng: &rng)
        stage1 = MBConv(c.stemWidth, w1, expandRatio: 4, stride: 2, rng: &rng)
        stemInstanceNorm = c.usesInstanceNorm ? GroupNorm(groups: c.stemWidth, channels: c.stemWidth) : nil
        stage1InstanceNorm = c.usesInstanceNorm ? GroupNorm(groups: w1, channels: w1) : nil
        // Seeded from `seed` without drawing on `rng`, so the initial weights do not depend on it.
        let mixing = c.mixStyleProbability
        stemMixStyle = mixing > 0 ? MixStyle(probability: mixing, seed: seed ^ 0x6D69_7873_7374_656D) : nil
        stage1MixStyle = mixing > 0 ? MixStyle(probability: mixing, seed: seed ^ 0x6D69_7873_7374_3031) : nil
        gate = c.useGate ? SaliencyGate(channels: w1, rng: &rng) : nil
        stage2 = Sequential([MBConv(w1, w2, expandRatio: 4, stride: 2, rng: &rng),
                             MBConv(w2, w2, expandRatio: 4, stride: 1, rng: &rng)])
        stage3 = Sequential([PatchMerging(channels: w2, rng: &rng),
                             SwinBlock(channels: w3, heads: c.attentionHeads, window: c.window, shift: 0, rng: &rng),
                             SwinBlock(channels: w3, heads: c.attentionHeads, window: c.window, shift: c.window / 2, rng: &rng)])
        stage4 = Sequential([PatchMerging(channels: w3, rng: &rng),
                             SwinBlock(channels: w4, heads: c.attentionHeads, window: c.window, shift: 0, rng: &rng),
                             SwinBlock(channels: w4, heads: c.attentionHeads, window: c.window, shift: c.window / 2, rng: &rng)])
        fusion = CrossLayerFusion(levelChannels: c.stageWidths, levels: c.useFusion ? [0, 1, 2, 3] : [3],
                                  levelWidth: c.fusionLevelWidth, width: c.fusedWidth,
                                  cardinality: c.cardinality, rng: &rng)
        segmentationHead = c.segment
            ? SegmentationHead(fusedChannels: c.fusedWidth, stemChannels: c.stemWidth, width: c.segmentationWidth,
                               classes: NetworkConfiguration.segmentationClasses, rng: &rng)
            : nil
        classificationHead = c.classify
            ? ClassificationHead(fusedChannels: c.fusedWidth, deepChannels: w4, classes: c.classCount,
                                 dropout: c.dropout, seed: rng.next(), rng: &rng)
            : nil
    }

    package var children: [(String, any Module)] {
        var list: [(String, any Module)] = [("stem", stem)]
        if let stemInstanceNorm { list.append(("stem_in", stemInstanceNorm)) }
        if let stemMixStyle { list.append(("stem_mix", stemMixStyle)) }
        list.append(("stage1", stage1))
        if let stage1InstanceNorm { list.append(("stage1_in", stage1InstanceNorm)) }
        if let stage1MixStyle { list.append(("stage1_mix", stage1MixStyle)) }
        if let gate { list.append(("gate", gate)) }
        list += [("stage2", stage2), ("stage3", stage3), ("stage4", stage4), ("fusion", fusion)]
        if let segmentationHead { list.append(("seg_head", segmentationHead)) }
        if let classificationHead { list.append(("cls_head", classificationHead)) }
        return list
    }

    /// What one forward pass produces.
    package struct Outputs {
        /// `[N, 3, S, S]` background/cytoplasm/nucleus logits (nil without the segmentation task).
        package let segmentationLogits: Tensor?
        /// `[N, classes]` (nil without the classification task).
        package let classLogits: Tensor?
        /// `[N, 1, S/4, S/4]` logits of the learned saliency gate (nil without the gate).
        package let gateLogits: Tensor?
        /// The fused features `F` `[N, fused, S/4, S/4]` (for Grad-CAM and the alignment loss).
        package let fused: Tensor
    }

    package func forward(_ input: Tensor) -> Outputs {
        let c = configuration
        precondition(input.shape == [input.shape[0], c.inputChannels, c.cropSize, c.cropSize],
                     "SG-CLDFF expects [N, \(c.inputChannels), \(c.cropSize), \(c.cropSize)], got \(input.shape)")
        let profile = OpProfile.shared
        var s = stem.profiledForward("stem", input)
        if let stemInstanceNorm { s = stemInstanceNorm.profiledForward("stem_in", s) }
        if let stemMixStyle { s = stemMixStyle.profiledForward("stem_mix", s) }
        var raw1 = stage1.profiledForward("stage1", s)
        if let stage1InstanceNorm { raw1 = stage1InstanceNorm.profiledForward("stage1_in", raw1) }
        if let stage1MixStyle { raw1 = stage1MixStyle.profiledForward("stage1_mix", raw1) }
        let c1 = gate.map { gate in profile.measure("gate", .forward, flops: gate.flops(inputShape: raw1.shape)) { gate.forward(raw1) } } ?? raw1
        // Stages are `Sequential`s: their FLOPs are their blocks' (a Sequential's own count runs a pass).
        let c2 = profile.measure("stage2", .forward) { stage2.forward(c1) }
        let c3 = profile.measure("stage3", .forward) { stage3.forward(c2) }
        let c4 = profile.measure("stage4", .forward) { stage4.forward(c3) }
        let fused = profile.measure("fusion", .forward, flops: fusion.flops(levelShapes: [c1.shape, c2.shape, c3.shape, c4.shape])) {
            fusion.forward([c1, c2, c3, c4])
        }
        let segmentation = segmentationHead.map { head in
            profile.measure("seg_head", .forward, flops: head.flops(fusedShape: fused.shape, stemShape: s.shape)) {
                head.forward(fused: fused, stem: s)
            }
        }
        let classes = classificationHead.map { head in
            profile.measure("cls_head", .forward, flops: head.flops(batch: fused.shape[0])) { head.forward(fused: fused, deep: c4) }
        }
        return Outputs(segmentationLogits: segmentation,
                       classLogits: classes,
                       gateLogits: gate?.logits,
                       fused: fused)
    }

    /// Backward through the last `forward`. Each gradient is for the matching output; pass nil
    /// for an output no loss used. Parameter gradients are added into `Parameter.grad`.
    package func backward(dSegmentation: Tensor?, dClass: Tensor?, dGateLogits: Tensor?, dFused: Tensor? = nil) {
        var dF = dFused?.copy()
        var dStem: Tensor?
        var dC4: Tensor?
        if let dSegmentation, let segmentationHead {
            let (f, s) = OpProfile.shared.measure("seg_head", .backward) { segmentationHead.backward(dSegmentation) }
            dF = accumulate(dF, f)
            dStem = s
        }
        if let dClass, let classificationHead {
            let (f, deep) = OpProfile.shared.measure("cls_head", .backward) { classificationHead.backward(dClass) }
            dF = accumulate(dF, f)
            dC4 = deep
        }
        var dLevel: [Int: Tensor] = [:]
        if let dF { dLevel = OpProfile.shared.measure("fusion", .backward) { fusion.backward(dF) } }
        dC4 = accumulate(dC4, dLevel[3])
        var dC3 = dLevel[2], dC2 = dLevel[1], dC1 = dLevel[0]
        if let d = dC4 { dC3 = accumulate(dC3, stage4.profiledBackward("stage4", d)) }
        if let d = dC3 { dC2 = accumulate(dC2, stage3.profiledBackward("stage3", d)) }
        if let d = dC2 { dC1 = accumulate(dC1, stage2.profiledBackward("stage2", d)) }
        var dRaw1 = dC1
        if let gate {
            if dRaw1 == nil, dGateLogits != nil { dRaw1 = Tensor(zeros: gate.logits!.shape.replacing(channels: configuration.stageWidths[0])) }
            if let d = dRaw1 { dRaw1 = OpProfile.shared.measure("gate", .backward) { gate.backward(d, dLogits: dGateLogits) } }
        }
        if let d = dRaw1 {
            let mixed = stage1MixStyle?.profiledBackward("stage1_mix", d) ?? d
            let normed = stage1InstanceNorm?.profiledBackward("stage1_in", mixed) ?? mixed
            dStem = accumulate(dStem, stage1.profiledBackward("stage1", normed))
        }
        if let d = dStem {
            let mixed = stemMixStyle?.profiledBackward("stem_mix", d) ?? d
            _ = stem.profiledBackward("stem", stemInstanceNorm?.profiledBackward("stem_in", mixed) ?? mixed)
        }
    }

    private func accumulate(_ total: Tensor?, _ part: Tensor?) -> Tensor? {
        guard let part else { return total }
        guard let total else { return part }
        total.add(part)
        return total
    }

    /// Multiply-adds x 2 of one forward pass on a batch of `batch` crops.
    package func flops(batch: Int = 1) -> Int {
        let c = configuration
        let side = c.cropSize
        var shape = [batch, c.inputChannels, side, side]
        var total = stem.flops(inputShape: shape)
        let stemShape = [batch, c.stemWidth, side / 2, side / 2]
        shape = stemShape
        total += stage1.flops(inputShape: shape)
        var levels = [[batch, c.stageWidths[0], side / 4, side / 4]]
        if let gate { total += gate.flops(inputShape: levels[0]) }
        total += stage2.flops(inputShape: levels[0])
        levels.append([batch, c.stageWidths[1], side / 8, side / 8])
        total += stage3.flops(inputShape: levels[1])
        levels.append([batch, c.stageWidths[2], side / 16, side / 16])
        total += stage4.flops(inputShape: levels[2])
        levels.append([batch, c.stageWidths[3], side / 32, side / 32])
        total += fusion.flops(levelShapes: levels)
        let fusedShape = [batch, c.fusedWidth, side / 4, side / 4]
        if let segmentationHead { total += segmentationHead.flops(fusedShape: fusedShape, stemShape: stemShape) }
        if let classificationHead { total += classificationHead.flops(batch: batch) }
        return total
    }
}

private extension Array where Element == Int {
    func replacing(channels: Int) -> [Int] { [self[0], channels, self[2], self[3]] }
}
