import Foundation
import Testing
import CellModel
@testable import Analysis

@Suite struct ReviewReportTests {
    /// Five crops tallied by hand: thresholds 0.6 (confidence) and 0.5 (consistency).
    @Test func talliesEachFlagAgainstTheWrongCrops() throws {
        var review = ReviewReport(lowConfidence: 0.6, lowConsistency: 0.5)
        review.add(confidence: 0.95, consistency: 0.9, correct: true)   // no flag
        review.add(confidence: 0.55, consistency: 0.8, correct: true)   // low confidence, right
        review.add(confidence: 0.90, consistency: 0.2, correct: false)  // low consistency, wrong
        review.add(confidence: 0.40, consistency: 0.1, correct: false)  // both, wrong
        review.add(confidence: 0.70, consistency: nil, correct: false)  // no mask: never low consistency
        #expect(review.lowConfidence == .init(threshold: 0.6, typed: 5, wrong: 3, flagged: 2, flaggedWrong: 1))
        #expect(review.lowConsistency == .init(threshold: 0.5, typed: 5, wrong: 3, flagged: 2, flaggedWrong: 2))
        #expect(review.either == .init(threshold: nil, typed: 5, wrong: 3, flagged: 3, flaggedWrong: 2))
        #expect(review.either.flagRate == 0.6)
        #expect(review.lowConsistency.errorsCaught == 2.0 / 3.0)
        #expect(abs(review.meanConsistencyCorrect! - 0.85) < 1e-12 && abs(review.meanConsistencyWrong! - 0.15) < 1e-12)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(review)) as! [String: Any]
        #expect(Set(json.keys) == ["low_confidence", "low_consistency", "either", "mean_consistency_correct", "mean_consistency_wrong"])
        let consistency = json["low_consistency"] as! [String: Any]
        #expect(Set(consistency.keys) == ["threshold", "typed", "wrong", "flagged", "flagged_wrong", "flag_rate", "errors_caught"])
        #expect(consistency["flagged_wrong"] as? Int == 2)
    }

    @Test func ratesAreAbsentWithoutCrops() {
        let review = ReviewReport(lowConfidence: 0.6, lowConsistency: 0.5)
        #expect(review.either.flagRate == nil && review.either.errorsCaught == nil && review.meanConsistencyWrong == nil)
    }
}
