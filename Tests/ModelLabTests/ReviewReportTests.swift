import Foundation
import Testing
@testable import ModelLab
import CellModel
@testable import Analysis

@Suite struct ReviewReportTests {
    /// Five crops tallied by hand: thresholds 0.6 (confidence) and 0.5 (consistency).
    @Test func talliesEachFlagAgainstTheWrongCrops() throws {
        var review = ReviewReport(lowConfidence: 0.6, lowConsistency: 0.5)
        review.add(confidence: 0.95, margin: 0.93, consistency: 0.9, correct: true)   // no flag
        review.add(confidence: 0.55, margin: 0.25, consistency: 0.8, correct: true)   // low confidence, right
        review.add(confidence: 0.90, margin: 0.85, consistency: 0.2, correct: false)  // low consistency, wrong
        review.add(confidence: 0.40, margin: 0.05, consistency: 0.1, correct: false)  // both, wrong
        review.add(confidence: 0.70, margin: 0.45, consistency: nil, correct: false)  // no mask: never low consistency
        #expect(review.lowConfidence == .init(threshold: 0.6, typed: 5, wrong: 3, flagged: 2, flaggedWrong: 1))
        #expect(review.lowConsistency == .init(threshold: 0.5, typed: 5, wrong: 3, flagged: 2, flaggedWrong: 2))
        #expect(review.either == .init(threshold: nil, typed: 5, wrong: 3, flagged: 3, flaggedWrong: 2))
        #expect(review.either.flagRate == 0.6)
        #expect(review.lowConsistency.errorsCaught == 2.0 / 3.0)
        #expect(abs(review.meanConsistencyCorrect! - 0.85) < 1e-12 && abs(review.meanConsistencyWrong! - 0.15) < 1e-12)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(review)) as! [String: Any]
        #expect(Set(json.keys) == ["low_confidence", "low_consistency", "either", "mean_consistency_correct", "mean_consistency_wrong",
                                   "confidence_curve", "margin_curve", "consistency_curve",
                                   "confidence_auroc", "margin_auroc", "consistency_auroc"])
        let consistency = json["low_consistency"] as! [String: Any]
        #expect(Set(consistency.keys) == ["threshold", "typed", "wrong", "flagged", "flagged_wrong", "flag_rate", "errors_caught"])
        #expect(consistency["flagged_wrong"] as? Int == 2)
    }

    /// The same five crops' curves, tallied by hand at a few thresholds.
    @Test func curvesTallyEachThreshold() throws {
        var review = ReviewReport(lowConfidence: 0.6, lowConsistency: 0.5)
        review.add(confidence: 0.95, margin: 0.93, consistency: 0.9, correct: true)
        review.add(confidence: 0.55, margin: 0.25, consistency: 0.8, correct: true)
        review.add(confidence: 0.90, margin: 0.85, consistency: 0.2, correct: false)
        review.add(confidence: 0.40, margin: 0.05, consistency: 0.1, correct: false)
        review.add(confidence: 0.70, margin: 0.45, consistency: nil, correct: false)

        func point(_ curve: ReviewCurve, _ threshold: Double) throws -> ReviewCurve.Point {
            try #require(curve.points.first { abs($0.threshold - threshold) < 1e-9 })
        }
        // Probability below 0.75: 0.55 (right), 0.70 and 0.40 (wrong); left 0.95 (right), 0.90 (wrong).
        let confidence = try point(review.confidenceCurve, 0.75)
        #expect(confidence.flagged == 3 && confidence.flaggedWrong == 2)
        #expect(confidence.flagRate == 0.6 && confidence.errorsCaught == 2.0 / 3.0 && confidence.accuracyUnflagged == 0.5)
        // Margin below 0.3: 0.25 (right), 0.05 (wrong).
        let margin = try point(review.marginCurve, 0.3)
        #expect(margin.flagged == 2 && margin.flaggedWrong == 1 && margin.accuracyUnflagged == 1.0 / 3.0)
        // Consistency counts the four crops that have one; below 0.3: 0.2 and 0.1, both wrong.
        let consistency = try point(review.consistencyCurve, 0.3)
        #expect(consistency.flagged == 2 && consistency.flaggedWrong == 2)
        #expect(consistency.flagRate == 0.5 && consistency.errorsCaught == 1 && consistency.accuracyUnflagged == 1)
        // Nothing is below the lowest threshold of the probability curve, everything below 0.95 but one.
        #expect(try point(review.confidenceCurve, 0.3).flagged == 0)
        #expect(try point(review.confidenceCurve, 0.95).accuracyUnflagged == 1)
        #expect(review.confidenceCurve.points.map(\.threshold) == ReviewCurve.probabilityThresholds)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(review)) as! [String: Any]
        let first = try #require((json["consistency_curve"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["threshold", "flagged", "flagged_wrong", "flag_rate", "errors_caught", "accuracy_unflagged"])
        #expect(first["threshold"] as? Double == 0.1)
    }

    @Test func ratesAreAbsentWithoutCrops() {
        let review = ReviewReport(lowConfidence: 0.6, lowConsistency: 0.5)
        #expect(review.either.flagRate == nil && review.either.errorsCaught == nil && review.meanConsistencyWrong == nil)
        #expect(review.confidenceCurve.points.allSatisfy { $0.flagRate == nil && $0.errorsCaught == nil && $0.accuracyUnflagged == nil })
    }

    @Test func candidateSignalsGetTheirOwnAUROC() throws {
        var review = ReviewReport(lowConfidence: 0.8, lowConsistency: 0.3)
        // Wrong crops: low view agreement, nucleus evidence unrelated to correctness.
        review.add(confidence: 0.9, margin: 0.8, consistency: 0.9, correct: true, nucleusEvidence: 0.2, viewAgreement: 0.95)
        review.add(confidence: 0.9, margin: 0.8, consistency: 0.9, correct: true, nucleusEvidence: 0.6, viewAgreement: 0.9)
        review.add(confidence: 0.9, margin: 0.8, consistency: 0.9, correct: false, nucleusEvidence: 0.4, viewAgreement: 0.3)
        review.add(confidence: 0.9, margin: 0.8, consistency: 0.9, correct: false, nucleusEvidence: 0.5, viewAgreement: 0.5)
        #expect(review.viewAgreementAUROC == 1)
        #expect(review.nucleusEvidenceAUROC == 0.5)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(review)) as! [String: Any]
        #expect(json["view_agreement_auroc"] as? Double == 1 && json["nucleus_evidence_auroc"] as? Double == 0.5)
        let without = ReviewReport(lowConfidence: 0.8, lowConsistency: 0.3)
        #expect(without.viewAgreementAUROC == nil, "no crop with several views")
    }
}
