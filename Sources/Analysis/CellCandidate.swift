import CellModel

/// One candidate white blood cell found in an image.
///
/// Coordinates are continuous image pixels (see `BoundingBox`). Two boxes, both clipped to
/// the image: `box` is the estimated whole cell as an annotator would draw it (nucleus plus
/// a cytoplasm margin of `CandidateParameters.cellBoxMarginFraction`); `regionBox` is the
/// wider window that holds the candidate's cell region (nucleus plus the cytoplasm margin of
/// `CandidateParameters.cytoplasmMarginFraction`), from which `center` and `diameter` come
/// and so the crop's scale. `center` and `diameter` are of the unclipped region, so a cell
/// cut by the border keeps its true scale.
package struct CellCandidate: Sendable, Equatable {
    /// The estimated cell, clipped to the image (what detection is scored on).
    package var box: BoundingBox
    /// The cell-region window (nucleus plus the full cytoplasm margin), clipped to the image.
    package var regionBox: BoundingBox
    /// Centre of the estimated cell (image pixels, may lie near or beyond an edge).
    package var centerX: Double
    package var centerY: Double
    /// Estimated cell diameter in pixels (geometric mean of the unclipped region box sides).
    package var diameter: Double
    /// The nucleus (all lobes) bounding box.
    package var nucleusBox: BoundingBox
    /// Nucleus area in pixels (all lobes).
    package var nucleusArea: Int
    /// Confidence-like score in (0, 1]: the square root of this nucleus area over the
    /// largest nucleus area in the image (1 for the largest; platelets and debris score low).
    package var score: Double
    /// True when the estimated cell region extends beyond the image (a cut cell).
    package var touchesBorder: Bool
}
