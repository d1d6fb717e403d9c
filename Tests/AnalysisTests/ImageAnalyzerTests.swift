import CellModel
import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

@Suite struct ImageAnalyzerTests {
    static let centres: [(Double, Double)] = [(70, 70), (230, 90), (150, 180)]

    /// The placed centres each inside exactly one finding's box.
    static func matched(_ cells: [CellFinding], _ centres: [(Double, Double)]) -> Bool {
        centres.allSatisfy { c in cells.filter { $0.box.x0 <= c.0 && c.0 <= $0.box.x1 && $0.box.y0 <= c.1 && c.1 <= $0.box.y1 }.count == 1 }
    }

    @Test func findsEachPlacedCellOnceWithItsFacts() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        let path = scratch.path + "/field.png"
        try ImageWriter.writePNG(PipelineFixtures.field(cells: Self.centres).image(), to: path)
        let analysis = try PipelineFixtures.analyzer { $0.estimatesScale = false }.analyze(path: path)
        #expect(analysis.cells.count == 3)
        #expect(Self.matched(analysis.cells, Self.centres))
        #expect(analysis.cells.map(\.number) == [1, 2, 3])
        // Reading order: the top cell first, the bottom one last.
        #expect(analysis.cells.first!.box.centerY < 100 && analysis.cells.last!.box.centerY > 150)
        for cell in analysis.cells {
            #expect(cell.contour.count >= 3)
            #expect(cell.contour.allSatisfy { $0.x >= cell.box.x0 && $0.x <= cell.box.x1 && $0.y >= cell.box.y0 && $0.y <= cell.box.y1 })
            #expect(cell.areaUnit == .pixel && cell.cellArea > 0 && cell.cellArea == cell.nucleusArea + cell.cytoplasmArea)
            #expect(cell.probability > 0 && cell.probability <= 1)
            #expect(cell.runnerUp!.probability <= cell.probability && cell.runnerUp!.cellClass != cell.cellClass)
            #expect(cell.images?.size == 128 && cell.images?.gradCAM.count == 128 * 128)
            #expect(cell.consistency.map { (0...1).contains($0) } ?? false)
            #expect(cell.flags.contains(.lowConfidence) == (cell.probability < AnalyzerSettings().lowConfidence))
            #expect(!cell.flags.contains(.atBorder))
        }
        #expect(analysis.source.sha256 == (try SHA256Digest.hex(of: URL(fileURLWithPath: path))))
        #expect(analysis.source.format == "PNG" && analysis.source.width == 320 && analysis.source.height == 240)
        #expect(analysis.model.name == "tiny-test" && analysis.softwareVersion == "test")
        #expect(analysis.overlayScale == 1 && analysis.overlayBase?.width == 320)
        for stage in ["hash", "decode", "normalize", "candidates", "saliency", "crops", "network", "masks", "merge"] {
            #expect(analysis.stageMilliseconds[stage] != nil, "stage \(stage) not timed")
        }
        #expect(analysis.processingSeconds > 0)
    }

    @Test func pixelSpacingGivesSquareMicrometres() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        var image = PipelineFixtures.field(cells: Self.centres).image()
        try ImageWriter.writeTIFF(image, to: scratch.path + "/plain.tif")
        image.pixelSpacing = PixelSpacing(x: 0.5, y: 0.5)
        try ImageWriter.writeTIFF(image, to: scratch.path + "/spaced.tif")
        let analyzer = try PipelineFixtures.analyzer { $0.estimatesScale = false }
        let plain = try analyzer.analyze(path: scratch.path + "/plain.tif")
        let spaced = try analyzer.analyze(path: scratch.path + "/spaced.tif")
        #expect(plain.cells.count == 3 && spaced.cells.count == 3)
        #expect(spaced.source.pixelSpacing == PixelSpacing(x: 0.5, y: 0.5))
        for (a, b) in zip(plain.cells, spaced.cells) {
            #expect(a.areaUnit == .pixel && b.areaUnit == .squareMicrometre)
            #expect(abs(b.cellArea - a.cellArea * 0.25) < 1e-9 && abs(b.nucleusArea - a.nucleusArea * 0.25) < 1e-9)
        }
        // With the estimate on (the default), the recorded spacing still wins.
        let recorded = try PipelineFixtures.analyzer().analyze(path: scratch.path + "/spaced.tif")
        #expect(recorded.source.pixelSpacing == PixelSpacing(x: 0.5, y: 0.5) && recorded.source.scaleEstimate == nil)
    }

    /// A field whose file records no pixel size gets one from its red cells: areas in µm²,
    /// marked as estimated, equal to the pixel areas times the estimated pixel area.
    @Test func withoutARecordedSpacingTheRedCellsGiveOne() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        let path = scratch.path + "/field.png"
        try ImageWriter.writePNG(PipelineFixtures.field(cells: Self.centres).image(), to: path)
        let inPixels = try PipelineFixtures.analyzer { $0.estimatesScale = false }.analyze(path: path)
        let estimated = try PipelineFixtures.analyzer().analyze(path: path)
        let estimate = try #require(estimated.source.scaleEstimate)
        let spacing = try #require(estimated.source.pixelSpacing)
        #expect(spacing.x == estimate.micronsPerPixel && spacing.y == estimate.micronsPerPixel)
        #expect(abs(estimate.micronsPerPixel * estimate.medianDiameter - 7.5) < 1e-9)
        #expect(inPixels.source.scaleEstimate == nil && inPixels.source.pixelSpacing == nil)
        // Estimated alongside the detection on two threads, after it on one: the same.
        let inTurn = try PipelineFixtures.analyzer { $0.threads = 1 }.analyze(path: path)
        let alongside = try PipelineFixtures.analyzer { $0.threads = 2 }.analyze(path: path)
        #expect(inTurn.source.scaleEstimate == estimate && alongside.source.scaleEstimate == estimate)
        for (a, b) in zip(inPixels.cells, estimated.cells) {
            #expect(a.areaUnit == .pixel && b.areaUnit == .squareMicrometre)
            #expect(abs(b.cellArea - a.cellArea * spacing.x * spacing.y) < 1e-6 * a.cellArea)
        }
    }

    @Test func borderCellIsFlaggedAndGlassGivesNoCells() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        try ImageWriter.writePNG(PipelineFixtures.field(cells: [(8, 120), (180, 120)]).image(), to: scratch.path + "/edge.png")
        let analyzer = try PipelineFixtures.analyzer()
        let edge = try analyzer.analyze(path: scratch.path + "/edge.png")
        #expect(edge.cells.count == 2)
        #expect(edge.cells.filter { $0.flags.contains(.atBorder) }.map(\.box.x0) == [0])
        try ImageWriter.writePNG(RGBRaster(width: 200, height: 150, fill: (0.95, 0.94, 0.96)).image(), to: scratch.path + "/glass.png")
        let glass = try analyzer.analyze(path: scratch.path + "/glass.png")
        #expect(glass.cells.isEmpty && glass.source.width == 200)
    }

    @Test func unreadableInputIsPermanentMissingIsNot() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        try scratch.write("notes.png", "not an image")
        let analyzer = try PipelineFixtures.analyzer()
        do {
            _ = try analyzer.analyze(path: scratch.path + "/notes.png")
            Issue.record("a text file was analysed")
        } catch let error as AnalysisError {
            #expect(error.code == .unreadableInput && error.inputCode == .unknownFormat)
        }
        do {
            _ = try analyzer.analyze(path: scratch.path + "/absent.tif")
            Issue.record("a missing file was analysed")
        } catch let error as AnalysisError {
            #expect(error.code == .unreadableInput && error.inputCode == .notFound)
        }
        try ImageWriter.writePNG(RGBRaster(width: 4, height: 4, fill: (1, 1, 1)).image(), to: scratch.path + "/tiny.png")
        #expect(throws: AnalysisError(.unsupportedImage, "image is 4x4; need at least 8x8")) {
            _ = try analyzer.analyze(path: scratch.path + "/tiny.png")
        }
    }

    @Test func badSettingsAreRejected() {
        #expect(throws: AnalysisError.self) {
            _ = try PipelineFixtures.analyzer { $0.lowConfidence = 1.5 }
        }
    }

    @Test(.enabled(if: PipelineFixtures.bundledModelURL != nil, "needs Models/leuko-wbc-v1.safetensors"))
    func bundledModelSegmentsThePlacedCells() throws {
        let scratch = try ScratchFolder(prefix: "analyze")
        defer { scratch.remove() }
        let path = scratch.path + "/field.png"
        try ImageWriter.writePNG(PipelineFixtures.field(cells: Self.centres).image(), to: path)
        let model = try ModelFile.load(PipelineFixtures.bundledModelURL!)
        let analysis = try PipelineFixtures.analyzer(model) { $0.estimatesScale = false }.analyze(path: path)
        #expect(analysis.cells.count == 3)
        #expect(Self.matched(analysis.cells, Self.centres))
        // The drawn cells: nucleus radius 14 (616 px), cell radius 25.2 (1995 px). The mask
        // mapped back to the image measures them.
        for c in analysis.cells {
            #expect((0.75...1.3).contains(c.cellArea / 1995), "cell \(c.number): area \(c.cellArea)")
            #expect((0.75...1.3).contains(c.nucleusArea / 616), "cell \(c.number): nucleus \(c.nucleusArea)")
            #expect(c.nucleusContour.count >= 4 && c.contour.count >= 8)
            #expect(!c.flags.contains(.notAWBC) || [.erythroblast, .platelet].contains(c.cellClass))
        }
    }
}
