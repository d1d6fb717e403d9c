import CellModel
import Foundation
import ImageIO
import Analysis
import Tensor

/// Measures localisation against a dataset's annotations (`leuko localize-eval`).
///
/// Box datasets: every image's candidates against its WBC boxes, matched one-to-one by
/// descending IoU with IoU >= 0.5. Single-cell datasets: the candidate nearest the image
/// centre is "chosen" (`SingleCellChoice`); with masks, located when its cell region has
/// IoU >= 0.5 with the mask's cell (value > 0), `prior_iou` is the mean IoU of prior > 0.5
/// against that cell, and the scale ratio is crop side / the cell's equivalent diameter
/// sqrt(4 area / π); without masks, located when the chosen cell box contains the centre.
package struct LocalizationEvaluator: Sendable {
    package var localizer = FieldLocalizer()

    package init() {}

    /// With `details`, box datasets also list each image's missed boxes and false positives,
    /// single-cell datasets each image whose cell was not located.
    package func evaluate(_ dataset: Dataset, split: DatasetSplit?, details: Bool = false) throws -> LocalizationReport {
        let records = split.map { dataset.records(in: $0) } ?? dataset.records
        guard !records.isEmpty else {
            throw AnalysisError(.badDataset, "\(dataset.directory): no images in split \(split?.rawValue ?? "all")")
        }
        var report = LocalizationReport(dataset: dataset.name, split: split?.rawValue ?? "all", images: records.count)
        if dataset.hasAnnotations {
            var matched = 0, missed = 0, fp = 0
            var errors: [LocalizationReport.ImageErrors] = []
            for r in records {
                let result = try localizer.run(path: r.imagePath)
                let found = result.candidates.map(\.box)
                let m = BoxMatcher.match(truth: r.wbcBoxes, found: found, minIoU: 0.5)
                matched += m.matched; missed += m.missed; fp += m.falsePositives
                if details && (m.missed > 0 || m.falsePositives > 0) {
                    let pairs = BoxMatcher.pairs(truth: r.wbcBoxes, found: found, minIoU: 0.5)
                    let misses = r.wbcBoxes.indices.filter { i in !pairs.contains { $0.truth == i } }.map { i in
                        LocalizationReport.ImageErrors.Miss(box: r.wbcBoxes[i],
                                                            bestIoU: found.map { r.wbcBoxes[i].iou($0) }.max() ?? 0)
                    }
                    let extra = found.indices.filter { j in !pairs.contains { $0.found == j } }.map { found[$0] }
                    errors.append(.init(image: r.image, missed: misses, falsePositives: extra))
                }
            }
            if details { report.errors = errors }
            report.matched = matched; report.missed = missed; report.falsePositives = fp
            report.recall = matched + missed > 0 ? Double(matched) / Double(matched + missed) : nil
            report.precision = matched + fp > 0 ? Double(matched) / Double(matched + fp) : nil
            return report
        }
        var located = 0
        var errors: [LocalizationReport.ImageErrors] = []
        var priorIoUs: [Double] = [], ratios: [Double] = []
        var chosenWithMask = 0
        var outlineIoUs: [MaskRegion: [Double]] = [:]
        for r in records {
            let result = try localizer.run(path: r.imagePath)
            let chosen = SingleCellChoice.choose(result)
            if let maskPath = r.maskPath {
                let mask = try LabelMask.read(maskPath)
                guard mask.width == result.width, mask.height == result.height else {
                    throw AnalysisError(.badDataset, "\(maskPath): mask is \(mask.width)x\(mask.height), image is \(result.width)x\(result.height)")
                }
                let cell = mask.cell
                let area = cell.count
                priorIoUs.append(BinaryMask(result.prior, above: 0.5).iou(cell))
                if let k = chosen {
                    chosenWithMask += 1
                    if let outlined = OutlineMask().labels(result, candidate: k) {
                        let truth = mask.segmentationClasses
                        for region in MaskRegion.allCases {
                            outlineIoUs[region, default: []].append(MaskOverlap(predicted: outlined, truth: truth, isInRegion: region.contains).iou)
                        }
                    }
                    let region = BinaryMask(width: result.width, height: result.height,
                                            bits: result.cellLabels.map { $0 == Int32(k + 1) })
                    let iou = region.iou(cell)
                    if iou >= 0.5 { located += 1 } else if details {
                        errors.append(.init(image: r.image, cellIoU: iou, candidates: result.candidates.count,
                                            missed: [], falsePositives: []))
                    }
                    if area > 0 {
                        let trueDiameter = (4 * Double(area) / Double.pi).squareRoot()
                        ratios.append(CropGeometry(candidate: result.candidates[k]).side / trueDiameter)
                    }
                } else if details {
                    errors.append(.init(image: r.image, cellIoU: 0, candidates: 0, missed: [], falsePositives: []))
                }
            } else if let k = chosen {
                let b = result.candidates[k].box
                let cx = Double(result.width) / 2, cy = Double(result.height) / 2
                if b.x0 <= cx, cx <= b.x1, b.y0 <= cy, cy <= b.y1 { located += 1 } else if details {
                    errors.append(.init(image: r.image, cellIoU: 0, candidates: result.candidates.count,
                                        missed: [], falsePositives: []))
                }
            } else if details {
                errors.append(.init(image: r.image, cellIoU: 0, candidates: 0, missed: [], falsePositives: []))
            }
        }
        if details { report.errors = errors }
        report.locatedRate = Double(located) / Double(records.count)
        report.locatedBy = dataset.hasMasks ? "mask_iou" : "centre"
        if !priorIoUs.isEmpty { report.priorIoU = priorIoUs.reduce(0, +) / Double(priorIoUs.count) }
        if chosenWithMask > 0 {
            let mean = { (values: [Double]?) in values.map { $0.reduce(0, +) / Double(max($0.count, 1)) } }
            report.outlineRate = Double(outlineIoUs[.cell]?.count ?? 0) / Double(chosenWithMask)
            report.outlineCellIoU = mean(outlineIoUs[.cell])
            report.outlineNucleusIoU = mean(outlineIoUs[.nucleus])
            report.outlineCytoplasmIoU = mean(outlineIoUs[.cytoplasm])
        }
        if !ratios.isEmpty {
            let mean = ratios.reduce(0, +) / Double(ratios.count)
            report.scaleRatioMean = mean
            report.scaleRatioStd = (ratios.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ratios.count)).squareRoot()
        }
        return report
    }
}

/// Which candidate of a single-cell image is "the" cell: the one whose centre is nearest the
/// image centre (single-cell sources centre their cell). Nil when there is no candidate.
package enum SingleCellChoice {
    package static func choose(_ result: FieldLocalizer.Result) -> Int? {
        let cx = Double(result.width) / 2, cy = Double(result.height) / 2
        return result.candidates.indices.min { a, b in
            let ca = result.candidates[a], cb = result.candidates[b]
            return hypot(ca.centerX - cx, ca.centerY - cy) < hypot(cb.centerX - cx, cb.centerY - cy)
        }
    }
}

/// One-to-one matching of found boxes to true boxes by descending IoU.
package enum BoxMatcher {
    package static func match(truth: [BoundingBox], found: [BoundingBox], minIoU: Double)
        -> (matched: Int, missed: Int, falsePositives: Int) {
        let matchedPairs = pairs(truth: truth, found: found, minIoU: minIoU)
        return (matchedPairs.count, truth.count - matchedPairs.count, found.count - matchedPairs.count)
    }

    /// The matched (truth index, found index) pairs.
    package static func pairs(truth: [BoundingBox], found: [BoundingBox], minIoU: Double) -> [(truth: Int, found: Int)] {
        var pairs: [(Double, Int, Int)] = []
        for (i, t) in truth.enumerated() {
            for (j, f) in found.enumerated() {
                let v = t.iou(f)
                if v >= minIoU { pairs.append((v, i, j)) }
            }
        }
        pairs.sort { $0.0 > $1.0 }
        var usedT = Set<Int>(), usedF = Set<Int>()
        var result: [(truth: Int, found: Int)] = []
        for (_, i, j) in pairs where !usedT.contains(i) && !usedF.contains(j) {
            usedT.insert(i); usedF.insert(j); result.append((i, j))
        }
        return result
    }
}
