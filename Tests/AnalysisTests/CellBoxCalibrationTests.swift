import TestSupport
import Foundation
import Testing
@testable import Analysis
import CellModel
@testable import ModelLab

/// The reported cell boxes are sized like the annotators' on BCCD: over all its fields, the
/// candidates' boxes matched at IoU >= 0.5 have sides within a few per cent of the annotated
/// ones (median of sqrt(area ratio)), and recall holds. With the wide region margin as the box
/// (0.3 of the nucleus diameter) the median ratio was 1.13 and recall 0.953.
@Suite(.enabled(if: SharedDatasets.present, "../shared/datasets is absent: BCCD box calibration test skipped"))
struct CellBoxCalibrationTests {
    @Test func bccdBoxesMatchTheAnnotatorsScale() throws {
        let dataset = try Dataset.load(directory: SharedDatasets.root! + "/bccd")
        let records = dataset.records.filter { !$0.wbcBoxes.isEmpty }
        #expect(records.count > 250)
        var found = [[BoundingBox]?](repeating: nil, count: records.count)
        found.withUnsafeMutableBufferPointer { buffer in
            // Safe: concurrentPerform gives each index to exactly one iteration, and the
            // buffer outlives the call.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: records.count) { i in
                slots[i] = try? FieldLocalizer().run(path: records[i].imagePath).candidates.map(\.box)
            }
        }
        var ratios: [Double] = [], truths = 0
        for (record, boxes) in zip(records, found) {
            let boxes = try #require(boxes, "\(record.imagePath) failed")
            truths += record.wbcBoxes.count
            for pair in BoxMatcher.pairs(truth: record.wbcBoxes, found: boxes, minIoU: 0.5) {
                ratios.append((boxes[pair.found].area / record.wbcBoxes[pair.truth].area).squareRoot())
            }
        }
        let median = ratios.sorted()[ratios.count / 2]
        #expect(abs(median - 1) < 0.06, "median side ratio \(median)")
        #expect(Double(ratios.count) / Double(truths) >= 0.96, "recall \(ratios.count) / \(truths)")
    }
}
