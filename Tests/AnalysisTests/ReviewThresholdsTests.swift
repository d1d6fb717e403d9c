import Foundation
import Testing
import CellModel
import ImageIO
@testable import Analysis

@Suite struct ReviewThresholdsTests {
    @Test func flagsFollowTheRule() {
        let t = ReviewThresholds(lowConfidence: 0.8, lowConsistency: 0.3)
        #expect(t.flags(probability: 0.95, consistency: 0.9) == [])
        #expect(t.flags(probability: 0.79, consistency: 0.9) == [.lowConfidence])
        #expect(t.flags(probability: 0.8, consistency: 0.3) == [], "at the threshold: not below it")
        #expect(t.flags(probability: 0.95, consistency: 0.29) == [.lowConsistency])
        #expect(t.flags(probability: 0.5, consistency: 0.1) == [.lowConfidence, .lowConsistency])
        #expect(t.flags(probability: 0.95, consistency: nil) == [], "no consistency score: never low_consistency")
        #expect(ReviewThresholds(lowConfidence: 0, lowConsistency: 0).flags(probability: 0, consistency: 0) == [],
                "0 turns both flags off")
        #expect(AnalyzerSettings().review == ReviewThresholds(lowConfidence: 0.8, lowConsistency: 0.3))
    }

    static func cell(_ number: Int, p: Double, consistency: Double?, flags: Set<CellFlag>) -> CellFinding {
        CellFinding(number: number, cellClass: .neutrophil, probability: p, runnerUp: nil, contour: [], nucleusContour: [],
                    box: BoundingBox(x0: 0, y0: 0, x1: 10, y1: 10), cellArea: 100, nucleusArea: 40, cytoplasmArea: 60,
                    areaUnit: .pixel, consistency: consistency, flags: flags, images: nil)
    }

    @Test func reviewRedrawsOnlyTheReviewFlags() {
        var analysis = ImageAnalysis(
            source: .init(path: "/in/a.png", sha256: String(repeating: "0", count: 64), width: 20, height: 20,
                          pixelSpacing: nil, format: "PNG"),
            model: .init(name: "leuko-wbc", version: "1", weightsSHA256: ""), softwareVersion: "test",
            cells: [
                Self.cell(1, p: 0.9, consistency: 0.6, flags: []),
                Self.cell(2, p: 0.7, consistency: 0.2, flags: [.lowConfidence, .lowConsistency, .atBorder]),
                Self.cell(3, p: 0.5, consistency: nil, flags: [.lowConfidence, .notAWBC, .overlapping]),
            ],
            overlayBase: nil, overlayScale: 1, startedAt: Date(timeIntervalSince1970: 0), stageMilliseconds: [:],
            processingSeconds: 0)
        analysis.review(with: ReviewThresholds(lowConfidence: 0.95, lowConsistency: 0.1))
        #expect(analysis.cells.map(\.flags) == [[.lowConfidence], [.lowConfidence, .atBorder], [.lowConfidence, .notAWBC, .overlapping]])
        analysis.review(with: ReviewThresholds(lowConfidence: 0, lowConsistency: 0.7))
        #expect(analysis.cells.map(\.flags) == [[.lowConsistency], [.lowConsistency, .atBorder], [.notAWBC, .overlapping]])
    }
}
