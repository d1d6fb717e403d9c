/// A reason a technician should look at one cell before signing the report.
///
/// Raw values are the names used in `report.json`, the HTML page and `--json-summary`.
package enum CellFlag: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The calibrated probability of the predicted type is below the configured threshold.
    case lowConfidence = "low_confidence"
    /// Too little of the Grad-CAM mass lies inside the predicted cell mask: the network may be
    /// looking at something else than the cell it names.
    case lowConsistency = "low_consistency"
    /// The cell is cut by the image (or slide) border; its shape and area are incomplete.
    case atBorder = "at_border"
    /// The cell's region overlaps another cell's region.
    case overlapping
    /// The candidate is not a white blood cell (platelet, erythroblast, or rejected); it is
    /// left out of the differential count.
    case notAWBC = "not_a_wbc"

    package static func < (a: CellFlag, b: CellFlag) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
