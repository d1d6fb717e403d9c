import Analysis
import CellModel
import ImageIO
import Tensor
/// Whether `ImageAnalyzer` counts the one white cell of each image of a single-cell dataset
/// (`leuko eval`'s `counting` object).
///
/// Over the images labelled with a WBC type (the five mature types and `ig`; erythroblasts
/// and platelets are never counted as WBCs): `counted` images where the analyzer counts at
/// least one WBC, `missed` those where it counts none (it found no cell, or called every cell
/// `not_a_wbc`), listed in `missed_images`; `counted_rate` = counted / images.
package struct CountingReport: Sendable, Codable, Equatable {
    package var images: Int
    package var counted: Int
    package var missed: Int
    package var countedRate: Double?
    package var missedImages: [String]
    /// Images the analyzer could not read.
    package var failures: [String]

    enum CodingKeys: String, CodingKey {
        case images, counted, missed, failures
        case countedRate = "counted_rate", missedImages = "missed_images"
    }

    package init(counted: Int = 0, missedImages: [String] = [], failures: [String] = []) {
        self.counted = counted; self.missed = missedImages.count; self.images = counted + missedImages.count
        self.missedImages = missedImages; self.failures = failures
        countedRate = images > 0 ? Double(counted) / Double(images) : nil
    }
}
