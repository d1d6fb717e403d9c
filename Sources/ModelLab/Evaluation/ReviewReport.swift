import Analysis
import CellModel
import ImageIO
import Tensor
/// How well the analyzer's per-cell review flags single out the cells the network types
/// wrongly (`leuko eval`'s `review` object).
///
/// Over the typed crops, for `low_confidence` (calibrated probability below its threshold),
/// `low_consistency` (Grad-CAM consistency below its threshold, on the network's own mask) and
/// `either`: how many crops the flag marks (`flagged`, `flag_rate` of `typed`), and how many
/// of the wrongly typed ones it marks (`flagged_wrong`, `errors_caught` of `wrong`). A useful
/// flag catches many errors at a low flag rate; one that marks correct and wrong cells alike
/// has `errors_caught` near its `flag_rate`. Also the mean consistency of right and of wrong
/// crops, and each score's `ReviewCurve` (`confidence_curve`, `margin_curve`: probability minus
/// the runner-up's, `consistency_curve`) for choosing other thresholds, and each score's
/// `ErrorAUROC` (`confidence_auroc`, `margin_auroc`, `consistency_auroc`): whether it tells
/// wrong from right at any threshold.
package struct ReviewReport: Encodable, Equatable {
    /// One flag's tally.
    package struct FlagScore: Encodable, Equatable {
        package var threshold: Double?
        package var typed = 0
        package var wrong = 0
        package var flagged = 0
        package var flaggedWrong = 0

        package var flagRate: Double? { typed > 0 ? Double(flagged) / Double(typed) : nil }
        package var errorsCaught: Double? { wrong > 0 ? Double(flaggedWrong) / Double(wrong) : nil }

        mutating func add(flagged isFlagged: Bool, correct: Bool) {
            typed += 1
            if !correct { wrong += 1 }
            if isFlagged { flagged += 1; if !correct { flaggedWrong += 1 } }
        }

        enum CodingKeys: String, CodingKey {
            case threshold, typed, wrong, flagged
            case flaggedWrong = "flagged_wrong", flagRate = "flag_rate", errorsCaught = "errors_caught"
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(threshold, forKey: .threshold)
            try c.encode(typed, forKey: .typed); try c.encode(wrong, forKey: .wrong)
            try c.encode(flagged, forKey: .flagged); try c.encode(flaggedWrong, forKey: .flaggedWrong)
            try c.encodeIfPresent(flagRate, forKey: .flagRate); try c.encodeIfPresent(errorsCaught, forKey: .errorsCaught)
        }
    }

    package var lowConfidence: FlagScore
    package var lowConsistency: FlagScore
    package var either = FlagScore()
    /// The analyzer's rule for the two flags, at the thresholds scored.
    private let thresholds: ReviewThresholds
    private var consistencySumCorrect = 0.0, consistencyCountCorrect = 0
    private var consistencySumWrong = 0.0, consistencyCountWrong = 0
    private var confidences: [Double] = [], margins: [Double] = [], consistencies: [Double?] = [], corrects: [Bool] = []
    private var nucleusEvidences: [Double?] = [], viewAgreements: [Double?] = []

    package var confidenceCurve: ReviewCurve {
        ReviewCurve(scores: zip(confidences, corrects).map { ($0, $1) }, thresholds: ReviewCurve.probabilityThresholds)
    }
    package var marginCurve: ReviewCurve {
        ReviewCurve(scores: zip(margins, corrects).map { ($0, $1) }, thresholds: ReviewCurve.probabilityThresholds)
    }
    package var consistencyCurve: ReviewCurve {
        ReviewCurve(scores: zip(consistencies, corrects).compactMap { c, r in c.map { ($0, r) } },
                    thresholds: ReviewCurve.consistencyThresholds)
    }

    /// `ErrorAUROC` of each score: how well low values single out the wrongly typed crops.
    package var confidenceAUROC: Double? { ErrorAUROC.value(zip(confidences, corrects).map { ($0, $1) }) }
    package var marginAUROC: Double? { ErrorAUROC.value(zip(margins, corrects).map { ($0, $1) }) }
    package var consistencyAUROC: Double? {
        ErrorAUROC.value(zip(consistencies, corrects).compactMap { c, r in c.map { ($0, r) } })
    }

    /// The same for the candidate signals: Grad-CAM on the nucleus, agreement of the views.
    package var nucleusEvidenceAUROC: Double? {
        ErrorAUROC.value(zip(nucleusEvidences, corrects).compactMap { c, r in c.map { ($0, r) } })
    }
    package var viewAgreementAUROC: Double? {
        ErrorAUROC.value(zip(viewAgreements, corrects).compactMap { c, r in c.map { ($0, r) } })
    }

    package var meanConsistencyCorrect: Double? {
        consistencyCountCorrect > 0 ? consistencySumCorrect / Double(consistencyCountCorrect) : nil
    }
    package var meanConsistencyWrong: Double? {
        consistencyCountWrong > 0 ? consistencySumWrong / Double(consistencyCountWrong) : nil
    }

    package init(lowConfidence: Double, lowConsistency: Double) {
        self.lowConfidence = FlagScore(threshold: lowConfidence)
        self.lowConsistency = FlagScore(threshold: lowConsistency)
        thresholds = ReviewThresholds(lowConfidence: lowConfidence, lowConsistency: lowConsistency)
    }

    /// Tallies one typed crop: its calibrated probability, that minus the runner-up's
    /// (`margin`), its consistency. A crop without a consistency (no segmentation) is never
    /// flagged `low_consistency`, as in the analyzer.
    package mutating func add(confidence: Double, margin: Double, consistency: Double?, correct: Bool,
                              nucleusEvidence: Double? = nil, viewAgreement: Double? = nil) {
        confidences.append(confidence); margins.append(margin); consistencies.append(consistency); corrects.append(correct)
        nucleusEvidences.append(nucleusEvidence); viewAgreements.append(viewAgreement)
        let flags = thresholds.flags(probability: confidence, consistency: consistency)
        let unsure = flags.contains(.lowConfidence), unfocused = flags.contains(.lowConsistency)
        lowConfidence.add(flagged: unsure, correct: correct)
        lowConsistency.add(flagged: unfocused, correct: correct)
        either.add(flagged: unsure || unfocused, correct: correct)
        if let consistency {
            if correct { consistencySumCorrect += consistency; consistencyCountCorrect += 1 }
            else { consistencySumWrong += consistency; consistencyCountWrong += 1 }
        }
    }

    enum CodingKeys: String, CodingKey {
        case either
        case lowConfidence = "low_confidence", lowConsistency = "low_consistency"
        case meanConsistencyCorrect = "mean_consistency_correct", meanConsistencyWrong = "mean_consistency_wrong"
        case confidenceCurve = "confidence_curve", marginCurve = "margin_curve", consistencyCurve = "consistency_curve"
        case confidenceAUROC = "confidence_auroc", marginAUROC = "margin_auroc", consistencyAUROC = "consistency_auroc"
        case nucleusEvidenceAUROC = "nucleus_evidence_auroc", viewAgreementAUROC = "view_agreement_auroc"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lowConfidence, forKey: .lowConfidence)
        try c.encode(lowConsistency, forKey: .lowConsistency)
        try c.encode(either, forKey: .either)
        try c.encodeIfPresent(meanConsistencyCorrect, forKey: .meanConsistencyCorrect)
        try c.encodeIfPresent(meanConsistencyWrong, forKey: .meanConsistencyWrong)
        try c.encodeIfPresent(confidenceAUROC, forKey: .confidenceAUROC)
        try c.encodeIfPresent(marginAUROC, forKey: .marginAUROC)
        try c.encodeIfPresent(consistencyAUROC, forKey: .consistencyAUROC)
        try c.encodeIfPresent(nucleusEvidenceAUROC, forKey: .nucleusEvidenceAUROC)
        try c.encodeIfPresent(viewAgreementAUROC, forKey: .viewAgreementAUROC)
        try c.encode(confidenceCurve, forKey: .confidenceCurve)
        try c.encode(marginCurve, forKey: .marginCurve)
        try c.encode(consistencyCurve, forKey: .consistencyCurve)
    }
}
