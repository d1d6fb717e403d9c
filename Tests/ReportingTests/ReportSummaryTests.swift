import Analysis
import CellModel
import Foundation
import Testing
@testable import Reporting

@Suite struct ReportSummaryTests {
    @Test func differentialCountsWBCsOnly() throws {
        let summary = ReportSummary(ReportFixtures.analysis())
        #expect(summary.cellsDetected == 4)
        #expect(summary.wbcCounted == 3)   // the platelet (not_a_wbc) is left out
        #expect(summary.count(of: .neutrophil).count == 2)
        #expect(summary.count(of: .neutrophil).percent == 66.67)
        #expect(summary.count(of: .lymphocyte).percent == 33.33)
        #expect(summary.count(of: .platelet).count == 0)
        #expect(summary.differential.map(\.type) == CellClass.allCases.map(\.rawValue))
        #expect(summary.flaggedCells == 3)
        #expect(summary.flaggedCellNumbers == [2, 3, 4])
        #expect(summary.flagCounts["not_a_wbc"] == 1 && summary.flagCounts["low_consistency"] == 0)
        #expect(summary.processingSeconds == 0.125)
    }

    @Test func emptyAnalysisHasZeroPercentages() {
        let summary = ReportSummary(ReportFixtures.empty)
        #expect(summary.wbcCounted == 0 && summary.cellsDetected == 0 && summary.flaggedCells == 0)
        #expect(summary.differential.allSatisfy { $0.count == 0 && $0.percent == 0 })
    }

    @Test func jsonUsesDocumentedKeys() throws {
        let data = try ReportSummary(ReportFixtures.analysis()).jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys: Set<String> = ["source", "source_sha256", "sop_instance_uid", "model", "model_version",
                                 "software_version", "started_at", "cells_detected", "wbc_counted", "differential",
                                 "flagged_cells", "flagged_cell_numbers", "flag_counts", "processing_seconds",
                                 "stage_milliseconds", "scale_estimated"]
        #expect(Set(object.keys) == keys)
        #expect(object["source"] as? String == ReportFixtures.hostileName)
        #expect(object["started_at"] as? String == "2026-11-18T11:06:40.250Z")
        let first = try #require((object["differential"] as? [[String: Any]])?.first)
        #expect(first["type"] as? String == "neutrophil" && first["count"] as? Int == 2)
        let decoded = try JSONDecoder().decode(ReportSummary.self, from: data)
        #expect(decoded == ReportSummary(ReportFixtures.analysis()))
    }
}
