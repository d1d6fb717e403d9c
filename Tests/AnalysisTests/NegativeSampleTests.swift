import TestSupport
import Foundation
import Testing
@testable import ModelLab
@testable import Analysis
import CellModel
import ImageIO

/// Negative training crops: what the localisation takes for a cell away from every annotated
/// WBC becomes a crop with an all-background mask and no class, under NAME-negatives.
@Suite struct NegativeSampleTests {
    /// A 320 x 240 smear field: one WBC (annotated) at the left, red cells with a trace of
    /// the basic stain at the right (what a field without WBCs looks like to the detector).
    static func writeField() throws -> ScratchFolder {
        let folder = try ScratchFolder(prefix: "negatives")
        var smear = SyntheticSmear(width: 320, height: 240)
        for (x, y) in [(200.0, 50.0), (260.0, 60.0), (220.0, 120.0), (285.0, 140.0), (210.0, 195.0), (270.0, 205.0)] {
            smear.disc(x: x, y: y, r: 18, nucleus: 0.12 + 0.02 * (x / 100), counter: 0.35, replace: true)
        }
        smear.disc(x: 60, y: 120, r: 28, nucleus: 0.08, counter: 0.12, replace: true)
        smear.disc(x: 60, y: 120, r: 15, nucleus: 0.9, counter: 0.05, replace: true)
        let raster = smear.render(stains: TrainingDataTests.stains)
        try ImageWriter.writePNG(raster.image(), to: folder.path + "/field.png")
        try folder.write("field.xml", """
            <annotation><size><width>320</width><height>240</height><depth>3</depth></size>
            <object><name>WBC</name><bndbox><xmin>33</xmin><ymin>93</ymin><xmax>88</xmax><ymax>148</ymax></bndbox></object>
            </annotation>
            """)
        try folder.write("index.csv", """
            image,annotation,raw_label,class,wbc_boxes
            field.png,field.xml,LYMPHOCYTE,lymphocyte,1

            """)
        return folder
    }

    @Test func candidatesAwayFromTheBoxesBecomeNegativeCrops() throws {
        let folder = try Self.writeField()
        defer { folder.remove() }
        let dataset = try Dataset.load(directory: folder.path)
        var builder = TrainingSampleBuilder()
        let (plain, _) = builder.samples(for: dataset.records, threads: 1)
        #expect(plain.map(\.classIndex) == [CellClass.lymphocyte.index], "without negatives: the annotated cell only")

        builder.negativesPerImage = 3
        let (samples, summary) = builder.samples(for: dataset.records, threads: 1)
        #expect(summary.failures.isEmpty)
        let negatives = samples.filter { $0.classIndex == nil }
        #expect(samples.first?.classIndex == CellClass.lymphocyte.index)
        #expect(!negatives.isEmpty && negatives.count <= 3 && summary.negatives == negatives.count)
        for n in negatives {
            #expect(n.dataset == TrainingSampleBuilder.negativesDataset(dataset.name))
            #expect(n.mask?.allSatisfy { $0 == 0 } == true, "all-background mask")
            // The crop is of red cells: its centre holds no WBC nucleus (dark in every channel).
            let s = n.size, centre = (s / 2) * s + s / 2
            #expect(n.crop[2 * s * s + centre] > 0.3, "blue channel at the centre: not a nucleus")
        }
    }

    @Test func boxCellsGetAPartialMaskOfTheirNucleus() throws {
        let folder = try Self.writeField()
        defer { folder.remove() }
        let dataset = try Dataset.load(directory: folder.path)
        var builder = TrainingSampleBuilder()
        let plain = try #require(builder.samples(for: dataset.records, threads: 1).0.first)
        #expect(plain.mask == nil, "off by default: a box-labelled cell has no mask")

        builder.nucleusMasksForBoxes = true
        let cell = try #require(builder.samples(for: dataset.records, threads: 1).0.first)
        let mask = try #require(cell.mask)
        #expect(!cell.hasCompleteMask)
        #expect(Set(mask) == [2, TrainingSample.unlabelledPixel], "nucleus or unknown, never background or cytoplasm")
        // The nucleus (radius 15 of a 28 px cell) absorbs red light (the basic stain); the labelled
        // pixels are those, at the crop's centre, and cover most of the nucleus disc.
        let s = cell.size, plane = s * s
        let labelled = mask.indices.filter { mask[$0] == 2 }
        #expect(labelled.contains((s / 2) * s + s / 2), "the centre is nucleus")
        let nucleusRed = labelled.map { cell.crop[0 * plane + $0] }.reduce(0, +) / Float(labelled.count)
        let unlabelled = mask.indices.filter { mask[$0] != 2 }
        let otherRed = unlabelled.map { cell.crop[0 * plane + $0] }.reduce(0, +) / Float(unlabelled.count)
        #expect(nucleusRed < otherRed - 0.2, "labelled pixels are the dark nucleus (\(nucleusRed) vs \(otherRed))")
        // The crop spans the cell region at CropGeometry's scale: find the nucleus area in
        // image pixels (pi 15^2 ~ 707) from the labelled share of the crop's area.
        let geometry = try builder.crops(for: dataset.records[0]).geometries[0]
        let imageArea = Double(labelled.count) * pow(geometry.side / Double(s), 2)
        #expect(imageArea > 0.6 * 707 && imageArea < 1.3 * 707, "labelled area \(imageArea) px")
    }

    @Test func singleCellImagesWithoutAMaskGetThePartialMaskOnlyWhenAskedFor() throws {
        let folder = try ScratchFolder(prefix: "single-cell")
        defer { folder.remove() }
        var smear = SyntheticSmear(width: 120, height: 120)
        smear.disc(x: 60, y: 60, r: 34, nucleus: 0.08, counter: 0.12, replace: true)
        smear.disc(x: 60, y: 60, r: 18, nucleus: 0.9, counter: 0.05, replace: true)
        try ImageWriter.writePNG(smear.render(stains: TrainingDataTests.stains).image(), to: folder.path + "/cell.png")
        try folder.write("index.csv", "image,class\ncell.png,monocyte\n")
        let dataset = try Dataset.load(directory: folder.path)
        var builder = TrainingSampleBuilder()
        builder.nucleusMasksForBoxes = true
        #expect(try #require(builder.samples(for: dataset.records, threads: 1).0.first).mask == nil,
                "the box option leaves single-cell images alone")
        builder.nucleusMasksForSingleCells = true
        let cell = try #require(builder.samples(for: dataset.records, threads: 1).0.first)
        let mask = try #require(cell.mask)
        #expect(Set(mask) == [2, TrainingSample.unlabelledPixel])
        let s = cell.size
        #expect(mask[(s / 2) * s + s / 2] == 2, "the centre is nucleus")
        #expect(mask[0] == TrainingSample.unlabelledPixel && mask[s * s - 1] == TrainingSample.unlabelledPixel, "corners unknown")
    }

    @Test func noBoxesOrNoRoomGiveNoNegatives() throws {
        let folder = try Self.writeField()
        defer { folder.remove() }
        try folder.write("index.csv", """
            image,annotation,raw_label,class,wbc_boxes
            field.png,,,lymphocyte,

            """)
        var builder = TrainingSampleBuilder()
        builder.negativesPerImage = 3
        let record = try #require(try Dataset.load(directory: folder.path).records.first)
        #expect(try builder.negatives(for: record).isEmpty, "a field without boxes may hold unannotated WBCs")
    }

    @Test func clearStripIsTheLargestBeyondEveryBox() throws {
        let boxes = [BoundingBox(x0: 100, y0: 50, x1: 150, y1: 120), BoundingBox(x0: 130, y0: 90, x1: 200, y1: 140)]
        // Left 100 x 240, right 440 x 240, above 640 x 50, below 640 x 100.
        let strip = try #require(TrainingSampleBuilder.clearStrip(width: 640, height: 240, avoiding: boxes, minimumSide: 96))
        #expect(strip == (200, 0, 440, 240))
        #expect(TrainingSampleBuilder.clearStrip(width: 190, height: 150, avoiding: boxes, minimumSide: 101) == nil, "left strip 100 px wide")
        let all = try #require(TrainingSampleBuilder.clearStrip(width: 64, height: 48, avoiding: [], minimumSide: 32))
        #expect(all == (0, 0, 64, 48))
        #expect(TrainingSampleBuilder.clearStrip(width: 64, height: 48, avoiding: [], minimumSide: 96) == nil)
    }
}
