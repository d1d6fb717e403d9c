import TestSupport
import Foundation
import Testing
@testable import Analysis
import CellModel
@testable import ModelLab

/// Whole-cell training masks from the localiser's traced outline: nucleus and cytoplasm inside
/// it, background beyond a thin unlabelled band, and none where no outline was traced.
@Suite struct OutlineMaskTests {
    /// A 120x120 field with one cell alone on glass: cytoplasm r 26, nucleus r 14, at (60, 60).
    static func loneCell() -> RGBRaster {
        var smear = SyntheticSmear(width: 120, height: 120)
        smear.disc(x: 60, y: 60, r: 26, counter: 0.12)
        smear.disc(x: 60, y: 60, r: 14, nucleus: 0.9)
        return smear.render(stains: TrainingDataTests.stains)
    }

    static func disc(_ r: Double) -> [Bool] {
        (0..<(120 * 120)).map { (p: Int) -> Bool in
            let dx = Double(p % 120) + 0.5 - 60, dy = Double(p / 120) + 0.5 - 60
            return dx * dx + dy * dy <= r * r
        }
    }

    static func iou(_ a: [Bool], _ b: [Bool]) -> Double {
        let inter = zip(a, b).filter { $0 && $1 }.count, union = zip(a, b).filter { $0 || $1 }.count
        return Double(inter) / Double(max(union, 1))
    }

    @Test func aLoneCellGetsNucleusCytoplasmAndBackground() throws {
        let result = try FieldLocalizer().run(Self.loneCell())
        #expect(result.candidates.count == 1 && result.outlinedCandidates == [0])
        let labels = try #require(OutlineMask().labels(result, candidate: 0))
        #expect(Self.iou(labels.map { $0 == 2 }, Self.disc(14)) > 0.8)
        #expect(Self.iou(labels.map { $0 == 1 || $0 == 2 }, Self.disc(26)) > 0.9)
        #expect(labels.contains(1))
        #expect(labels[0] == 0 && labels[119 * 120 + 119] == 0, "far corners are background")
        // Just outside the outline's edge along the centre row: the unlabelled band, neither
        // cell nor background.
        let edge = try #require((60..<120).last { labels[60 * 120 + $0] == 1 })
        #expect(labels[60 * 120 + edge + 1] == TrainingSample.unlabelledPixel)
        #expect(labels[60 * 120 + edge + 12] == 0)
    }

    @Test func aCellWithoutATracedOutlineGetsNone() throws {
        var marginOnly = FieldLocalizer()
        marginOnly.detector.parameters.outlineReach = 0
        let result = try marginOnly.run(Self.loneCell())
        #expect(result.candidates.count == 1 && result.outlinedCandidates.isEmpty)
        #expect(OutlineMask().labels(result, candidate: 0) == nil)
    }

    @Test func builderGivesMasklessCellsTheOutlineMaskOnRequest() throws {
        let folder = try TrainingDataTests.writeDataset(count: 2, classes: ["lymphocyte", "monocyte"])
        defer { folder.remove() }
        // The same images without their drawn masks.
        try folder.write("index.csv", "image,class\n0.png,lymphocyte\n1.png,monocyte\n")
        let records = try Dataset.load(directory: folder.path).records
        var builder = TrainingSampleBuilder()
        builder.nucleusMasksForSingleCells = true
        let partial = builder.samples(for: records, threads: 1).0
        #expect(partial.allSatisfy { !($0.mask ?? []).contains(1) }, "the nucleus-only mask has no cytoplasm")
        builder.outlineMasks = true
        let outlined = builder.samples(for: records, threads: 1).0
        #expect(outlined.count == 2)
        for sample in outlined {
            let mask = try #require(sample.mask)
            let s = sample.size
            #expect(mask[(s / 2) * s + s / 2] == 2 && mask[0] == 0 && mask.contains(1))
        }
    }

    @Test func localisationReportMeasuresOutlineMasksAgainstDrawnOnes() throws {
        let folder = try TrainingDataTests.writeDataset(count: 3, classes: ["lymphocyte"])
        defer { folder.remove() }
        let report = try LocalizationEvaluator().evaluate(try Dataset.load(directory: folder.path), split: nil)
        #expect(report.outlineRate == 1)
        #expect(try #require(report.outlineCellIoU) > 0.9)
        #expect(try #require(report.outlineCytoplasmIoU) > 0.7)
    }
}
