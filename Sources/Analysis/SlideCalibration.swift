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

    /// Estimates the statistics from `samples` (regions of one slide, each at least 8 x 8,
    /// all of one bit depth, 8 or 16); nil when they hold no stain to estimate from. The white
    /// level and stain matrix are estimated on every other pixel of every other row (a
    /// quarter of the pool is plenty for a 3x3 covariance and a few percentiles).
    package static func estimate(samples: [Image], localizer: FieldLocalizer,
                                 pixelSpacing: PixelSpacing?) -> SlideCalibration? {
        let regions = samples.filter { $0.width >= 8 && $0.height >= 8 }
        guard let bitDepth = regions.first?.bitDepth, bitDepth == 8 || bitDepth == 16,
              regions.allSatisfy({ $0.bitDepth == bitDepth }) else { return nil }
        let total = regions.reduce(0) { $0 + $1.width * $1.height }
        var r: [Float] = [], g: [Float] = [], b: [Float] = []
        for image in regions {
            let raster = RGBRaster(image: image)
            for y in stride(from: 0, to: raster.height, by: 2) {
                for x in stride(from: 0, to: raster.width, by: 2) {
                    let i = y * raster.width + x
                    r.append(raster.r[i]); g.append(raster.g[i]); b.append(raster.b[i])
                }
            }
        }
        let pool = RGBRaster(width: r.count, height: 1, r: r, g: g, b: b)
        r = []; g = []; b = []
        let white = OpticalDensity.estimateWhite(pool)
        let estimate = localizer.normalizer.estimate(OpticalDensity(pool, white: white))
        guard estimate.stainedPixels > 0 else { return nil }
        let whiteLevel = SIMD3(white.0, white.1, white.2)

        // Smoothed nucleus concentrations per region (smoothing needs the region's layout).
        let detector = localizer.detector, p = detector.parameters
        let lookup = StainLookup(SlideCalibration(white: whiteLevel, estimate: estimate, threshold: 0, minArea: 0,
                                                  areaReference: nil), bitDepth: bitDepth)
        var smoothed: [FloatPlane] = []
        var values: [Float] = []
        values.reserveCapacity(total)
        for image in regions {
            let smooth = GaussianBlur.apply(lookup.nucleusPlane(image), sigma: p.smoothingSigma)
            values += smooth.values
            smoothed.append(smooth)
        }
        let peak = valueFromTop(values, rank: peakRank)
        let stained = values.filter { $0 > 0.02 * peak }
        values = []
        let otsu = stained.count > 16 ? Statistics.otsu(stained) : peak
        let threshold = max(otsu, p.thresholdFloorFraction * peak, p.absoluteThresholdFloor)
        let minArea = detector.minimumArea(width: p.fieldPixels, height: 1, pixelSpacing: pixelSpacing)

        var largest = 0, nuclei = 0
        for smooth in smoothed where smooth.values.contains(where: { $0 > threshold }) {
            let found = detector.detect(smooth, threshold: threshold, minArea: minArea, areaReference: nil)
            nuclei += found.candidates.count
            largest = max(largest, found.candidates.map(\.nucleusArea).max() ?? 0)
        }
        return SlideCalibration(white: whiteLevel, estimate: estimate, threshold: threshold, minArea: minArea,
                                areaReference: largest > 0 ? largest : nil, sampledPixels: total, sampleNuclei: nuclei)
    }

    /// The value `rank` places from the top of `values` (0: the maximum; the minimum when
    /// there are fewer), selecting among the values above a quarter of the maximum when
    /// enough lie there (the same value, found without copying the whole pool).
    static func valueFromTop(_ values: [Float], rank: Int) -> Float {
        guard let top = values.max() else { return 0 }
        let high = values.filter { $0 > 0.25 * top }
        let pool = high.count > rank ? high : values
        let k = max(0, pool.count - 1 - rank)
        var copy = pool
        return copy.withUnsafeMutableBufferPointer { Statistics.select($0, k) }
    }

    /// The threshold below which a raw (unsmoothed) pixel cannot make a smoothed pixel pass
    /// detection, including the lobe-bridging threshold when that is on.
    package func hotThreshold(_ parameters: CandidateParameters) -> Float {
        parameters.lobeBridgeFraction > 0 ? min(threshold, parameters.lobeBridgeFraction * threshold) : threshold
    }
}
