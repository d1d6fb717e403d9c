import Analysis
import CellModel
import ImageIO
import Tensor
/// Ranges of the training augmentations, in one place. Each draw is uniform in its range.
package struct AugmentParameters: Sendable, Equatable {
    /// Random horizontal / vertical flips and 90-degree rotations (exact, lossless).
    package var flipsAndQuarterTurns = true
    /// Small rotation, degrees (±).
    package var maxRotationDegrees = 15.0
    /// Scale jitter (±fraction): zooms the crop about its centre.
    package var maxScaleJitter = 0.1
    /// HED-style stain jitter in optical-density space: each stain's concentration is
    /// multiplied by 1 + U(±this)...
    package var stainScale = 0.2
    /// ...and shifted by U(±this) (OD units).
    package var stainShift = 0.03
    /// Brightness shift (±, in [0, 1] intensity).
    package var brightness = 0.06
    /// Contrast factor range 1 ± this (about mid-gray).
    package var contrast = 0.12
    /// Gamma range [1/(1+g), 1+g].
    package var gamma = 0.2
    /// Probability of a Gaussian blur, and its maximum sigma (output pixels).
    package var blurProbability = 0.3
    package var maxBlurSigma = 1.0
    /// Maximum standard deviation of additive Gaussian noise.
    package var maxNoise = 0.02
    /// Probability of simulating a coarser source (`ResolutionLoss`), and the smallest linear
    /// factor drawn (uniform in [this, 1]): 0.45 makes PBC's ~200 px cells look like the
    /// single-cell set's ~90 px ones.
    package var resolutionLossProbability = 0.0
    package var minResolutionFactor = 0.45
    /// Probability of a border cut (`BorderCut`): the crop is cut along a straight line, as a
    /// cell at the edge of a field is, at a distance from the centre drawn uniformly in
    /// `borderCutDistance` (fractions of the crop side; the cell's radius is about 0.29).
    package var borderCutProbability = 0.0
    package var borderCutDistance = 0.1...0.45

    package init() {}

    /// Only the exact geometric transforms (flips, quarter turns).
    package static var geometricOnly: AugmentParameters {
        var p = AugmentParameters()
        p.maxRotationDegrees = 0; p.maxScaleJitter = 0; p.stainScale = 0; p.stainShift = 0
        p.brightness = 0; p.contrast = 0; p.gamma = 0; p.blurProbability = 0; p.maxNoise = 0
        p.resolutionLossProbability = 0; p.borderCutProbability = 0
        return p
    }
}
