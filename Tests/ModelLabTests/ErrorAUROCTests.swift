import Testing
@testable import ModelLab
@testable import Analysis

/// The error-detection AUROC of a review score.
@Suite struct ErrorAUROCTests {
    @Test func separatesPerfectReversedAndUselessScores() {
        let perfect: [(score: Double, correct: Bool)] = [(0.1, false), (0.2, false), (0.8, true), (0.9, true), (0.95, true)]
        #expect(ErrorAUROC.value(perfect) == 1)
        #expect(ErrorAUROC.value(perfect.map { (1 - $0.score, $0.correct) }) == 0)
        #expect(ErrorAUROC.value([(0.5, false), (0.5, true), (0.5, true)]) == 0.5, "ties count half")
        #expect(ErrorAUROC.value([(0.3, true), (0.4, true)]) == nil, "no wrong cell")
    }

    @Test func matchesTheCountOfOrderedPairs() {
        // Wrong at 0.2 and 0.6; right at 0.4, 0.6, 0.9. Pairs (wrong below right): 0.2 < all 3;
        // 0.6 < 0.9, ties 0.6 (half) -> (3 + 1 + 0.5) / 6.
        let scores: [(score: Double, correct: Bool)] = [(0.2, false), (0.6, false), (0.4, true), (0.6, true), (0.9, true)]
        #expect(abs(ErrorAUROC.value(scores)! - 4.5 / 6) < 1e-12)
    }

    @Test func theReviewReportCarriesOnePerScore() {
        var report = ReviewReport(lowConfidence: 0.8, lowConsistency: 0.3)
        report.add(confidence: 0.95, margin: 0.9, consistency: 0.7, correct: true)
        report.add(confidence: 0.90, margin: 0.8, consistency: 0.2, correct: true)
        report.add(confidence: 0.40, margin: 0.1, consistency: 0.6, correct: false)
        #expect(report.confidenceAUROC == 1 && report.marginAUROC == 1)
        #expect(report.consistencyAUROC == 0.5)
    }
}
