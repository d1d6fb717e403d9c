import Tensor

/// A batch of crops with whatever labels their datasets have.
///
/// `input` `[N, 4, S, S]`. `classes[i]` is the cell-type index or `TrainingBatch.ignore`
/// when unknown; `segmentation` holds `N * S * S` labels (0 background, 1 cytoplasm,
/// 2 nucleus, or `ignore` for every pixel of a sample without a mask and the unlabelled pixels
/// of a partial one); `hasMask[i]` says whether sample i has a complete mask. `cellCoverage`
/// `[N, 1, S/4, S/4]` is the share of each gate cell covered by the cell (the gate's BCE
/// target; meaningful where `hasMask`), `allowedRegion` `[N, 1, S/4, S/4]` the region the
/// class activation may use (the dilated cell mask, or the saliency prior without a mask).
package struct TrainingBatch {
    package static let ignore = -100
    package let input: Tensor
    package let classes: [Int]
    package let segmentation: [Int]
    package let hasMask: [Bool]
    package let cellCoverage: Tensor
    package let allowedRegion: Tensor
    /// Dataset name of each sample (for per-dataset metrics).
    package let datasets: [String]

    package init(input: Tensor, classes: [Int], segmentation: [Int], hasMask: [Bool],
                 cellCoverage: Tensor, allowedRegion: Tensor, datasets: [String]) {
        let n = input.shape[0]
        precondition(classes.count == n && hasMask.count == n && datasets.count == n)
        precondition(segmentation.count == n * input.shape[2] * input.shape[3])
        self.input = input; self.classes = classes; self.segmentation = segmentation
        self.hasMask = hasMask; self.cellCoverage = cellCoverage; self.allowedRegion = allowedRegion
        self.datasets = datasets
    }

    package var count: Int { input.shape[0] }

    /// Whether any pixel of the batch has a segmentation label (complete or partial masks).
    package var hasSegmentationTargets: Bool { segmentation.contains { $0 != Self.ignore } }
}
