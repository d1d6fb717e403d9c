import TestSupport
import Foundation
import Testing
@testable import Analysis
import CellModel
import ImageIO
@testable import ModelLab

/// Training samples and evaluation through the real localisation, on a dataset folder the
/// test writes itself (index.csv, PNG images of drawn cells, 0/128/255 masks).
@Suite struct TrainingDataTests {
    static let stains = StainMatrix(nucleus: SIMD3(0.45, 0.88, 0.15), counter: SIMD3(0.70, 0.66, 0.25),
                                    maxConcentration: SIMD2(1, 1))

    /// Writes `count` 120x120 single-cell images with masks; returns the folder.
    static func writeDataset(count: Int, classes: [String]) throws -> ScratchFolder {
        let folder = try ScratchFolder(prefix: "analysis")
        var rows = ["image,mask,class"]
        for i in 0..<count {
            var smear = SyntheticSmear(width: 120, height: 120)
            let (cx, cy) = (58.0 + Double(i), 61.0)
            smear.disc(x: cx, y: cy, r: 26, counter: 0.12)            // cytoplasm
            smear.disc(x: cx, y: cy, r: 14, nucleus: 0.9)            // nucleus
            let raster = smear.render(stains: stains)
            var rgb = [UInt8](repeating: 0, count: 120 * 120 * 3)
            var mask = [UInt8](repeating: 0, count: 120 * 120)
            for p in 0..<(120 * 120) {
                rgb[3 * p] = UInt8(min(255, max(0, raster.r[p] * 255)))
                rgb[3 * p + 1] = UInt8(min(255, max(0, raster.g[p] * 255)))
                rgb[3 * p + 2] = UInt8(min(255, max(0, raster.b[p] * 255)))
                let (dx, dy) = (Double(p % 120) + 0.5 - cx, Double(p / 120) + 0.5 - cy)
                let r2 = dx * dx + dy * dy
                mask[p] = r2 <= 14 * 14 ? 255 : (r2 <= 26 * 26 ? 128 : 0)
            }
            try ImageWriter.writePNG(Image(width: 120, height: 120, channels: 3, samples: rgb), to: folder.path + "/\(i).png")
            try ImageWriter.writePNG(Image(width: 120, height: 120, channels: 1, samples: mask), to: folder.path + "/\(i)-mask.png")
            rows.append("\(i).png,\(i)-mask.png,\(classes[i % classes.count])")
        }
        try folder.write("index.csv", rows.joined(separator: "\n") + "\n")
        return folder
    }

    @Test func builderCropsEachCellWithItsMaskThroughLocalisation() throws {
        let folder = try Self.writeDataset(count: 2, classes: ["lymphocyte", "monocyte"])
        defer { folder.remove() }
        let dataset = try Dataset.load(directory: folder.path)
        let (samples, summary) = TrainingSampleBuilder().samples(for: dataset.records, threads: 2)
        #expect(summary.failures.isEmpty && summary.imagesWithoutCandidate == 0)
        #expect(samples.map(\.classIndex) == [CellClass.lymphocyte.index, CellClass.monocyte.index])
        for sample in samples {
            let s = sample.size
            let mask = try #require(sample.mask)
            #expect(mask[(s / 2) * s + s / 2] == 2, "crop centre is nucleus")
            #expect(mask[0] == 0, "crop corner is background")
            let nucleusShare = Double(mask.filter { $0 == 2 }.count) / Double(s * s)
            // Crop side = 1.75 x cell diameter: the nucleus (r 14 of a r 26 cell) fills about
            // pi (14 / (1.75 * 52))^2 = 7 % of the crop, whatever the image's magnification.
            #expect(nucleusShare > 0.03 && nucleusShare < 0.15, "nucleus share \(nucleusShare)")
        }
    }

    @Test func cropLabelsMapBackOntoTheImage() {
        // A 64x64 image seen through a 128-pixel crop of the whole image (2 crop px per image px).
        let geometry = CropGeometry(centerX: 32, centerY: 32, side: 64, size: 128)
        let labels = (0..<(128 * 128)).map { p in UInt8(p % 128 < 64 ? 1 : 2) }
        let image = DatasetEvaluator.labelsInImage(labels, geometry: geometry, width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 { #expect(image[y * 64 + x] == (x < 32 ? 1 : 2)) } }
        // A crop of the image's centre quarter: everything outside it is background.
        let inner = DatasetEvaluator.labelsInImage(labels, geometry: CropGeometry(centerX: 32, centerY: 32, side: 32, size: 128),
                                                   width: 64, height: 64)
        #expect(inner[0] == 0 && inner[32 * 64 + 20] == 1 && inner[32 * 64 + 40] == 2 && inner[32 * 64 + 50] == 0)
    }

    @Test func evaluationCountsEveryLabelledImageAndScoresMasks() throws {
        let folder = try Self.writeDataset(count: 3, classes: ["neutrophil", "lymphocyte", "mixed"])
        defer { folder.remove() }
        let dataset = try Dataset.load(directory: folder.path)
        let network = SGCLDFFNetwork(seed: 3)
        let predictor = CropPredictor(network: network)
        let report = try DatasetEvaluator(predictor: predictor).evaluate(dataset, records: dataset.records)
        #expect(report.images == 2 && report.skipped == 1)
        #expect(report.restrictedToWBCTypes)
        #expect(report.confusion.matrix.flatMap { $0 }.reduce(0, +) == 2)
        // Restricted to the five WBC types: no prediction may land on ig, erythroblast, platelet.
        for row in report.confusion.matrix { #expect(row[5...].allSatisfy { $0 == 0 }) }
        #expect(report.cellIoU.map { (0...1).contains($0) } == true)
        #expect(report.nucleusDice != nil && report.cytoplasmIoU != nil)
        #expect(report.misclassified == nil)   // only listed when asked for
        // Every typed crop is tallied for the review flags, with the analyzer's thresholds.
        let review = try #require(report.review)
        #expect(review.either.typed == 2 && review.lowConsistency.typed == 2)
        #expect(review.lowConfidence.threshold == AnalyzerSettings().lowConfidence)
        #expect(review.either.wrong == Int((2 * (1 - report.accuracy)).rounded()))
    }

    @Test func detailsListExactlyTheOffDiagonalCrops() throws {
        let folder = try Self.writeDataset(count: 6, classes: ["neutrophil", "lymphocyte", "monocyte"])
        defer { folder.remove() }
        let dataset = try Dataset.load(directory: folder.path)
        var evaluator = DatasetEvaluator(predictor: CropPredictor(network: SGCLDFFNetwork(seed: 3)))
        evaluator.listsMisclassified = true
        let report = try evaluator.evaluate(dataset, records: dataset.records)
        let listed = try #require(report.misclassified)
        #expect(!listed.isEmpty, "an untrained network types these cells wrong; the list must show it")
        let matrix = report.confusion.matrix
        let offDiagonal = matrix.indices.map { i in matrix[i].indices.filter { $0 != i }.map { matrix[i][$0] }.reduce(0, +) }
        #expect(listed.count == offDiagonal.reduce(0, +))
        #expect(Double(listed.count) == Double(report.images) * (1 - report.accuracy))
        for entry in listed {
            let record = try #require(dataset.records.first { $0.image == entry.image })
            #expect(entry.truth == record.label.cellClass?.rawValue && entry.predicted != entry.truth)
            #expect(entry.crop == 1 && (0...1).contains(entry.probability))
            let (t, p) = (report.confusion.classes.firstIndex(of: entry.truth)!, report.confusion.classes.firstIndex(of: entry.predicted)!)
            #expect(matrix[t][p] > 0)
        }
    }
}
