import Tensor

/// Stacks training samples into a `TrainingBatch` for a network configuration.
///
/// Copies the crops into `[N, C, S, S]` (dropping the prior channel when the network takes 3
/// channels), expands masks into per-pixel targets (`ignore` for samples without one), and
/// derives the quarter-resolution maps the gate and alignment losses use: the cell coverage
/// (share of each 4x4 block inside the cell) and the allowed region (the coverage dilated by
/// one block, or, without a mask, the saliency prior's 4x4 block mean). A partial mask's
/// unlabelled pixels are `ignore`; the sample has no coverage and uses the prior's region, as
/// one without a mask (its `hasMask` is false: the gate is trained on complete masks only).
package struct BatchAssembler: Sendable {
    package let configuration: NetworkConfiguration

    package init(configuration: NetworkConfiguration) { self.configuration = configuration }

    package func batch(_ samples: [TrainingSample]) -> TrainingBatch {
        let n = samples.count, s = configuration.cropSize, q = s / 4, channels = configuration.inputChannels
        let plane = s * s
        let input = Tensor(zeros: [n, channels, s, s])
        var segmentation = [Int](repeating: TrainingBatch.ignore, count: n * plane)
        let coverage = Tensor(zeros: [n, 1, q, q]), region = Tensor(zeros: [n, 1, q, q])
        for (i, sample) in samples.enumerated() {
            precondition(sample.size == s, "sample \(sample.image) is \(sample.size) px, network takes \(s)")
            sample.crop.withUnsafeBufferPointer { crop in
                (input.data + i * channels * plane).update(from: crop.baseAddress!, count: channels * plane)
            }
            let cover = coverage.data + i * q * q, allowed = region.data + i * q * q
            if let mask = sample.mask, !sample.hasCompleteMask {
                for p in 0..<plane where mask[p] != TrainingSample.unlabelledPixel { segmentation[i * plane + p] = Int(mask[p]) }
            }
            if let mask = sample.mask, sample.hasCompleteMask {
                for p in 0..<plane {
                    segmentation[i * plane + p] = Int(mask[p])
                    if mask[p] > 0 { cover[(p / s / 4) * q + (p % s) / 4] += 1.0 / 16 }
                }
                for by in 0..<q {
                    for bx in 0..<q {
                        var inside: Float = 0
                        for dy in -1...1 {
                            for dx in -1...1 {
                                let (y, x) = (by + dy, bx + dx)
                                if y >= 0, y < q, x >= 0, x < q { inside = max(inside, cover[y * q + x]) }
                            }
                        }
                        allowed[by * q + bx] = inside > 0 ? 1 : 0
                    }
                }
            } else {
                for p in 0..<plane { allowed[(p / s / 4) * q + (p % s) / 4] += sample.crop[3 * plane + p] / 16 }
            }
        }
        return TrainingBatch(input: input, classes: samples.map { $0.classIndex ?? TrainingBatch.ignore },
                             segmentation: segmentation, hasMask: samples.map(\.hasCompleteMask),
                             cellCoverage: coverage, allowedRegion: region, datasets: samples.map(\.dataset))
    }
}
