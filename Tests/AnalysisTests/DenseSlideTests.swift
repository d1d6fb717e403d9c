import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

/// Generated slides with red cells everywhere, cut into many tiles: with slide-level
/// statistics every placed WBC is found exactly once, nothing else is reported, and peak RSS
/// stays under the ceiling.
///
/// Two layouts: few WBCs among the red cells (a tile's densest 0.1 % of pixels is then not
/// all nucleus, and per-tile thresholds fall to the red-cell level: this slide gave 19 cells
/// for the 17 placed with them), and WBCs packed so that many cytoplasms touch.
extension MemoryCeilingTests { @Suite struct DenseSlideTests {
    struct Layout: Sendable, CustomStringConvertible {
        var side: Int, wbcPerMegapixel: Double, spacing: Double, tile: Int, touchingAtLeast: Int
        var description: String { "\(side)px, \(wbcPerMegapixel) WBC/Mpx, \(spacing) px apart, tiles \(tile)" }
    }

    static let layouts = [
        Layout(side: 4096, wbcPerMegapixel: 1, spacing: 70, tile: 2048, touchingAtLeast: 0),
        Layout(side: 2048, wbcPerMegapixel: 100, spacing: 59, tile: 768, touchingAtLeast: 50),
    ]

    @Test(arguments: layouts)
    func everyPlacedCellIsFoundOnce(_ layout: Layout) throws {
        let scratch = try ScratchFolder(prefix: "dense")
        defer { scratch.remove() }
        let path = scratch.path + "/dense.tif"
        let placed = try SyntheticSlideRegion.writeTIFF(to: path, width: layout.side, height: layout.side,
                                                        wbcPerMegapixel: layout.wbcPerMegapixel, spacing: layout.spacing)
        let ceiling = 1 << 30
        let analyzer = try PipelineFixtures.analyzer { $0.memoryLimitBytes = ceiling; $0.maxTileSize = layout.tile; $0.threads = 2 }
        let plan = try analyzer.plan(width: layout.side, height: layout.side, decodedBytes: 0)
        #expect(plan.tiles.count >= 4)
        // Cytoplasm radius 29: centres under 64 px apart leave at most 6 px between cytoplasms.
        let touching = placed.indices.filter { i in
            placed.indices.contains { j in j != i && hypot(placed[i].x - placed[j].x, placed[i].y - placed[j].y) < 64 }
        }
        #expect(touching.count >= layout.touchingAtLeast)
        ProcessMemory.resetPeak()
        let before = ProcessMemory.peakResidentBytes()
        let analysis = try analyzer.analyze(path: path)
        let peak = ProcessMemory.peakResidentBytes()
        var missed: [(Double, Double)] = [], twice: [(Double, Double)] = []
        for p in placed {
            let hits = analysis.cells.filter { $0.box.x0 <= p.x && p.x <= $0.box.x1 && $0.box.y0 <= p.y && p.y <= $0.box.y1 }
            if hits.isEmpty { missed.append(p) } else if hits.count > 1 { twice.append(p) }
        }
        print("slide \(layout): \(placed.count) WBCs placed (\(touching.count) within 6 px of a neighbour), "
              + "\(analysis.cells.count) cells, \(plan.tiles.count) tiles, peak RSS \(peak >> 20) MB, "
              + "stages \(analysis.stageMilliseconds.mapValues { Int($0) })")
        let merged = analysis.cells.filter { c in placed.filter { c.box.x0 <= $0.x && $0.x <= c.box.x1 && c.box.y0 <= $0.y && $0.y <= c.box.y1 }.count > 1 }
        #expect(merged.isEmpty, "\(merged.count) cells hold more than one placed WBC")
        #expect(missed.isEmpty, "missed \(missed.count): \(missed.prefix(5))")
        #expect(twice.isEmpty, "found more than once \(twice.count): \(twice.prefix(5))")
        #expect(analysis.cells.count == placed.count)
        // Growth over the shared test process's resident size before (see WholeSlideTests).
        #expect(peak - before < ceiling, "peak RSS \(peak >> 20) MB, before \(before >> 20) MB")
    }
} }
