/// The two thresholds below which a cell is flagged for a technician's review: its calibrated
/// type probability (`low_confidence`) and its saliency-consistency (`low_consistency`).
///
/// The flags are a pure function of a finding's probability and consistency, so a report's
/// flags can be redrawn with other thresholds without analysing the image again (the daemon
/// does so when a reload changes `low_confidence` or `low_consistency`).
package struct ReviewThresholds: Sendable, Equatable {
    /// A cell whose calibrated probability is below this is flagged `low_confidence`.
    package var lowConfidence: Double
    /// A cell whose saliency-consistency is below this is flagged `low_consistency`.
    package var lowConsistency: Double

    package init(lowConfidence: Double, lowConsistency: Double) {
        self.lowConfidence = lowConfidence
        self.lowConsistency = lowConsistency
    }

    /// The review flags these thresholds give a cell (a cell without a consistency score is
    /// never flagged `low_consistency`).
    package func flags(probability: Double, consistency: Double?) -> Set<CellFlag> {
        var flags = Set<CellFlag>()
        if probability < lowConfidence { flags.insert(.lowConfidence) }
        if let consistency, consistency < lowConsistency { flags.insert(.lowConsistency) }
        return flags
    }
}

extension ImageAnalysis {
    /// Redraws every cell's review flags (`low_confidence`, `low_consistency`) with
    /// `thresholds`; the other flags stay as they are.
    package mutating func review(with thresholds: ReviewThresholds) {
        for i in cells.indices {
            let cell = cells[i]
            cells[i].flags.subtract([.lowConfidence, .lowConsistency])
            cells[i].flags.formUnion(thresholds.flags(probability: cell.probability, consistency: cell.consistency))
        }
    }
}
