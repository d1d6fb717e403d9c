import CellModel
import Foundation
import ImageIO
import Analysis
import Tensor

/// `leuko eval`'s measurement: the real path (decode -> localise -> crop -> network) on a
/// dataset folder, scored against its labels.
///
/// Each labelled record gives its crops as training does (single-cell image: the candidate
/// nearest the centre; smear field: the candidate matching each WBC box, or the box itself
/// when none matches), so every labelled cell is scored once. Classification: confusion
/// matrix, accuracy, macro-F1, per-class precision/recall/F1/support, ECE over 15 bins of the
/// calibrated probability. Where every label is one of the five WBC types, predictions are
/// restricted to those five (`restricted_to_wbc_types`). Masks: the predicted crop labels are
/// mapped back to the original image (each image pixel inside the crop's square takes the
/// label of the crop pixel it falls in; outside: background) and compared there: cell,
/// nucleus and cytoplasm IoU and Dice, averaged over images. Review flags: how well
/// `low_confidence` and `low_consistency` mark the wrongly typed crops (`ReviewReport`).
/// Records whose class is not one of the 8 types are counted in `skipped`.
package struct DatasetEvaluator {
    package let predictor: CropPredictor
    /// Builds the crops; its localiser must normalise as the network was trained
    /// (`FieldLocalizer(for:)`).
    package var builder = TrainingSampleBuilder()
    /// Whose `lowConfidence` and `lowConsistency` thresholds the review flags use (`review`).
    package var reviewSettings = AnalyzerSettings()
    /// Also list every wrongly typed crop in the report (`misclassified`).
    package var listsMisclassified = false

    package init(predictor: CropPredictor) { self.predictor = predictor }

    package func evaluate(_ dataset: Dataset, records: [DatasetRecord]) throws -> EvaluationReport {
        let classes = CellClass.allCases
        let labelled = records.filter { $0.label.cellClass != nil }
        let wbcTypes: Set<CellClass> = [.neutrophil, .lymphocyte, .monocyte, .eosinophil, .basophil]
        let restrict = !labelled.isEmpty && labelled.allSatisfy { wbcTypes.contains($0.label.cellClass!) }
        let allowed = restrict ? Set(wbcTypes.map(\.index)) : nil
        var confusion = ConfusionMatrix(classes: classes.map(\.rawValue))
        var calibration = CalibrationError(binCount: 15)
        var overlaps: [MaskRegion: (iou: Double, dice: Double)] = [:]
        var maskImages = 0
        var failures: [String] = []
        var misclassified: [EvaluationReport.Misclassified] = []
        var review = ReviewReport(lowConfidence: reviewSettings.lowConfidence, lowConsistency: reviewSettings.lowConsistency)
        for record in labelled {
            do {
                let crops = try builder.crops(for: record)
                let (geometries, samples, mask) = (crops.geometries, crops.samples, crops.mask)
                let predictions = predictor.predict(samples.map(\.crop), allowedClasses: allowed)
                for (number, prediction) in predictions.enumerated() {
                    let truth = record.label.cellClass!.index
                    confusion.add(trueClass: truth, predicted: prediction.predictedClass)
                    calibration.add(confidence: Double(prediction.confidence), isCorrect: prediction.predictedClass == truth)
                    review.add(confidence: Double(prediction.confidence), margin: Double(prediction.margin),
                               consistency: prediction.consistency.map(Double.init), correct: prediction.predictedClass == truth,
                               nucleusEvidence: prediction.nucleusEvidence.map(Double.init),
                               viewAgreement: prediction.viewAgreement.map(Double.init))
                    if prediction.predictedClass != truth {
                        misclassified.append(.init(image: record.image, crop: number + 1, truth: classes[truth].rawValue,
                                                   predicted: classes[prediction.predictedClass].rawValue,
                                                   probability: Double(prediction.confidence)))
                    }
                }
                if let mask, let first = predictions.first, !first.segmentation.isEmpty {
                    let predicted = Self.labelsInImage(first.segmentation, geometry: geometries[0], width: mask.width, height: mask.height)
                    let truth = mask.segmentationClasses
                    for region in MaskRegion.allCases {
                        let o = MaskOverlap(predicted: predicted, truth: truth, isInRegion: region.contains)
                        let sum = overlaps[region] ?? (0, 0)
                        overlaps[region] = (sum.iou + o.iou, sum.dice + o.dice)
                    }
                    maskImages += 1
                }
            } catch {
                failures.append("\(record.image): \(error)")
            }
        }
        var report = EvaluationReport(dataset: dataset.name, images: labelled.count - failures.count,
                                      skipped: records.count - labelled.count, confusion: confusion,
                                      ece: calibration.value, restrictedToWBCTypes: restrict)
        if maskImages > 0 {
            let n = Double(maskImages)
            report.cellIoU = overlaps[.cell]!.iou / n
            report.cellDice = overlaps[.cell]!.dice / n
            report.nucleusIoU = overlaps[.nucleus]!.iou / n
            report.nucleusDice = overlaps[.nucleus]!.dice / n
            report.cytoplasmIoU = overlaps[.cytoplasm]!.iou / n
        }
        report.failures = failures
        if review.either.typed > 0 { report.review = review }
        if listsMisclassified { report.misclassified = misclassified }
        return report
    }

    /// Crop labels mapped back onto a `width x height` image (nearest crop pixel).
    package static func labelsInImage(_ labels: [UInt8], geometry: CropGeometry, width: Int, height: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        let s = geometry.size
        for y in 0..<height {
            for x in 0..<width {
                let (u, v) = geometry.toCrop(x: Double(x) + 0.5, y: Double(y) + 0.5)
                let (iu, iv) = (Int(u.rounded(.down)), Int(v.rounded(.down)))
                if iu >= 0, iv >= 0, iu < s, iv < s { out[y * width + x] = labels[iv * s + iu] }
            }
        }
        return out
    }
}
