import CellModel
import Tensor
import Analysis
import ImageIO

extension Augmenter {
    /// Augments a training sample in place (its `[4, S, S]` crop and `S x S` mask), so the
    /// trainer can use this augmentation (small rotations, scale jitter, per-stain HED
    /// jitter, blur) as a drop-in `Trainer.Augment`.
    package func apply(_ sample: inout TrainingSample, rng: inout RandomSource) {
        let s = Double(sample.size)
        let crop = CellCrop(geometry: CropGeometry(centerX: s / 2, centerY: s / 2, side: s, size: sample.size),
                            data: sample.crop)
        let (out, mask) = apply(crop, mask: sample.mask, rng: &rng)
        sample.crop = out.data
        sample.mask = mask
    }
}
