import CellModel
import ImageIO

/// Turns dataset records into training samples through the same localisation the pipeline
/// uses, so training crops are cut exactly like crops at inference.
///
/// Single-cell datasets (no annotation column): the candidate nearest the image centre
/// (`SingleCellChoice`). Box datasets (BCCD): for each WBC box, the candidate matching it
/// one-to-one at IoU >= 0.5 (`BoxMatcher` order); boxes no candidate matches yield no
/// sample (counted in `Outcome.unmatched`). The class is the record's single type (nil for
/// BCCD's `mixed` and `unlabeled`). Masks (0/128/255) become labels 0/1/2, cropped by
/// nearest neighbour with the same geometry.
package struct TrainingDataLoader: Sendable {
    package var localizer = FieldLocalizer()

    package init() {}

    package struct Outcome: Sendable {
        package var samples: [TrainingSample]
        /// Cells the localisation did not find (no candidate, or a WBC box with no match).
        package var unmatched: Int
    }

    package func load(_ record: DatasetRecord) throws -> Outcome {
        let result = try localizer.run(path: record.imagePath)
        var chosen: [Int] = []
        var unmatched = 0
        if record.annotationPath != nil {
            for box in record.wbcBoxes {
                let best = result.candidates.indices
                    .filter { !chosen.contains($0) && result.candidates[$0].box.iou(box) >= 0.5 }
                    .max { result.candidates[$0].box.iou(box) < result.candidates[$1].box.iou(box) }
                if let best { chosen.append(best) } else { unmatched += 1 }
            }
        } else if let k = SingleCellChoice.choose(result) {
            chosen = [k]
        } else {
            unmatched = 1
        }
        var labels: LabelMask?
        if let m = record.maskPath {
            let mask = try LabelMask.read(m)
            guard mask.width == result.width, mask.height == result.height else {
                throw AnalysisError(.badDataset, "\(m): mask is \(mask.width)x\(mask.height), image is \(result.width)x\(result.height)")
            }
            labels = mask
        }
        let samples = chosen.map { k -> TrainingSample in
            let geometry = CropGeometry(candidate: result.candidates[k])
            let crop = CropSampler.crop(result, geometry: geometry)
            let maskCrop = labels.map { l in
                CropSampler.sampleLabels(l.values, width: l.width, height: l.height, geometry: geometry)
                    .map { v -> UInt8 in v >= 192 ? 2 : (v >= 64 ? 1 : 0) }
            }
            return TrainingSample(crop: crop, cellClass: record.label.cellClass, mask: maskCrop, record: record)
        }
        return Outcome(samples: samples, unmatched: unmatched)
    }
}
