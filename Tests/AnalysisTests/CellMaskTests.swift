import CellModel
import Testing
@testable import Analysis

@Suite struct CellMaskTests {
    @Test func cropLabelsMapBackThroughTheInverseGeometry() {
        // A crop of side 64 image px centred at (100, 80), sampled to 128: 2 crop px per image px.
        let g = CropGeometry(centerX: 100, centerY: 80, side: 64)
        var seg = [UInt8](repeating: 0, count: 128 * 128)
        for v in 32..<96 { for u in 32..<96 { seg[v * 128 + u] = 1 } }   // the middle half of the crop
        for v in 56..<72 { for u in 56..<72 { seg[v * 128 + u] = 2 } }
        let mask = CellMask.fromCrop(seg, geometry: g, imageWidth: 400, imageHeight: 300)
        #expect(mask.x0 == 68 && mask.y0 == 48 && mask.width == 64 && mask.height == 64)
        #expect(mask.cellArea == 32 * 32 && mask.nucleusArea == 8 * 8)
        #expect(mask.box == BoundingBox(x0: 84, y0: 64, x1: 116, y1: 96))
        #expect(mask.label(x: 100, y: 80) == 2 && mask.label(x: 85, y: 65) == 1 && mask.label(x: 83, y: 80) == 0)
    }

    @Test func toCropIsTheInverseOfFromCrop() {
        let g = CropGeometry(centerX: 100, centerY: 80, side: 64)
        var seg = [UInt8](repeating: 0, count: 128 * 128)
        for v in 30..<90 { for u in 40..<100 { seg[v * 128 + u] = u < 70 ? 1 : 2 } }   // even crop px: whole image px
        let mask = CellMask.fromCrop(seg, geometry: g, imageWidth: 400, imageHeight: 300)
        #expect(mask.toCrop(g) == seg)
    }

    @Test func cropAtTheImageEdgeIsClipped() {
        let g = CropGeometry(centerX: 10, centerY: 10, side: 64)
        let seg = [UInt8](repeating: 1, count: 128 * 128)
        let mask = CellMask.fromCrop(seg, geometry: g, imageWidth: 50, imageHeight: 50)
        #expect(mask.x0 == 0 && mask.y0 == 0 && mask.width == 42 && mask.height == 42)
        #expect(mask.touchesEdge(imageWidth: 50, imageHeight: 50))
        #expect(mask.touchesEdge(imageWidth: 500, imageHeight: 500))   // x = 0 is an edge of any image
    }

    @Test func nearestComponentIsKept() {
        var labels = [UInt8](repeating: 0, count: 50 * 20)
        for v in 5..<15 { for u in 2..<12 { labels[v * 50 + u] = 1 } }     // near (7, 10)
        for v in 0..<20 { for u in 30..<50 { labels[v * 50 + u] = 2 } }    // larger, far
        let mask = CellMask(x0: 1000, y0: 0, width: 50, height: 20, labels: labels)
        let near = mask.component(nearestX: 1007, y: 10)
        #expect(near.x0 == 1002 && near.width == 10 && near.cellArea == 100)
        let far = mask.component(nearestX: 1045, y: 10)
        #expect(far.cellArea == 400 && far.nucleusArea == 400)
    }

    @Test func overlapCountsSharedCellPixels() {
        let a = CellMask(x0: 0, y0: 0, width: 10, height: 10, labels: [UInt8](repeating: 1, count: 100))
        let b = CellMask(x0: 5, y0: 5, width: 10, height: 10, labels: [UInt8](repeating: 2, count: 100))
        #expect(a.overlap(b) == 25 && b.overlap(a) == 25)
        let c = CellMask(x0: 20, y0: 0, width: 5, height: 5, labels: [UInt8](repeating: 1, count: 25))
        #expect(a.overlap(c) == 0)
    }

    static func cell(_ x: Int, _ y: Int, side: Int, p: Float, empty: Bool = false) -> DetectedCell {
        DetectedCell(mask: CellMask(x0: x, y0: y, width: side, height: side, labels: [UInt8](repeating: 1, count: side * side)),
                     probabilities: [p, 1 - p], consistency: nil, empty: empty, atBorder: false, images: nil)
    }

    @Test func mergerKeepsOneCopyOfADuplicateAndFlagsOverlaps() {
        let cells = [
            Self.cell(0, 0, side: 20, p: 0.7),
            Self.cell(2, 1, side: 20, p: 0.9),      // the same cell, more probable: kept
            Self.cell(19, 0, side: 20, p: 0.8),     // touches the first by a column: overlapping
            Self.cell(300, 300, side: 20, p: 0.6),  // alone
            Self.cell(301, 300, side: 20, p: 0.99, empty: true),  // duplicate, but empty: loses
        ]
        let (kept, overlapping) = CellMerger.merge(cells, duplicateOverlap: 0.5, overlapFlag: 0.03)
        #expect(kept.count == 3)
        #expect(kept.contains { $0.mask.x0 == 2 } && !kept.contains { $0.mask.x0 == 0 })
        #expect(kept.contains { $0.mask.x0 == 300 && !$0.empty } && !kept.contains { $0.empty })
        let flagged = Set(overlapping.map { kept[$0].mask.x0 })
        #expect(flagged == [2, 19])
    }
}
