import Analysis
import CellModel
import ImageIO
import Tensor
/// How well `ImageAnalyzer` finds the annotated WBCs of a box dataset (`leuko eval`'s
/// `detection` object).
///
/// A detection is a reported cell that counts as a WBC (not flagged `not_a_wbc`); its box is
/// the tight box of its mask. Detections and annotated WBC boxes are matched one to one by
/// descending IoU, IoU >= 0.5 (`BoxMatcher`). `type_accuracy`: over matched cells in images
/// whose label is one cell type, the share whose predicted type is that label (`typed` of
/// them); nil when there are none.
package struct DetectionReport: Sendable, Codable, Equatable {
    package var images: Int
    package var recall: Double?
    package var precision: Double?
    package var matched: Int
    package var missed: Int
    package var falsePositives: Int
    package var typed: Int
    package var typeAccuracy: Double?
    /// Images the analyzer could not read.
    package var failures: [String]

    enum CodingKeys: String, CodingKey {
        case images, recall, precision, matched, missed, typed, failures
        case falsePositives = "false_positives"
        case typeAccuracy = "type_accuracy"
    }

    package init(images: Int = 0, matched: Int = 0, missed: Int = 0, falsePositives: Int = 0, typed: Int = 0,
                 correctlyTyped: Int = 0, failures: [String] = []) {
        self.images = images; self.matched = matched; self.missed = missed; self.falsePositives = falsePositives
        self.typed = typed; self.failures = failures
        recall = matched + missed > 0 ? Double(matched) / Double(matched + missed) : nil
        precision = matched + falsePositives > 0 ? Double(matched) / Double(matched + falsePositives) : nil
        typeAccuracy = typed > 0 ? Double(correctlyTyped) / Double(typed) : nil
    }
}
