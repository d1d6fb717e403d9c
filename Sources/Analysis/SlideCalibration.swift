import ImageIO

/// Slide-level localisation statistics, estimated once from sample regions of a whole slide
/// and then applied to every tile (`StainLookup`), so that every tile is normalised and
/// thresholded alike: the glass white level, the Macenko stain matrix, the nucleus
/// detection threshold, the smallest nucleus kept and the nucleus area the relative size
/// floor is taken of.
///
/// Estimation (`estimate(samples:…)`), on the pooled pixels of all samples:
/// - white level and stain matrix exactly as a field estimates them (`OpticalDensity`,
///   `MacenkoNormalizer.estimate`), but over the pool;
/// - threshold: the field formula (`CandidateDetector.threshold`) with its 99.9th
///   percentile replaced by the value of rank `peakRank` from the top of the pool (a field's
///   99.9th percentile is its ~300th densest pixel: the same count of pixels, so a pool of
///   many fields is judged like one field that holds WBCs, not like their average);
/// - the smallest component from `CandidateDetector.minimumArea` of one field;
/// - the reference area: the largest nucleus the detector finds in the samples under that
///   threshold (nil when none: each window then uses its own largest).
/// It needs nuclei in the samples: a sample without any WBC would set the threshold at the
/// red-cell level (the caller samples widely). It does not read files (see
/// `ImageAnalyzer.calibrate`).
package struct SlideCalibration: Sendable {
    package let white: SIMD3<Float>
    package let estimate: MacenkoNormalizer.Estimate
    package let threshold: Float
    package let minArea: Double
    package let areaReference: Int?
    /// Pixels pooled, and nuclei the detector found in the samples.
    package let sampledPixels: Int
    package let sampleNuclei: Int

    /// The rank from the top standing in for a field's 99.9th percentile (640 x 480 / 1000).
    package static let peakRank = 307

    package init(white: SIMD3<Float>, estimate: MacenkoNormalizer.Estimate, threshold: Float, minArea: Double,
                 areaReference: Int?, sampledPixels: Int = 0, sampleNuclei: Int = 0) {
        self.white = white; self.estimate = estimate; self.threshold = threshold; self.minArea = minArea
        self.areaReference = areaReference; self.sampledPixels = sampledPixels; self.sampleNuclei = sampleNuclei
    }

    /// Estimates the statistics from `samples` (regions of one slide, each at least 8 x 8);
    /// nil when they hold no stain to estimate from.
    package static func estimate(samples: [RGBRaster], localizer: FieldLocalizer,
                                 pixelSpacing: PixelSpacing?) -> SlideCalibration? {
        let regions = samples.filter { $0.width >= 8 && $0.height >= 8 }
        let total = regions.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        var pool = RGBRaster(width: total, height: 1)
        var at = 0
        for s in regions {
            pool.r.replaceSubrange(at..<(at + s.count), with: s.r)
            pool.g.replaceSubrange(at..<(at + s.count), with: s.g)
            pool.b.replaceSubrange(at..<(at + s.count), with: s.b)
            at += s.count
        }
        let white = OpticalDensity.estimateWhite(pool)
        let estimate = localizer.normalizer.estimate(OpticalDensity(pool, white: white))
        pool = RGBRaster(width: 0, height: 0)
        guard estimate.stainedPixels > 0 else { return nil }

        // Smoothed nucleus concentrations per region (smoothing needs the region's layout).
        let detector = localizer.detector
        var smoothed: [FloatPlane] = []
        var values: [Float] = []
        values.reserveCapacity(total)
        for s in regions {
            let od = OpticalDensity(s, white: white)
            let conc = localizer.normalizer.concentrationPlanes(od, stains: estimate.stains).nucleus
            let smooth = GaussianBlur.apply(conc, sigma: detector.parameters.smoothingSigma)
            values += smooth.values
            smoothed.append(smooth)
        }
        let peak = Statistics.percentile(values, 100 * (1 - Double(min(peakRank, values.count - 1)) / Double(max(1, values.count - 1))))
        let p = detector.parameters
        let stained = values.filter { $0 > 0.02 * peak }
        values = []
        let otsu = stained.count > 16 ? Statistics.otsu(stained) : peak
        let threshold = max(otsu, p.thresholdFloorFraction * peak, p.absoluteThresholdFloor)
        let minArea = detector.minimumArea(width: p.fieldPixels, height: 1, pixelSpacing: pixelSpacing)

        var largest = 0, nuclei = 0
        for smooth in smoothed {
            let found = detector.detect(smooth, threshold: threshold, minArea: minArea, areaReference: nil)
            nuclei += found.candidates.count
            largest = max(largest, found.candidates.map(\.nucleusArea).max() ?? 0)
        }
        return SlideCalibration(white: SIMD3(white.0, white.1, white.2), estimate: estimate, threshold: threshold,
                                minArea: minArea, areaReference: largest > 0 ? largest : nil, sampledPixels: total,
                                sampleNuclei: nuclei)
    }

    /// The threshold below which a raw (unsmoothed) pixel cannot make a smoothed pixel pass
    /// detection, including the lobe-bridging threshold when that is on.
    package func hotThreshold(_ parameters: CandidateParameters) -> Float {
        parameters.lobeBridgeFraction > 0 ? min(threshold, parameters.lobeBridgeFraction * threshold) : threshold
    }
}
