import CellModel
import Analysis
import ImageIO
import Tensor

/// Localisation quality of one dataset, as `leuko localize-eval` prints it.
///
/// Keys (issue 4): `images` always; box datasets (Pascal-VOC WBC boxes) add `recall`,
/// `precision`, `matched`, `missed`, `false_positives` (IoU >= 0.5, one-to-one greedy
/// matching by IoU); single-cell datasets add `located_rate` and, where masks exist,
/// `prior_iou`, `scale_ratio_mean`, `scale_ratio_std` and the `outline_*` keys. `located_by` says how located_rate
/// was judged: `mask_iou` (the chosen candidate's cell region has IoU >= 0.5 with the
/// ground-truth cell mask) or `centre` (no masks: the chosen candidate's cell box contains
/// the image centre, where single-cell sources put their cell).
package struct LocalizationReport: Sendable, Codable, Equatable {
    package var dataset: String
    package var split: String
    package var images: Int
    package var recall: Double?
    package var precision: Double?
    package var matched: Int?
    package var missed: Int?
    package var falsePositives: Int?
    package var locatedRate: Double?
    package var locatedBy: String?
    package var priorIoU: Double?
    package var scaleRatioMean: Double?
    package var scaleRatioStd: Double?
    /// Mask datasets: the share of chosen cells the localiser outlined (a cell alone on glass),
    /// and the mean IoUs of their outline masks (`OutlineMask`, the training masks of
    /// `--outline-masks`) with the drawn ones: how good that supervision is.
    package var outlineRate: Double?
    package var outlineCellIoU: Double?
    package var outlineNucleusIoU: Double?
    package var outlineCytoplasmIoU: Double?
    /// Box datasets: every image with a missed WBC box or a false positive, for diagnosis
    /// (`leuko localize-eval --details`); nil otherwise.
    package var errors: [ImageErrors]?

    /// The localisation errors in one image of a box dataset.
    package struct ImageErrors: Sendable, Codable, Equatable {
        package var image: String
        /// Mask datasets: the IoU of the chosen candidate's cell region with the true cell
        /// (0 when there was no candidate), for an image that was not located.
        package var cellIoU: Double? = nil
        /// Number of candidates found in the image.
        package var candidates: Int? = nil
        /// WBC boxes no candidate matched, each with the best IoU any candidate reached.
        package var missed: [Miss]
        /// Candidate boxes that matched no WBC box.
        package var falsePositives: [BoundingBox]

        package struct Miss: Sendable, Codable, Equatable {
            package var box: BoundingBox
            package var bestIoU: Double
            enum CodingKeys: String, CodingKey { case box, bestIoU = "best_iou" }
        }

        enum CodingKeys: String, CodingKey {
            case image, missed, candidates
            case cellIoU = "cell_iou"
            case falsePositives = "false_positives"
        }
    }

    enum CodingKeys: String, CodingKey {
        case dataset, split, images, recall, precision, matched, missed
        case falsePositives = "false_positives"
        case locatedRate = "located_rate"
        case locatedBy = "located_by"
        case priorIoU = "prior_iou"
        case scaleRatioMean = "scale_ratio_mean"
        case scaleRatioStd = "scale_ratio_std"
        case outlineRate = "outline_rate"
        case outlineCellIoU = "outline_cell_iou"
        case outlineNucleusIoU = "outline_nucleus_iou"
        case outlineCytoplasmIoU = "outline_cytoplasm_iou"
        case errors
    }

    package init(dataset: String, split: String, images: Int) {
        self.dataset = dataset; self.split = split; self.images = images
    }
}
