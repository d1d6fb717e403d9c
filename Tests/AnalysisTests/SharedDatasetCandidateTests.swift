import TestSupport
import Foundation
import Testing
@testable import Analysis
import CellModel
import ImageIO

/// Every image of every dataset under ../shared/datasets yields at least one candidate.
/// Images are analysed on all cores; each iteration writes only its own slot.
@Suite(.enabled(if: SharedDatasets.present, "../shared/datasets is absent: per-image candidate test skipped"))
struct SharedDatasetCandidateTests {
    @Test func everyImageYieldsACandidate() throws {
        let records = try Dataset.loadAll(root: SharedDatasets.root!).flatMap(\.records)
        #expect(records.count == 2457)
        var counts = [Int](repeating: -1, count: records.count)
        counts.withUnsafeMutableBufferPointer { buffer in
            // Safe: concurrentPerform gives each index to exactly one iteration, and the
            // buffer outlives the call.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: records.count) { i in
                let n = (try? FieldLocalizer().run(path: records[i].imagePath).candidates.count) ?? -1
                slots[i] = n
            }
        }
        let failed = records.indices.filter { counts[$0] < 1 }.map { "\(records[$0].imagePath): \(counts[$0])" }
        #expect(failed.isEmpty, "no candidate (or error) in \(failed.count) images: \(failed.prefix(20))")
    }
}
