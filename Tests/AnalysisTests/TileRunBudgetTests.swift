import Foundation
import Testing
@testable import Analysis

/// The kept-cell budget of a tiled analysis: masks are kept packed, gallery images are
/// dropped first, and packed masks that outgrow the budget stop the analysis with
/// `resourceExhausted`, as do unpacked masks that outgrow what is left at the end.
@Suite struct TileRunBudgetTests {
    /// A cell whose mask is `side` x `side`, each row a different pattern of `stripes` runs
    /// (so it packs to about 2 bytes per run).
    static func cell(side: Int, images: Bool, stripes: Int = 1) -> DetectedCell {
        var labels = [UInt8](repeating: 0, count: side * side)
        for i in labels.indices { labels[i] = UInt8((i % side) * stripes / side % 3) }
        let mask = CellMask(x0: 0, y0: 0, width: side, height: side, labels: labels)
        let pictures = images ? CellImages(size: 128, rgb: [UInt8](repeating: 0, count: 128 * 128 * 3),
                                           segmentation: [UInt8](repeating: 0, count: 128 * 128),
                                           gradCAM: [Float](repeating: 0, count: 128 * 128)) : nil
        return DetectedCell(mask: mask, probabilities: [Float](repeating: 0.125, count: 8), consistency: nil, empty: false,
                            atBorder: false, images: pictures)
    }

    @Test func packedLabelsRoundTrip() {
        for labels in [[UInt8](), [2], [0, 0, 1, 1, 1, 2, 0], [UInt8](repeating: 1, count: 70_000),
                       (0..<5000).map { UInt8($0 * 7 % 3) }] {
            let packed = PackedLabels(labels)
            #expect(packed.unpacked() == labels && packed.count == labels.count)
        }
        // A disc-shaped cell of 200 x 200 packs to a few bytes per row.
        let cell = Self.cell(side: 200, images: false, stripes: 3)
        #expect(PackedLabels(cell.mask.labels).runs.count < 200 * 8)
        #expect(StoredCell(cell).restored().mask == cell.mask)
    }

    @Test func imagesAreDroppedFirstThenMasksStopTheRun() throws {
        let one = Self.cell(side: 100, images: true, stripes: 40)
        let maskBytes = TileRun.maskBytes(StoredCell(one)), imageBytes = TileRun.imageBytes(one.images!)
        #expect(maskBytes > 100 * 100 / 10 && maskBytes < 100 * 100 && imageBytes > 128 * 128 * 8)
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
            _ = try run.admit([Self.cell(side: 2000, images: false, stripes: 2000)])
            Issue.record("a mask of 2000 runs per row fit a budget of \(budget) bytes")
        } catch let error as AnalysisError {
            #expect(error.code == .resourceExhausted && error.description.contains("raise the limit"))
        }
    }

    @Test func masksAreUnpackedAtTheEndWithinWhatIsLeft() throws {
        let run = TileRun(tiles: 2, overlay: OverlayAccumulator(imageWidth: 64, imageHeight: 64, maxSide: 64), cellBudget: 1 << 20)
        let found = [Self.cell(side: 300, images: false, stripes: 3), Self.cell(side: 300, images: false, stripes: 3)]
        run.finish(try run.admit(found), clock: 0, progress: nil)
        run.finish(nil, clock: 0, progress: nil)
        #expect(run.keptCellBytes < 2 * 300 * 8 + 2 * 600)
        #expect(try run.cells(unpackBudget: 2 * 300 * 300).map(\.mask) == found.map(\.mask))
        #expect(throws: AnalysisError.self) { try run.cells(unpackBudget: 2 * 300 * 300 - 1) }
    }
}
