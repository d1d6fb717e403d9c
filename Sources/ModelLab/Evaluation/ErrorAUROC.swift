import Analysis
import CellModel
import ImageIO
import Tensor
/// How well a per-cell score tells wrongly typed cells from right ones: the area under the ROC
/// curve of "this cell is wrong" when cells are flagged from the lowest score up. 1: every
/// wrong cell scores below every right one; 0.5: the score says nothing (the target
/// for a review signal on an unseen source is at least 0.70).
///
/// Computed as the Mann-Whitney statistic: the share of (wrong, right) pairs in which the
/// wrong cell scores lower, ties counting half. O(n log n). Nil without both kinds of cell.
package enum ErrorAUROC {
    package static func value(_ scores: [(score: Double, correct: Bool)]) -> Double? {
        let wrong = scores.filter { !$0.correct }.count, right = scores.count - wrong
        guard wrong > 0, right > 0 else { return nil }
        let sorted = scores.sorted { $0.score < $1.score }
        // Average ranks (1-based) over ties; sum the ranks of the right cells.
        var rightRankSum = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1].score == sorted[i].score { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j where sorted[k].correct { rightRankSum += rank }
            i = j + 1
        }
        // Pairs where the right cell outranks (scores above) the wrong one.
        let u = rightRankSum - Double(right) * Double(right + 1) / 2
        return u / (Double(wrong) * Double(right))
    }
}
