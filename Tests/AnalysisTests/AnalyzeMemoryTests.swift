import Foundation
import Testing
import TestSupport
@testable import Analysis

/// The memory ceiling measured on its own process: `leuko analyze` on a crowded generated
/// slide reports its peak resident memory (`peak_rss_bytes`), which no other test's memory
/// can inflate or hide (the in-process `DenseSlideTests` share the test process).
@Suite struct AnalyzeMemoryTests {
    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func aCrowdedSlideStaysUnderTheCeilingInItsOwnProcess() throws {
        let scratch = try ScratchFolder(prefix: "analyze-memory")
        defer { scratch.remove() }
        let weights = try AnalyzeCommandTests.weights(in: scratch.path)
        let slide = scratch.path + "/dense.tif"
        let placed = try SyntheticSlideRegion.writeTIFF(to: slide, width: 2048, height: 2048, wbcPerMegapixel: 100, spacing: 59)
        let ceiling = 1 << 30
        let r = try AnalyzeCommandTests.run([slide, "-o", scratch.path + "/out", "--weights", weights, "--json-summary",
                                             "--format", "json", "--memory-limit", "1G", "--threads", "2", "--quiet"])
        #expect(r.status == 0, "\(r.error)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        #expect(summary["cells_detected"] as? Int == placed.count)
        let peak = try #require(summary["peak_rss_bytes"] as? Int)
        print("leuko analyze on a 2048 x 2048 slide with \(placed.count) WBCs: peak RSS \(peak >> 20) MB")
        #expect(peak > 0 && peak < ceiling, "peak RSS \(peak >> 20) MB, ceiling \(ceiling >> 20) MB")
    }
}
