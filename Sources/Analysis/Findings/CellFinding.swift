import CellModel

/// One cell found in an image: what `report.json`, the overlay, the cell gallery and the HTML
/// page say about it.
///
/// Geometry is in the source image's full-resolution pixels (for a tiled slide: the whole
/// slide's coordinates). Areas are in µm² when `areaUnit` is `.squareMicrometre` (the file gave
/// a pixel spacing), in pixels otherwise.
package struct CellFinding: Sendable {
    /// How areas are measured.
    package enum AreaUnit: String, Sendable, Codable {
        case squareMicrometre = "um2"
        case pixel = "pixel"
    }

    /// The cell's number, 1-based, as drawn on the overlay and used in `cells/NNN.png`.
    package var number: Int
    /// The predicted type.
    package var cellClass: CellClass
    /// Calibrated probability of `cellClass`.
    package var probability: Double
    /// The second most probable type and its calibrated probability.
    package var runnerUp: (cellClass: CellClass, probability: Double)?
    /// The cell's outline (cytoplasm and nucleus), simplified, as an open ring (the first point
    /// is not repeated at the end; writers that need a closed polygon repeat it).
    package var contour: [ContourPoint]
    /// The nucleus outline, when the network found a nucleus.
    package var nucleusContour: [ContourPoint]
    /// Axis-aligned box of the cell in image pixels.
    package var box: BoundingBox
    /// Cell area (nucleus + cytoplasm), nucleus area, cytoplasm area, in `areaUnit`.
    package var cellArea: Double
    package var nucleusArea: Double
    package var cytoplasmArea: Double
    package var areaUnit: AreaUnit
    /// Grad-CAM saliency-consistency: the share of the Grad-CAM mass inside the predicted cell
    /// mask, in [0, 1]; nil when the model cannot compute it.
    package var consistency: Double?
    /// Reasons to review this cell; empty when none.
    package var flags: Set<CellFlag>
    /// The crop, mask and Grad-CAM for the gallery; nil when not kept (e.g. `--format` without
    /// cell images).
    package var images: CellImages?

    /// Nucleus area over cytoplasm area; nil when the cytoplasm area is zero.
    package var nucleusCytoplasmRatio: Double? { cytoplasmArea > 0 ? nucleusArea / cytoplasmArea : nil }

    /// Whether the cell counts in the differential (a white blood cell of one of the five
    /// mature types or an immature granulocyte, not flagged `not_a_wbc`).
    package var countsAsWBC: Bool { !flags.contains(.notAWBC) }

    package init(number: Int, cellClass: CellClass, probability: Double,
                 runnerUp: (cellClass: CellClass, probability: Double)?,
                 contour: [ContourPoint], nucleusContour: [ContourPoint], box: BoundingBox,
                 cellArea: Double, nucleusArea: Double, cytoplasmArea: Double, areaUnit: AreaUnit,
                 consistency: Double?, flags: Set<CellFlag>, images: CellImages?) {
        self.number = number; self.cellClass = cellClass; self.probability = probability
        self.runnerUp = runnerUp; self.contour = contour; self.nucleusContour = nucleusContour
        self.box = box; self.cellArea = cellArea; self.nucleusArea = nucleusArea
        self.cytoplasmArea = cytoplasmArea; self.areaUnit = areaUnit; self.consistency = consistency
        self.flags = flags; self.images = images
    }
}
