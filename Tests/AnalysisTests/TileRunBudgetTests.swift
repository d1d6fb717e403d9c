import Foundation
import Testing
@testable import Analysis

/// The kept-cell budget of a tiled analysis: gallery images are dropped first, and masks
/// that outgrow the budget stop the analysis with `resourceExhausted`.
@Suite struct TileRunBudgetTests {
    static func cell(side: Int, images: Bool) -> DetectedCell {
        let mask = CellMask(x0: 0, y0: 0, width: side, height: side, labels: [UInt8](repeating: 1, count: side * side))
        let pictures = images ? CellImages(size: 128, rgb: [UInt8](repeating: 0, count: 128 * 128 * 3),
                                           segmentation: [UInt8](repeating: 0, count: 128 * 128),
                                           gradCAM: [Float](repeating: 0, count: 128 * 128)) : nil
        return DetectedCell(mask: mask, probabilities: [Float](repeating: 0.125, count: 8), consistency: nil, empty: false,
                            atBorder: false, images: pictures)
    }

    @Test func imagesAreDroppedFirstThenMasksStopTheRun() throws {
        let one = Self.cell(side: 100, images: true)
        let maskBytes = TileRun.maskBytes(one), imageBytes = TileRun.imageBytes(one.images!)
        #expect(maskBytes == 100 * 100 + 32 + 512 && imageBytes > 128 * 128 * 8)
        // Room for 3 cells with images and about 20 masks.
        let budget = 3 * (maskBytes + imageBytes) + 5 * maskBytes
        let run = TileRun(tiles: 1, overlay: OverlayAccumulator(imageWidth: 64, imageHeight: 64, maxSide: 64), cellBudget: budget)
        let first = try run.admit([one, one, one, one])
        #expect(first.map { $0.images != nil } == [true, true, true, false])
        #expect(run.keptCellBytes == 4 * maskBytes + 3 * imageBytes && run.keptCellBytes <= budget)
        let more = try run.admit([Self.cell(side: 100, images: false), Self.cell(side: 100, images: false)])
        #expect(more.count == 2 && run.keptCellBytes <= budget)
        #expect(throws: AnalysisError.self) { try run.admit([one, one, one, one, one]) }
        #expect(run.keptCellBytes <= budget)
        do {
            _ = try run.admit([Self.cell(side: 2000, images: false)])
            Issue.record("a 4 MB mask fit a budget of \(budget) bytes")
        } catch let error as AnalysisError {
            #expect(error.code == .resourceExhausted && error.description.contains("raise the limit"))
        }
    }
}
