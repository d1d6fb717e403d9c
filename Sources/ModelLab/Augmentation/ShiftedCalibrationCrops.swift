import CellModel
import Tensor

/// Calibration crops that include simulated other labs: each labelled crop once as it is and
/// `copies` times with a whole stain appearance drawn from the crops' own distribution,
/// widened (`StainAppearance`). A temperature fitted on them is fitted to stains the weights
/// were not trained on as well as to the training sources', so a lab never seen is less
/// confidently wrong. Seeded: the same crops and seed give the same copies.
package enum ShiftedCalibrationCrops {
    package static func make(_ samples: [TrainingSample], copies: Int, widening: Double = 2, seed: UInt64) -> [TrainingSample] {
        let labelled = samples.filter { $0.classIndex != nil }
        guard copies > 0, !labelled.isEmpty else { return labelled }
        let appearance = StainAppearance(distribution: StainAppearance.fit(labelled), probability: 1, widening: widening)
        var rng = RandomSource(seed: seed)
        var result = labelled
        for _ in 0..<copies {
            for sample in labelled {
                var shifted = sample
                appearance.apply(&shifted, rng: &rng)
                result.append(shifted)
            }
        }
        return result
    }
}
