import Analysis
import CellModel
import Foundation
import Tensor
import ImageIO

/// Whole-appearance stain augmentation in the manner of RandStainNA (Shen et al. 2022): a
/// training crop is given the colour statistics of a stain appearance drawn from a
/// distribution fitted over the training sources, instead of a small jitter of its own.
///
/// A crop's appearance is the mean and standard deviation of each channel of Ruderman's lαβ
/// space (`ReinhardNormalizer`'s). `fit` measures them on every training crop and keeps, per
/// statistic, its mean and spread across crops; so the sources trained on span the
/// distribution, and a held-out source (never in the training crops) does not shape it.
/// `apply` draws a target appearance (each statistic normal about its mean, its spread widened
/// by `widening`, so appearances between and a little beyond the sources' occur) and
/// transfers the crop to it (Reinhard: x' = (x - μ) σ'/σ + μ'); with `grayscaleProbability`
/// the chroma is then dropped (α = β = 0), which leaves only shape and texture. Only the RGB
/// channels change; the prior channel and the mask do not.
package struct StainAppearance: Sendable {
    /// Per-statistic mean and spread of the crops' lαβ means and deviations.
    package struct Distribution: Sendable, Equatable {
        package var meanOfMeans: SIMD3<Double>
        package var spreadOfMeans: SIMD3<Double>
        package var meanOfDeviations: SIMD3<Double>
        package var spreadOfDeviations: SIMD3<Double>
    }

    package var distribution: Distribution
    /// Chance that a crop gets a drawn appearance at all.
    package var probability: Double
    /// Factor on each statistic's spread when drawing (1: the sources' own spread).
    package var widening: Double = 1.5
    /// Chance that a crop given an appearance also loses its chroma.
    package var grayscaleProbability: Double = 0

    package init(distribution: Distribution, probability: Double, widening: Double = 1.5, grayscaleProbability: Double = 0) {
        self.distribution = distribution
        self.probability = probability
        self.widening = widening
        self.grayscaleProbability = grayscaleProbability
    }

    /// The lαβ mean and standard deviation of a `[4, S, S]` crop's RGB channels
    /// (`ReinhardNormalizer.statistics`).
    package static func statistics(ofCrop crop: [Float], size: Int) -> (mean: SIMD3<Double>, deviation: SIMD3<Double>) {
        let s = ReinhardNormalizer.statistics(raster(ofCrop: crop, size: size))
        return (s.mean, s.std)
    }

    /// The crop's RGB channels as a raster.
    static func raster(ofCrop crop: [Float], size: Int) -> RGBRaster {
        let area = size * size
        return RGBRaster(width: size, height: size, r: Array(crop[0..<area]), g: Array(crop[area..<2 * area]),
                         b: Array(crop[2 * area..<3 * area]))
    }

    /// The appearance distribution of `samples` (every crop counts once).
    package static func fit(_ samples: [TrainingSample]) -> Distribution {
        precondition(!samples.isEmpty, "StainAppearance.fit needs at least one crop")
        let stats = samples.map { statistics(ofCrop: $0.crop, size: $0.size) }
        func meanAndSpread(_ values: [SIMD3<Double>]) -> (SIMD3<Double>, SIMD3<Double>) {
            let n = Double(values.count)
            let mean = values.reduce(SIMD3<Double>(repeating: 0), +) / n
            let variance = values.reduce(SIMD3<Double>(repeating: 0)) { $0 + ($1 - mean) * ($1 - mean) } / n
            return (mean, variance.squareRoot())
        }
        let means = meanAndSpread(stats.map(\.mean)), deviations = meanAndSpread(stats.map(\.deviation))
        return Distribution(meanOfMeans: means.0, spreadOfMeans: means.1,
                            meanOfDeviations: deviations.0, spreadOfDeviations: deviations.1)
    }

    /// Gives `sample` a drawn appearance with chance `probability` (draws from `rng` every
    /// time, so the stream does not depend on the outcome).
    package func apply(_ sample: inout TrainingSample, rng: inout RandomSource) {
        let applies = Double(rng.uniform()) < probability
        let gray = Double(rng.uniform()) < grayscaleProbability
        let d = distribution
        var targetMean = SIMD3<Double>(repeating: 0), targetDeviation = SIMD3<Double>(repeating: 0)
        for k in 0..<3 {
            targetMean[k] = d.meanOfMeans[k] + widening * d.spreadOfMeans[k] * Double(rng.normal())
            targetDeviation[k] = max(0.25 * d.meanOfDeviations[k],
                                     d.meanOfDeviations[k] + widening * d.spreadOfDeviations[k] * Double(rng.normal()))
        }
        guard applies else { return }
        transfer(&sample.crop, size: sample.size, mean: targetMean, deviation: targetDeviation, grayscale: gray)
    }

    /// Moves the crop's RGB channels to the given lαβ statistics (Reinhard's transfer,
    /// `ReinhardNormalizer`), then drops the chroma if `grayscale`.
    package func transfer(_ crop: inout [Float], size: Int, mean: SIMD3<Double>, deviation: SIMD3<Double>, grayscale: Bool) {
        let area = size * size
        let moved = ReinhardNormalizer(mean: mean, std: deviation).normalize(Self.raster(ofCrop: crop, size: size))
        for i in 0..<area {
            var (r, g, b) = (moved.r[i], moved.g[i], moved.b[i])
            if grayscale {
                var v = ReinhardNormalizer.toLAB(r, g, b)
                v.y = 0; v.z = 0
                let rgb = ReinhardNormalizer.fromLAB(v)
                (r, g, b) = (Float(min(1, max(0, rgb.x))), Float(min(1, max(0, rgb.y))), Float(min(1, max(0, rgb.z))))
            }
            crop[i] = r; crop[area + i] = g; crop[2 * area + i] = b
        }
    }
}
