import Analysis
import CellModel

/// A whole-cell training mask (nucleus, cytoplasm, background) drawn from the localiser's
/// traced outline of a cell that stands alone on glass, for sources without masks.
///
/// Only the single-cell set has drawn masks, so without this the segmentation head learns
/// cytoplasm from one lab's look alone and, on another lab's pale or granular cytoplasm,
/// paints the whole cell as nucleus or empties it. Where `CellOutliner` traced candidate
/// k's outline (`FieldLocalizer.Result.outlinedCandidates`), the image-sized labels are:
///
///     2 (nucleus)    inside the outline, nucleus stain at or above the detection threshold
///     1 (cytoplasm)  inside the outline, below it
///     0 (background) farther than `band` x the cell's diameter outside the outline
///     unlabelled     the band just outside the outline (`TrainingSample.unlabelledPixel`),
///                    where a traced edge may be a pixel or two off
///
/// A candidate without a traced outline (touching red cells or other cells, cut by the
/// border) gets nil: the caller falls back to a nucleus-only partial mask or none.
package struct OutlineMask: Sendable {
    /// Width of the unlabelled band outside the outline, as a fraction of the cell diameter.
    package var band = 0.06

    package init() {}

    /// The labels for candidate `k` of `result`, or nil when its region is not a traced outline.
    package func labels(_ result: FieldLocalizer.Result, candidate k: Int) -> [UInt8]? {
        guard result.outlinedCandidates.contains(k), result.candidates.indices.contains(k) else { return nil }
        let w = result.width, h = result.height, label = Int32(k + 1)
        let region = BinaryMask(width: w, height: h, bits: result.cellLabels.map { $0 == label })
        let reach = max(2.0, band * result.candidates[k].diameter)
        let near = region.dilated(by: reach)
        let concentration = result.nucleusConcentration.values
        return (0..<(w * h)).map { i in
            if region.bits[i] { return concentration[i] >= result.threshold ? 2 : 1 }
            return near.bits[i] ? TrainingSample.unlabelledPixel : 0
        }
    }
}
