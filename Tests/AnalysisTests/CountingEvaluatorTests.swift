import CellModel
import Foundation
import ImageIO
import Testing
@testable import ModelLab
import TestSupport
@testable import Analysis

/// `leuko eval`'s `counting` on single-cell datasets: does the whole analyzer count the WBC of
/// each image?
@Suite struct CountingEvaluatorTests {
    /// Three single-cell images: a drawn WBC labelled monocyte (counted), bare glass labelled
    /// lymphocyte (nothing to count: missed), and the drawn WBC again labelled erythroblast
    /// (not a WBC type: left out).
    @Test(.enabled(if: PipelineFixtures.bundledModelURL != nil, "needs Models/leuko-wbc-v1.safetensors"))
    func countsTheImagesWhoseWBCTheAnalyzerReports() throws {
        let scratch = try ScratchFolder(prefix: "counting")
        defer { scratch.remove() }
        let cell = PipelineFixtures.field(width: 120, height: 120, cells: [(60, 60)]).image()
        try ImageWriter.writePNG(cell, to: scratch.path + "/cell.png")
        try ImageWriter.writePNG(cell, to: scratch.path + "/erb.png")
        try ImageWriter.writePNG(SyntheticSmear(width: 120, height: 120).render(stains: PipelineFixtures.stains).image(),
                                 to: scratch.path + "/glass.png")
        try scratch.write("index.csv", "image,class\ncell.png,monocyte\nglass.png,lymphocyte\nerb.png,erythroblast\n")
        let dataset = try Dataset.load(directory: scratch.path)
        // The bundled network's masks, its type answer pinned to neutrophil (a drawn disc
        // called an erythroblast would not count, and its type is not what this test is about).
        let model = try ModelFile.load(PipelineFixtures.bundledModelURL!)
        let bias = try #require(model.network.classificationHead?.linear.bias?.value)
        bias.data[CellClass.neutrophil.index] += 100
        let analyzer = try PipelineFixtures.analyzer(model) { $0.keepCellImages = false }
        #expect(try analyzer.analyze(path: scratch.path + "/cell.png").cells.filter(\.countsAsWBC).count == 1)

        let report = CountingEvaluator(analyzer: analyzer).evaluate(dataset.records)
        #expect(report.images == 2 && report.counted == 1 && report.missed == 1, "\(report)")
        #expect(report.missedImages == ["glass.png"])
        #expect(report.countedRate == 0.5 && report.failures.isEmpty)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in ["\"counted_rate\"", "\"missed_images\"", "\"counted\"", "\"missed\""] { #expect(json.contains(key)) }
    }
}
