import CellModel

/// The knobs of `ImageAnalyzer`, with defaults that suit 640x480 smear fields and whole
/// slides alike.
///
/// Probabilities and shares are in [0, 1]; lengths in image pixels; memory in bytes.
package struct AnalyzerSettings: Sendable, Equatable {
    /// A cell whose calibrated probability is below this is flagged `low_confidence`.
    ///
    /// The two review thresholds were read off `leuko eval`'s review curves for the shipped
    /// weights (validation split, 2 views; model card, "Review flags"): 0.8 / 0.3 flag fewer
    /// cells than 0.6 / 0.5 did (PBC 19 % against 25 %, BCCD 25 % against 40 %) and catch as
    /// many wrongly typed ones or more (PBC 10 of 14 against 9, BCCD 6 of 10, zxaoyou 1 of 3).
    package var lowConfidence = 0.8
    /// A cell whose saliency-consistency (Grad-CAM mass inside its mask) is below this is
    /// flagged `low_consistency`.
    package var lowConsistency = 0.3

    /// The two review thresholds together.
    package var review: ReviewThresholds {
        ReviewThresholds(lowConfidence: lowConfidence, lowConsistency: lowConsistency)
    }
    /// Two cells whose masks share at least this fraction of the smaller mask are one cell
    /// seen twice (overlapping crops, tile seams): only the more probable is kept.
    package var duplicateOverlap = 0.5
    /// Two different cells whose masks share at least this fraction of the smaller mask are
    /// both flagged `overlapping`.
    package var overlapFlag = 0.03
    /// A candidate whose network mask covers less than this fraction of the disc its
    /// localisation estimated is "empty": the network sees no cell there (`not_a_wbc`), and
    /// the localisation's region stands in for the mask.
    package var emptyMaskFraction = 0.15
    /// The network's mask is kept when its IoU with the localisation's own estimate of the cell
    /// (nucleus plus cytoplasm margin) is at least this; otherwise the two disagree (an
    /// under-trained network spreads over neighbouring red cells on unfamiliar smears) and the
    /// localisation's estimate stands in. Not a flag. Chosen on the BCCD validation split with
    /// leuko-wbc-v1 (`leuko eval` detection, WBC box recall / precision): every non-empty
    /// network mask 0.45 / 0.43; agreement 0.5: 0.86 / 0.83; 0.65: 0.91 / 0.88; always the
    /// localisation's: 0.93 / 0.90 (BCCD's boxes are loose, as the localisation's margin).
    package var maskAgreement = 0.65
    /// Douglas-Peucker tolerance for contours, in image pixels.
    package var contourTolerance = 0.75
    /// Crops per network batch.
    package var batchSize = 16
    /// When the file records no pixel size, estimate it from the red cells (`RedCellScale`)
    /// so areas are reported in µm² (marked as estimated).
    package var estimatesScale = true
    /// Test-time views averaged per crop (1, 2, 4 or 8 turned/flipped copies; see
    /// `TestTimeViews`): each costs one more forward pass of the network.
    package var views = 2
    /// Threads for the network and tile processing (0: all cores).
    package var threads = 0
    /// Keep each cell's crop, mask and Grad-CAM for the gallery (`cells/NNN.png`).
    package var keepCellImages = true

    /// Memory ceiling for one analysis (decoded tiles, working planes, overlay, cell images).
    /// Tile size is chosen to fit it; a ceiling too small for the smallest tile is an error.
    package var memoryLimitBytes = 2 << 30
    /// Largest tile core side (pixels); an image that fits one core plus margins is analysed
    /// whole.
    package var maxTileSize = 2048
    /// Overlap margin around each tile core, bigger than a cell's crop half-side (1.75 x a
    /// cell diameter of up to ~140 px at BCCD-like magnification, / 2, with room to spare).
    package var tileMargin = 256
    /// A cell whose centre lies within this many pixels outside a tile's core is still taken
    /// from that tile (localisation differs slightly between overlapping tiles); the duplicate
    /// merge then keeps one copy.
    package var seamSlack = 16
    /// The overlay base of a tiled image is downsampled so its longer side is at most this.
    package var overlayMaxSide = 2048

    package init() {}

    /// Checks every value's range; throws `invalidParameter` naming the first bad one.
    package func validate() throws {
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw AnalysisError(.invalidParameter, what) }
        }
        try check((0...1).contains(lowConfidence), "low-confidence threshold must be in [0, 1]")
        try check((0...1).contains(lowConsistency), "low-consistency threshold must be in [0, 1]")
        try check(duplicateOverlap > 0 && duplicateOverlap <= 1, "duplicate overlap must be in (0, 1]")
        try check(overlapFlag > 0 && overlapFlag <= 1, "overlap flag fraction must be in (0, 1]")
        try check((0...1).contains(emptyMaskFraction), "empty-mask fraction must be in [0, 1]")
        try check((0...1).contains(maskAgreement), "mask agreement must be in [0, 1]")
        try check(contourTolerance >= 0, "contour tolerance must not be negative")
        try check(batchSize > 0, "batch size must be positive")
        try check(TestTimeViews.counts.contains(views), "test-time views must be 1, 2, 4 or 8")
        try check(threads >= 0, "threads must not be negative")
        try check(maxTileSize >= 256, "tile size must be at least 256")
        try check(tileMargin >= 32, "tile margin must be at least 32")
        try check(seamSlack >= 0 && seamSlack < tileMargin / 2, "seam slack must be in [0, margin/2)")
        try check(overlayMaxSide >= 64, "overlay side must be at least 64")
        try check(memoryLimitBytes > 0, "memory limit must be positive")
    }
}
