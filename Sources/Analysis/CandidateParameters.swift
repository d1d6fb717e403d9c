/// The tunable constants of candidate detection, in one place with their meaning.
///
/// Lengths are in pixels unless stated; "relative" ones scale with the image or the nucleus.
package struct CandidateParameters: Sendable, Equatable {
    /// Gaussian sigma (pixels) applied to the nucleus-stain concentration before thresholding.
    package var smoothingSigma = 1.0
    /// Threshold floor as a fraction of the 99.9th percentile of the smoothed concentration:
    /// Otsu's threshold is raised to at least this (an image with one small WBC is almost all
    /// red cells, and Otsu alone would split red cells from glass).
    package var thresholdFloorFraction: Float = 0.35
    /// Absolute floor of the threshold (concentration units, OD ≈ 0.05): below it is noise.
    package var absoluteThresholdFloor: Float = 0.05
    /// Minimum nucleus component area: this fraction of the image area (capped at
    /// `fieldPixels`, so a large slide region is judged like one microscope field) when the
    /// pixel spacing is unknown...
    package var minComponentFraction = 0.0005
    /// The image area (pixels) of one typical field of view (640 x 480).
    package var fieldPixels = 640 * 480
    /// ...or this many µm² when it is known.
    package var minComponentAreaMicrons2 = 4.0
    /// Two components belong to one nucleus when their gap is at most this fraction of the
    /// sum of their equivalent diameters (neutrophil lobes are joined by thin strands the
    /// threshold drops)...
    package var lobeGapFraction = 0.3
    /// ...and at most this many times the smaller one's equivalent diameter (0: no such
    /// limit; `LobeGrouper.smallerPieceFactor`): a big nucleus does not reach across to a
    /// platelet or to a lobe of the next cell. Binds only when the smaller piece is under
    /// about 0.6 of the larger's diameter. (Chosen with `leuko localize-eval`; the figures are
    /// in `Models/NOTES.md`, "Localisation parameters".)
    package var lobeGapSmallerPieceFactor = 0.8
    /// Pieces also join when a lower threshold, this fraction of the detection threshold,
    /// connects them (hysteresis: a neutrophil's lobes are joined by strands stained more
    /// faintly than its lobes, but far more than the cytoplasm). 0 turns it off.
    /// Off by default: bridges also join neighbouring cells in crowded fields (`Models/NOTES.md`,
    /// "Localisation parameters").
    package var lobeBridgeFraction: Float = 0
    /// ...but only through a bridge region at most this many times the area of the pieces it
    /// joins (strands, not a stained region spanning two cells).
    package var maxBridgeAreaRatio = 3.0
    /// Pieces the gap rule would join stay two cells when the stained region between them
    /// narrows to a waist of glass: the distance to glass along the segment joining their
    /// centroids dips below this fraction of its smaller end value (`GlassWaist`). 0 turns
    /// the check off. (Chosen with `leuko localize-eval`: `Models/NOTES.md`, "Localisation
    /// parameters".)
    package var lobeWaistFraction = 0.7
    /// ...where glass is a pixel of the stain-normalised image whose optical density summed
    /// over R, G and B is at most this (lower than `outlineDensityThreshold`: a pale
    /// cytoplasm between two lobes is not glass).
    package var lobeWaistDensityThreshold: Float = 0.1
    /// Whether to split a nucleus component with two distance-transform centres into two
    /// cells. Off by default: it splits lobed neutrophils and bilobed eosinophils (whose lobes
    /// touch through strands) more often than it separates touching cells (`Models/NOTES.md`,
    /// "Localisation parameters"). Touching cells whose nuclei are separate are still two
    /// candidates (the lobe gap is relative).
    package var splitTouchingNuclei = false
    /// Two centres of the distance transform mean two cells when they are farther apart than
    /// this fraction of the sum of their radii...
    package var splitSeparation = 0.85
    /// ...and the smaller radius is at least this fraction of the larger.
    package var splitMinRadiusRatio = 0.6
    /// ...and the inside distance along the segment between them dips below this fraction
    /// of the smaller radius (a neck).
    package var splitNeckFraction = 0.5
    /// Candidates whose nucleus area is below this fraction of the image's largest are
    /// dropped (platelets, debris, stained red-cell rims).
    package var relativeAreaFloor = 0.15
    /// Cytoplasm margin added around the nucleus box on every side, as a fraction of the
    /// nucleus equivalent diameter. It sets the cell region (`FieldLocalizer.cellLabels`,
    /// the prior's cell term) and the candidate's diameter, hence the crop scale.
    package var cytoplasmMarginFraction = 0.3
    /// Cytoplasm margin of the reported cell box (`CellCandidate.box`), as a fraction of the
    /// nucleus equivalent diameter. Smaller than `cytoplasmMarginFraction`, which is a generous
    /// region for the prior and the crop (`Models/NOTES.md`, "Localisation parameters").
    package var cellBoxMarginFraction = 0.2

    /// Cell outlines (`CellOutliner`): a pixel of the stain-normalised image is "stained"
    /// (cell, not glass) when its optical density summed over R, G and B exceeds this.
    package var outlineDensityThreshold: Float = 0.2
    /// The stained component around a nucleus is a cell standing alone only when it fits in
    /// a square of half-side this many times the candidate's diameter around its centre
    /// (else it runs into red cells or neighbours and the margin rule stays). 0 turns
    /// outlines off. (A lobe's window must hold the whole cell; `Models/NOTES.md`,
    /// "Localisation parameters".)
    package var outlineReach = 3.0
    /// ...and when it is convex enough: its area over its convex hull's area at least this
    /// (a cell is round; a cell with a red cell stuck to it is not).
    package var outlineMinSolidity = 0.9
    /// ...and round: sqrt(λ1 / λ2) of its pixels' covariance at most this (1 for a disc, 2.2
    /// for two touching discs).
    package var outlineMaxElongation = 1.6
    /// Two nuclei inside one outline are one cell only when the outline has no neck between
    /// them: the distance to its edge along the segment joining them stays above this
    /// fraction of the smaller value at its ends.
    package var outlineNeckFraction = 0.7

    package init() {}
}
