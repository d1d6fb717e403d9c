import CellModel
import Dispatch
import Foundation
import ImageIO
import Analysis
import Tensor

/// Turns dataset records into training samples through the product's own localisation, so
/// the network trains on the crops it will see at inference.
///
/// Single-cell images (no boxes): the candidate nearest the image centre. Smear fields with
/// WBC boxes (BCCD): for each box, the candidate whose centre lies in the box and is nearest
/// its centre; a box no candidate matches is cropped from the box itself (centre, diameter =
/// the box's larger side) so the network still learns that cell, and counted. Masks (0 / 128 /
/// 255) are cropped by nearest neighbour into labels 0 background, 1 cytoplasm, 2 nucleus;
/// on request, cells without a mask get one from the localiser's traced outline
/// (`outlineMasks`) or a partial one (`nucleusMasksForBoxes`, `nucleusMasksForSingleCells`).
/// Records whose class is not one of the 8 types (BCCD `mixed`, `unlabeled`) give no class
/// label but still train segmentation-free parts only when they have masks; here they are
/// skipped, as they have neither.
package struct TrainingSampleBuilder: Sendable {
    package var localizer = FieldLocalizer()
    /// Negative crops (no cell: all-background mask, no class) per smear field with WBC
    /// boxes; 0 for none (`negatives(for:)`).
    package var negativesPerImage = 0
    /// The smallest side (pixels) of a WBC-free strip localised for negatives.
    package var minimumNegativeWindow = 96
    /// Give the cells of box-labelled fields (no masks) a partial mask: the nucleus the
    /// localisation found labelled nucleus, every other pixel unlabelled
    /// (`TrainingSample.unlabelledPixel`). With negatives from the same fields, the
    /// segmentation head then sees that source's cells as well as its empty crops, and
    /// cannot learn "this stain means no cell".
    package var nucleusMasksForBoxes = false
    /// The same partial mask for single-cell images without a mask (PBC): the nucleus of the
    /// candidate nearest the centre.
    package var nucleusMasksForSingleCells = false
    /// Cells without a mask whose outline the localiser traced (a cell alone on glass) get a
    /// whole-cell mask from it (`OutlineMask`) instead of the partial nucleus one.
    package var outlineMasks = false

    package init() {}

    /// What building a dataset's samples found.
    package struct Summary: Sendable, Codable {
        package var records = 0
        package var samples = 0
        package var skippedUnlabelled = 0
        package var boxesWithoutCandidate = 0
        package var imagesWithoutCandidate = 0
        package var negatives = 0
        package var failures: [String] = []
    }

    /// Samples for `records` (decoded and localised in parallel over `threads`), in record order.
    package func samples(for records: [DatasetRecord], threads: Int) -> ([TrainingSample], Summary) {
        let results = parallelResults(count: records.count, threads: threads) { try samples(for: records[$0]) }
        var all: [TrainingSample] = []
        var summary = Summary()
        summary.records = records.count
        for (record, result) in zip(records, results) {
            switch result {
            case .success(let (samples, unmatched, noCandidate)):
                all += samples
                summary.negatives += samples.filter { $0.classIndex == nil && $0.dataset != record.dataset }.count
                summary.boxesWithoutCandidate += unmatched
                if noCandidate { summary.imagesWithoutCandidate += 1 }
                if record.label.cellClass == nil { summary.skippedUnlabelled += 1 }
            case .failure(let error):
                summary.failures.append("\(record.imagePath): \(error)")
            }
        }
        summary.samples = all.count
        return (all, summary)
    }

    /// The samples of one record (its labelled cells, then its negatives when
    /// `negativesPerImage` > 0), the number of its boxes no candidate matched, and whether
    /// the image had no candidate at all.
    package func samples(for record: DatasetRecord) throws -> ([TrainingSample], Int, Bool) {
        let negatives = try negatives(for: record)
        guard record.label.cellClass != nil else { return (negatives, 0, false) }
        let crops = try crops(for: record)
        return (crops.samples + negatives, crops.unmatchedBoxes, crops.noCandidate)
    }

    /// A labelled record's crops with their geometry (for mapping back to the image) and mask.
    package struct Crops {
        package let geometries: [CropGeometry]
        package let samples: [TrainingSample]
        package let mask: LabelMask?
        package let unmatchedBoxes: Int
        package let noCandidate: Bool
    }

    package func crops(for record: DatasetRecord) throws -> Crops {
        guard let cellClass = record.label.cellClass else {
            throw AnalysisError(.badDataset, "\(record.image) has no cell-type label")
        }
        let image = try RGBRaster(image: ImageReader.read(record.imagePath))
        let result = try localizer.run(image)
        let mask = try record.maskPath.map { try LabelMask.read($0) }
        var geometries: [CropGeometry] = []
        var matched: [Int?] = []      // per geometry: the candidate it was cropped around
        var unmatched = 0
        let boxes = record.wbcBoxes
        if boxes.isEmpty {
            let (cx, cy) = (Double(image.width) / 2, Double(image.height) / 2)
            if let nearest = result.candidates.min(by: { squaredDistance($0, cx, cy) < squaredDistance($1, cx, cy) }) {
                geometries.append(CropGeometry(candidate: nearest))
                matched.append(result.candidates.firstIndex(of: nearest))
            } else if let mask {
                geometries.append(Self.geometry(ofMask: mask) ?? CropGeometry(centerX: cx, centerY: cy, side: Double(min(image.width, image.height))))
                matched.append(nil)
            } else {
                geometries.append(CropGeometry(centerX: cx, centerY: cy, side: Double(min(image.width, image.height))))
                matched.append(nil)
            }
        } else {
            for box in boxes {
                let (cx, cy) = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
                let inside = result.candidates.filter { $0.centerX >= box.x0 && $0.centerX <= box.x1 && $0.centerY >= box.y0 && $0.centerY <= box.y1 }
                if let best = inside.indices.min(by: { squaredDistance(inside[$0], cx, cy) < squaredDistance(inside[$1], cx, cy) }) {
                    geometries.append(CropGeometry(candidate: inside[best]))
                    matched.append(result.candidates.firstIndex(of: inside[best]))
                } else {
                    unmatched += 1
                    matched.append(nil)
                    let diameter = max(box.x1 - box.x0, box.y1 - box.y0)
                    geometries.append(CropGeometry(centerX: cx, centerY: cy, side: diameter * CropGeometry.sideOverDiameter))
                }
            }
        }
        let samples = geometries.indices.map { g -> TrainingSample in
            let geometry = geometries[g]
            let crop = CropSampler.crop(result, geometry: geometry)
            var labels = mask.map { m in
                CropSampler.sampleLabels(m.values, width: m.width, height: m.height, geometry: geometry)
                    .map(LabelMask.segmentationClass)
            }
            let partial = boxes.isEmpty ? nucleusMasksForSingleCells : nucleusMasksForBoxes
            if labels == nil, outlineMasks, let k = matched[g], let outlined = OutlineMask().labels(result, candidate: k) {
                labels = CropSampler.sampleLabels(outlined, width: result.width, height: result.height,
                                                  geometry: geometry, fill: TrainingSample.unlabelledPixel)
            }
            if labels == nil, partial, let k = matched[g] {
                labels = CropSampler.sampleLabels(Self.nucleusLabels(result, candidate: k), width: result.width,
                                                  height: result.height, geometry: geometry,
                                                  fill: TrainingSample.unlabelledPixel)
            }
            return TrainingSample(crop: crop.data, size: geometry.size, classIndex: cellClass.index, mask: labels,
                                  dataset: record.dataset, image: record.image)
        }
        return Crops(geometries: geometries, samples: samples, mask: mask, unmatchedBoxes: unmatched,
                     noCandidate: result.candidates.isEmpty)
    }

    /// Image-sized labels for candidate `k`: 2 (nucleus) where its cell region holds nucleus
    /// stain above the detection threshold, `TrainingSample.unlabelledPixel` elsewhere.
    static func nucleusLabels(_ result: FieldLocalizer.Result, candidate k: Int) -> [UInt8] {
        let concentration = result.nucleusConcentration.values, label = Int32(k + 1)
        return result.cellLabels.indices.map { i in
            result.cellLabels[i] == label && concentration[i] >= result.threshold ? 2 : TrainingSample.unlabelledPixel
        }
    }

    /// A crop around a mask's cell (for a single-cell image where localisation found nothing).
    static func geometry(ofMask mask: LabelMask) -> CropGeometry? {
        var (x0, y0, x1, y1) = (Int.max, Int.max, -1, -1)
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask.values[y * mask.width + x] > 0 {
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
            }
        }
        guard x1 >= 0 else { return nil }
        let diameter = Double(max(x1 - x0 + 1, y1 - y0 + 1))
        return CropGeometry(centerX: Double(x0 + x1 + 1) / 2, centerY: Double(y0 + y1 + 1) / 2,
                            side: diameter * CropGeometry.sideOverDiameter)
    }
}

/// The squared distance from candidate `c`'s centre to (x, y).
func squaredDistance(_ c: CellCandidate, _ x: Double, _ y: Double) -> Double {
    (c.centerX - x) * (c.centerX - x) + (c.centerY - y) * (c.centerY - y)
}
