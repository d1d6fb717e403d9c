import CellModel
import Analysis
import ImageIO
import Tensor

/// What `leuko eval` prints and writes, with exactly the keys the model card and the
/// independent evaluation read.
package struct EvaluationReport: Encodable {
    package struct ClassScore: Encodable {
        package let precision: Double
        package let recall: Double
        package let f1: Double
        package let support: Int
    }

    /// One wrongly typed crop (`leuko eval --details`): the image, which of its crops (1-based, in
    /// box order for a smear field), the true and predicted class and the calibrated probability.
    package struct Misclassified: Encodable, Equatable {
        package let image: String
        package let crop: Int
        package let truth: String
        package let predicted: String
        package let probability: Double
    }

    package struct Confusion: Encodable {
        package let classes: [String]
        /// Rows true class, columns predicted class.
        package let matrix: [[Int]]
    }

    package let dataset: String
    package let images: Int
    package let skipped: Int
    package let accuracy: Double
    package let macroF1: Double
    package let perClass: [String: ClassScore]
    package let confusion: Confusion
    package let ece: Double
    package let restrictedToWBCTypes: Bool
    package var cellIoU: Double?
    package var cellDice: Double?
    package var nucleusIoU: Double?
    package var nucleusDice: Double?
    package var cytoplasmIoU: Double?
    package var failures: [String] = []
    /// Box datasets: how the whole analyzer finds the annotated WBCs (`DetectionReport`).
    package var detection: DetectionReport?
    /// Single-cell datasets: whether the analyzer counts each image's WBC.
    package var counting: CountingReport?
    /// How well the review flags single out wrongly typed crops (`ReviewReport`).
    package var review: ReviewReport?
    /// Only with `--details`: every wrongly typed crop.
    package var misclassified: [Misclassified]?

    enum CodingKeys: String, CodingKey {
        case dataset, images, skipped, accuracy, confusion, ece, failures, detection, counting, review, misclassified
        case macroF1 = "macro_f1", perClass = "per_class", restrictedToWBCTypes = "restricted_to_wbc_types"
        case cellIoU = "cell_iou", cellDice = "cell_dice", nucleusIoU = "nucleus_iou", nucleusDice = "nucleus_dice"
        case cytoplasmIoU = "cytoplasm_iou"
    }

    package init(dataset: String, images: Int, skipped: Int, confusion matrix: ConfusionMatrix, ece: Double,
                 restrictedToWBCTypes: Bool) {
        self.dataset = dataset
        self.images = images
        self.skipped = skipped
        accuracy = matrix.accuracy
        macroF1 = matrix.macroF1
        var scores: [String: ClassScore] = [:]
        for (i, name) in matrix.classes.enumerated() where matrix.support(i) > 0 || matrix.predictedCount(i) > 0 {
            scores[name] = ClassScore(precision: matrix.precision(i), recall: matrix.recall(i), f1: matrix.f1(i),
                                      support: matrix.support(i))
        }
        perClass = scores
        confusion = Confusion(classes: matrix.classes, matrix: matrix.counts)
        self.ece = ece
        self.restrictedToWBCTypes = restrictedToWBCTypes
    }
}
