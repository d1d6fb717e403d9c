/// Metrics of a network on labelled crops, per dataset, in crop pixels (training progress).
///
/// The full evaluation in original-image pixels is `leuko eval`'s; this one is cheap enough
/// to run every epoch.
package struct CropValidation: Codable, Sendable {
    package struct DatasetScore: Codable, Sendable {
        package var crops = 0
        package var accuracy = 0.0
        package var macroF1 = 0.0
        package var cellIoU: Double?
        package var nucleusIoU: Double?
        /// Crops whose true mask is all background (negatives): the share the network also
        /// sees as (almost) empty, under `emptyForegroundShare` of the crop's pixels.
        package var emptyRate: Double?
        /// Crops of a typed cell without a complete mask (a box-labelled field's WBC): the
        /// share the network sees as empty, which the analyzer would drop as `not_a_wbc`.
        package var lostCellRate: Double?
    }

    /// A predicted mask with less cell than this share of the crop counts as empty (about the
    /// analyzer's `not_a_wbc` rule: 15 % of the localisation's disc).
    package static let emptyForegroundShare = 0.04

    package var datasets: [String: DatasetScore] = [:]
    /// Mean of the per-dataset accuracies (each dataset with labelled crops counts once,
    /// whatever its size).
    package var meanAccuracy = 0.0

    package static func measure(_ predictor: CropPredictor, samples: [TrainingSample], classNames: [String]) -> CropValidation {
        var result = CropValidation()
        let predictions = predictor.predict(samples.map(\.crop))
        var labelledDatasets: [String] = []
        for name in Set(samples.map(\.dataset)).sorted() {
            var confusion = ConfusionMatrix(classes: classNames)
            var cell = 0.0, nucleus = 0.0, masks = 0, negatives = 0, empty = 0, unmasked = 0, lost = 0
            var score = DatasetScore()
            for (sample, prediction) in zip(samples, predictions) where sample.dataset == name {
                score.crops += 1
                if let k = sample.classIndex, prediction.predictedClass >= 0 {
                    confusion.add(trueClass: k, predicted: prediction.predictedClass)
                }
                let looksEmpty = Double(prediction.segmentation.filter { $0 > 0 }.count)
                    < Self.emptyForegroundShare * Double(prediction.segmentation.count)
                if sample.classIndex != nil, !sample.hasCompleteMask, !prediction.segmentation.isEmpty {
                    unmasked += 1
                    if looksEmpty { lost += 1 }
                }
                if let mask = sample.mask, !prediction.segmentation.isEmpty, !mask.contains(where: { $0 > 0 }) {
                    negatives += 1
                    if looksEmpty { empty += 1 }
                } else if let mask = sample.mask, sample.hasCompleteMask, !prediction.segmentation.isEmpty {
                    cell += MaskOverlap(predicted: prediction.segmentation, truth: mask, isInRegion: MaskRegion.cell.contains).iou
                    nucleus += MaskOverlap(predicted: prediction.segmentation, truth: mask, isInRegion: MaskRegion.nucleus.contains).iou
                    masks += 1
                }
            }
            score.accuracy = confusion.accuracy
            score.macroF1 = confusion.macroF1
            if masks > 0 { score.cellIoU = cell / Double(masks); score.nucleusIoU = nucleus / Double(masks) }
            if negatives > 0 { score.emptyRate = Double(empty) / Double(negatives) }
            if unmasked > 0 { score.lostCellRate = Double(lost) / Double(unmasked) }
            result.datasets[name] = score
            if confusion.total > 0 { labelledDatasets.append(name) }
        }
        let accuracies = labelledDatasets.compactMap { result.datasets[$0]?.accuracy }
        result.meanAccuracy = accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Double(accuracies.count)
        return result
    }
}
