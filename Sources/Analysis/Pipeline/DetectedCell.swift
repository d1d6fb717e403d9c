/// One cell as a tile or field found it, before the duplicate merge and numbering.
///
/// Geometry in whole-image pixels. `probabilities` are calibrated, in the network's class
/// order. The mask is the network's where it agrees with the localisation's estimate, else that
/// estimate (`AnalyzerSettings.maskAgreement`). `empty` marks a candidate the network
/// segmented (almost) nothing for: it is reported `not_a_wbc`.
package struct DetectedCell: Sendable {
    package var mask: CellMask
    package var probabilities: [Float]
    package var consistency: Float?
    package var empty: Bool
    /// Cut by the image edge (its mask reaches the edge, or its estimated disc crosses it).
    package var atBorder: Bool
    package var images: CellImages?

    /// Index of the most probable class.
    package var predictedClass: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0 }
    package var confidence: Float { probabilities.isEmpty ? 0 : probabilities[predictedClass] }
}
