import CellModel
import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

/// A generated 20,000 x 20,000 tiled TIFF mosaic of glass with synthetic WBCs (each with a
/// few red cells) placed at known centres, many of them on the analysis tiles' seams and
/// corners: every cell must be found exactly once, in bounded memory.
extension MemoryCeilingTests { @Suite struct WholeSlideTests {
    static let side = 20_000
    static let stampSize = 128

    /// A 128 x 128 patch: one WBC (nucleus r 14, cytoplasm r 25) at the centre, four red cells.
    static let stamp: Image = {
        var s = SyntheticSmear(width: stampSize, height: stampSize)
        for (x, y) in [(14.0, 14.0), (114.0, 16.0), (18.0, 112.0), (110.0, 110.0)] {
            s.disc(x: x, y: y, r: 11, counter: 0.3, replace: true)
        }
        s.disc(x: 64, y: 64, r: 25, nucleus: 0.08, counter: 0.08, replace: true)
        s.disc(x: 64, y: 64, r: 14, nucleus: 0.9, counter: 0.05, replace: true)
        return s.render(stains: PipelineFixtures.stains).image()
    }()

    /// Centres: on every kind of seam of `plan` (vertical, horizontal, four-way corners, a few
    /// pixels either side) and scattered inside tiles. Stamps never overlap.
    static func centres(_ plan: TilePlan) -> [(Int, Int)] {
        let c = plan.coreSize
        var out: [(Int, Int)] = []
        for k in [3] where (k + 1) * c < side {
            out += [(k * c, 3000 + 700 * k), (k * c - 6, 9000 + 500 * k), (k * c + 7, 15_000 + 300 * k)]   // vertical seams
            out += [(2500 + 800 * k, k * c), (8200 + 450 * k, k * c + 5)]                               // horizontal seams
            out += [(k * c, k * c), (k * c + 3, (k + 2) * c - 4)]                                        // corners
        }
        var rng = TestRandom(state: 11)
        while out.count < 13 {
            let p = (Int(300 + rng.next() * Double(side - 600)), Int(300 + rng.next() * Double(side - 600)))
            if out.allSatisfy({ abs($0.0 - p.0) > stampSize + 8 || abs($0.1 - p.1) > stampSize + 8 }) { out.append(p) }
        }
        return out
    }

    /// Writes the mosaic block by block (memory: one 512 x 512 block).
    static func writeMosaic(to path: String, centres: [(Int, Int)]) throws {
        let glass = [UInt8](repeating: 255, count: 512 * 512 * 3)
        let stamp = self.stamp, half = stampSize / 2
        let page = TIFFPageSource(width: side, height: side, channels: 3, bitDepth: 8) { x, y, w, h in
            var samples = w == 512 && h == 512 ? glass : [UInt8](repeating: 255, count: w * h * 3)
            for (cx, cy) in centres {
                let (sx, sy) = (cx - half, cy - half)
                let x0 = max(x, sx), x1 = min(x + w, sx + stampSize), y0 = max(y, sy), y1 = min(y + h, sy + stampSize)
                guard x0 < x1, y0 < y1 else { continue }
                for py in y0..<y1 {
                    for px in x0..<x1 {
                        for k in 0..<3 { samples[((py - y) * w + px - x) * 3 + k] = stamp.samples8[((py - sy) * stampSize + px - sx) * 3 + k] }
                    }
                }
            }
            return Image(width: w, height: h, channels: 3, samples: samples)
        }
        try ImageWriter.writeTIFF(pages: [page], to: path,
                                  options: TIFFWriteOptions(layout: .tiles(width: 512, height: 512), compression: .deflate, bigTIFF: true))
    }

    @Test func everyPlacedCellIsFoundOnceUnderTheMemoryCeiling() throws {
        let scratch = try ScratchFolder(prefix: "slide")
        defer { scratch.remove() }
        let ceiling = 1 << 30
        let analyzer = try PipelineFixtures.analyzer { $0.memoryLimitBytes = ceiling; $0.threads = 2 }
        let plan = try analyzer.plan(width: Self.side, height: Self.side, decodedBytes: 0)
        #expect(plan.tiles.count > 100)
        let centres = Self.centres(plan)
        let path = scratch.path + "/mosaic.tif"
        var start = Date()
        try Self.writeMosaic(to: path, centres: centres)
        let writeSeconds = Date().timeIntervalSince(start)
        ProcessMemory.resetPeak()
        let before = ProcessMemory.peakResidentBytes()
        start = Date()
        let updates = ProgressLog()
        let analysis = try analyzer.analyze(path: path) { updates.append($0) }
        let peak = ProcessMemory.peakResidentBytes()
        print("whole slide: wrote in \(writeSeconds) s, analysed in \(Date().timeIntervalSince(start)) s, "
              + "\(plan.tiles.count) tiles of \(plan.coreSize), peak RSS \(peak >> 20) MB (before \(before >> 20) MB), "
              + "stages \(analysis.stageMilliseconds.mapValues { Int($0) })")
        for (x, y) in centres {
            let hits = analysis.cells.filter { $0.box.x0 <= Double(x) && Double(x) <= $0.box.x1 && $0.box.y0 <= Double(y) && Double(y) <= $0.box.y1 }
            #expect(hits.count == 1, "cell at \(x),\(y) found \(hits.count) times")
        }
        #expect(analysis.cells.count == centres.count)
        // The process's resident size before the analysis (other suites' live memory in this
        // shared test process) is not the analysis's: its growth must stay under the ceiling.
        #expect(peak - before < ceiling, "peak RSS \(peak >> 20) MB, \((peak - before) >> 20) MB over the \(before >> 20) MB before: over the \(ceiling >> 20) MB ceiling")
        let last = try #require(updates.items.last)
        #expect(last.tilesDone == plan.tiles.count && last.tilesTotal == plan.tiles.count && updates.items.count == plan.tiles.count)
        #expect(last.tilesSkippedEmpty > plan.tiles.count / 2)
        #expect(analysis.overlayBase?.width == 2048 && abs(analysis.overlayScale - 2048.0 / 20_000) < 1e-9)
        #expect(analysis.source.width == Self.side && analysis.source.format == "TIFF")
    }
} }

/// Progress updates collected from the callback.
final class ProgressLog: @unchecked Sendable {
    // @unchecked Sendable: the analyzer calls back on the calling thread only; the lock
    // guards the array anyway.
    private let lock = NSLock()
    private var list: [AnalysisProgress] = []
    func append(_ p: AnalysisProgress) { lock.withLock { list.append(p) } }
    var items: [AnalysisProgress] { lock.withLock { list } }
}
