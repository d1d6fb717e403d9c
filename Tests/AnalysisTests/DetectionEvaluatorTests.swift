import CellModel
import Foundation
import ImageIO
import Testing
@testable import ModelLab
import TestSupport
@testable import Analysis

@Suite struct DetectionEvaluatorTests {
    static func voc(_ boxes: [(Int, Int, Int, Int)]) -> String {
        let objects = boxes.map { b in
            "<object><name>WBC</name><bndbox><xmin>\(b.0)</xmin><ymin>\(b.1)</ymin><xmax>\(b.2)</xmax><ymax>\(b.3)</ymax></bndbox></object>"
        }
        return "<annotation><size><width>320</width><height>240</height></size>\(objects.joined())</annotation>"
    }

    /// A box dataset of one field with two drawn WBCs (cell radius 25.2 around (80, 80) and
    /// (230, 150)) and three WBC boxes: two on the cells, one on empty glass. Every reported WBC
    /// matches the box of its cell, the glass box is missed, nothing else is found.
    @Test(.enabled(if: PipelineFixtures.bundledModelURL != nil, "needs Models/leuko-wbc-v1.safetensors"))
    func matchesDetectionsToBoxesOneToOne() throws {
        let scratch = try ScratchFolder(prefix: "detection")
        defer { scratch.remove() }
        try ImageWriter.writePNG(PipelineFixtures.field(cells: [(80, 80), (230, 150)]).image(), to: scratch.path + "/field.png")
        try scratch.write("field.xml", Self.voc([(55, 55, 106, 106), (205, 125, 256, 176), (270, 10, 310, 50)]))
        try scratch.write("index.csv", "image,annotation,class\nfield.png,field.xml,monocyte\n")
        let dataset = try Dataset.load(directory: scratch.path)
        // The bundled network's masks, with its type answer pinned to neutrophil (a large bias on
        // that logit): whether a drawn disc looks like a WBC to a given set of weights is not
        // what this test is about, and a disc called an erythroblast would not be a detection.
        let model = try ModelFile.load(PipelineFixtures.bundledModelURL!)
        let bias = try #require(model.network.classificationHead?.linear.bias?.value)
        bias.data[CellClass.allCases.firstIndex(of: .neutrophil)!] += 100
        let analyzer = try PipelineFixtures.analyzer(model) { $0.keepCellImages = false }
        let report = DetectionEvaluator(analyzer: analyzer).evaluate(dataset.records)
        // The WBCs the analyzer reports on this field: one on each drawn cell.
        let wbcs = try analyzer.analyze(path: scratch.path + "/field.png").cells.filter(\.countsAsWBC)
        #expect(wbcs.count == 2)
        for cell in wbcs {
            #expect([(80.0, 80.0), (230.0, 150.0)].contains { abs(cell.box.centerX - $0.0) < 8 && abs(cell.box.centerY - $0.1) < 8 },
                    "\(cell.box)")
        }
        let n = wbcs.count
        #expect(report.images == 1 && report.failures.isEmpty)
        #expect(report.matched == n && report.missed == 3 - n && report.falsePositives == 0, "\(report)")
        #expect(report.recall == Double(n) / 3 && report.precision == 1)
        #expect(report.typed == n && report.typeAccuracy.map { (0...1).contains($0) } == true)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in ["\"recall\"", "\"precision\"", "\"matched\"", "\"missed\"", "\"false_positives\""] { #expect(json.contains(key)) }
    }
}
