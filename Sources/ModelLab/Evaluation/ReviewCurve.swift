import Analysis
import CellModel
import ImageIO
import Tensor
/// What a review flag would do at each of a range of thresholds: for one per-crop score
/// (calibrated probability, its margin over the runner-up, or Grad-CAM consistency), how many
/// typed crops fall below each threshold (`flag_rate`), how many of the wrongly typed ones do
/// (`errors_caught`), and the accuracy of the crops left unflagged (`accuracy_unflagged`).
///
/// Why: `ReviewReport` scores the analyzer's thresholds only; a lab choosing its own
/// (`low_confidence`, `low_consistency` in leuko.toml, `--low-confidence` and `--low-consistency`
/// of `leuko analyze`) needs the trade-off around them:
/// how much of the technician's time each extra share of errors caught costs.
package struct ReviewCurve: Encodable, Equatable {
    /// One threshold's tally. A crop is flagged when its score is below `threshold`.
    package struct Point: Encodable, Equatable {
        package var threshold: Double
        package var flagged: Int
        package var flaggedWrong: Int
        package var flagRate: Double?
        package var errorsCaught: Double?
        package var accuracyUnflagged: Double?

        enum CodingKeys: String, CodingKey {
            case threshold, flagged
            case flaggedWrong = "flagged_wrong", flagRate = "flag_rate", errorsCaught = "errors_caught"
            case accuracyUnflagged = "accuracy_unflagged"
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(threshold, forKey: .threshold)
            try c.encode(flagged, forKey: .flagged); try c.encode(flaggedWrong, forKey: .flaggedWrong)
            try c.encodeIfPresent(flagRate, forKey: .flagRate); try c.encodeIfPresent(errorsCaught, forKey: .errorsCaught)
            try c.encodeIfPresent(accuracyUnflagged, forKey: .accuracyUnflagged)
        }
    }

    package let points: [Point]

    /// `scores`: one (score, correct) per typed crop that has the score; `thresholds` in the
    /// order to report them.
    package init(scores: [(score: Double, correct: Bool)], thresholds: [Double]) {
        let typed = scores.count
        let wrong = scores.filter { !$0.correct }.count
        points = thresholds.map { threshold in
            let flagged = scores.filter { $0.score < threshold }
            let flaggedWrong = flagged.filter { !$0.correct }.count
            let unflagged = typed - flagged.count
            let unflaggedRight = (typed - wrong) - (flagged.count - flaggedWrong)
            return Point(threshold: threshold, flagged: flagged.count, flaggedWrong: flaggedWrong,
                         flagRate: typed > 0 ? Double(flagged.count) / Double(typed) : nil,
                         errorsCaught: wrong > 0 ? Double(flaggedWrong) / Double(wrong) : nil,
                         accuracyUnflagged: unflagged > 0 ? Double(unflaggedRight) / Double(unflagged) : nil)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(points)
    }

    /// Thresholds reported for the calibrated probability and for its margin over the
    /// runner-up: 0.30 to 0.95 in steps of 0.05.
    package static let probabilityThresholds = (6...19).map { Double($0) / 20 }
    /// Thresholds reported for the Grad-CAM consistency: 0.1 to 0.8 in steps of 0.1.
    package static let consistencyThresholds = (1...8).map { Double($0) / 10 }
}
