/// Localisation quality of one dataset, as `leuko localize-eval` prints it.
///
/// Keys (issue 4): `images` always; box datasets (Pascal-VOC WBC boxes) add `recall`,
/// `precision`, `matched`, `missed`, `false_positives` (IoU >= 0.5, one-to-one greedy
/// matching by IoU); single-cell datasets add `located_rate` and, where masks exist,
/// `prior_iou`, `scale_ratio_mean`, `scale_ratio_std`. `located_by` says how located_rate
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

    enum CodingKeys: String, CodingKey {
        case dataset, split, images, recall, precision, matched, missed
        case falsePositives = "false_positives"
        case locatedRate = "located_rate"
        case locatedBy = "located_by"
        case priorIoU = "prior_iou"
        case scaleRatioMean = "scale_ratio_mean"
        case scaleRatioStd = "scale_ratio_std"
    }

    package init(dataset: String, split: String, images: Int) {
        self.dataset = dataset; self.split = split; self.images = images
    }
}
