/// Which loss terms train the network and how much each weighs (DESIGN §2 "Losses").
///
/// Every term can be switched off from `leuko train` for the ablation; a term whose labels a
/// sample lacks is masked for that sample.
package struct LossSettings: Codable, Sendable, Equatable {
    /// Class-weighted, label-smoothed cross-entropy on the cell type.
    package var classification: Float = 1
    package var labelSmoothing: Float = 0.1
    /// Per-class weights (inverse-frequency, normalised to mean 1); nil for uniform.
    package var classWeights: [Float]? = nil
    /// Per-pixel cross-entropy on background/cytoplasm/nucleus.
    package var segmentationCrossEntropy: Float = 1
    /// Soft Dice on the same three classes.
    package var segmentationDice: Float = 0.5
    /// BCE of the learned gate against the cell mask's coverage.
    package var gateBCE: Float = 0.2
    /// Share of class activation outside the allowed region.
    package var alignment: Float = 0.1
    /// The alignment term's map is the evidence against the other classes' mean, of either
    /// sign (`CAMAlignmentLoss.contrastive`). Optional so that older weights' metadata
    /// decodes (nil = off, the plain positive map).
    package var contrastiveAlignment: Bool?

    package init() {}
}
