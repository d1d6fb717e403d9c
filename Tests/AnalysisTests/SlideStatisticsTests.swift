import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

/// Slide-level statistics: the lookup tables reproduce the field normaliser's maths, hot
/// blocks become windows that hold whole cells, and a calibration from samples sets the
/// threshold between cytoplasm and nucleus.
@Suite struct SlideStatisticsTests {
    static let centres: [(Double, Double)] = [(70, 70), (230, 90), (150, 180)]

    /// The field's own white level and stain estimate, as a calibration.
    static func ownCalibration(_ raster: RGBRaster, normalizer: MacenkoNormalizer = MacenkoNormalizer()) -> SlideCalibration {
        let white = OpticalDensity.estimateWhite(raster)
        let estimate = normalizer.estimate(OpticalDensity(raster, white: white))
        return SlideCalibration(white: SIMD3(white.0, white.1, white.2), estimate: estimate, threshold: 0.3,
                                minArea: 10, areaReference: nil)
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test(arguments: [8, 16], [false, true])
    func lookupMatchesTheFieldNormaliser(bitDepth: Int, keepsResidual: Bool) {
        let image8 = PipelineFixtures.field(cells: Self.centres).image()
        let image = bitDepth == 8 ? image8
            : Image(width: image8.width, height: image8.height, channels: 3, samples16: image8.samples8.map { UInt16($0) * 257 })
        let raster = RGBRaster(image: image)
        var normalizer = MacenkoNormalizer()
        normalizer.keepsResidual = keepsResidual
        let calibration = Self.ownCalibration(raster, normalizer: normalizer)
        let field = normalizer.normalizeWithConcentrations(raster)
        let lookup = StainLookup(calibration, bitDepth: bitDepth, normalizer: normalizer)
        let whole = lookup.window(image, TilePlan.Rect(x: 0, y: 0, width: image.width, height: image.height))
        #expect(Self.maxDifference(whole.nucleus.values, field.nucleus.values) < 1e-4)
        #expect(Self.maxDifference(whole.normalized.r, field.image.r) < 1e-4)
        #expect(Self.maxDifference(whole.normalized.g, field.image.g) < 1e-4)
        #expect(Self.maxDifference(whole.normalized.b, field.image.b) < 1e-4)
        // A window is the same pixels, cut.
        let part = lookup.window(image, TilePlan.Rect(x: 100, y: 40, width: 60, height: 30))
        #expect(part.normalized.width == 60 && part.nucleus.height == 30)
        #expect(part.nucleus[7, 5] == whole.nucleus[107, 45] && part.normalized[59, 29] == whole.normalized[159, 69])
        #expect(lookup.nucleusPlane(image) == whole.nucleus)
        // Nucleus pixels (the placed centres) are far above red cells and glass.
        #expect(whole.nucleus[70, 70] > 0.5 && whole.nucleus[5, 5] < 0.05)
    }

    @Test func hotBlocksBecomeWindowsHoldingWholeCells() {
        // Nuclei at (200, 200) and (260, 210) (close: one window) and (900, 700) (alone).
        let centres: [(Double, Double)] = [(200, 200), (260, 210), (900, 700)]
        let raster = PipelineFixtures.field(width: 1100, height: 800, cells: centres)
        let image = raster.image()
        var calibration = Self.ownCalibration(raster)
        calibration = SlideCalibration(white: calibration.white, estimate: calibration.estimate, threshold: 0.4,
                                       minArea: 10, areaReference: nil)
        let hot = StainLookup(calibration, bitDepth: 8).hotBlocks(image, threshold: 0.4)
        #expect(!hot.isEmpty && hot.columns == 35 && hot.rows == 25)
        let all = TileWindows.windows(hot, keep: TilePlan.Rect(x: 0, y: 0, width: 1100, height: 800))
        #expect(all.count == 2)
        for (x, y) in centres {
            // The window holds the cell's crop (1.75 x its ~1.6-nucleus diameter, nucleus r 14).
            let reach = 1.75 * 1.6 * 28 / 2 + 2
            #expect(all.contains { Double($0.x) <= x - reach && x + reach <= Double($0.x + $0.width)
                && Double($0.y) <= y - reach && y + reach <= Double($0.y + $0.height) }, "no window holds the cell at \(x),\(y)")
        }
        // Windows that miss the kept rectangle (a tile core) are dropped.
        let left = TileWindows.windows(hot, keep: TilePlan.Rect(x: 0, y: 0, width: 500, height: 500))
        #expect(left.count == 1 && left[0].x < 200 && left[0].x + left[0].width < 900)
        let blank = StainLookup(calibration, bitDepth: 8).hotBlocks(image, threshold: 50)
        #expect(blank.isEmpty && TileWindows.windows(blank, keep: TilePlan.Rect(x: 0, y: 0, width: 1100, height: 800)).isEmpty)
    }

    @Test func calibrationFromSamplesSeparatesNucleusFromCytoplasm() throws {
        let samples = (0..<4).map { k in
            PipelineFixtures.field(cells: k == 1 ? [] : Self.centres, seed: UInt64(10 + k)).image()
        }
        let localizer = FieldLocalizer()
        let c = try #require(SlideCalibration.estimate(samples: samples, localizer: localizer, pixelSpacing: nil))
        #expect(c.sampledPixels == 4 * 320 * 240)
        #expect(!c.estimate.usedFallback)
        #expect(c.sampleNuclei == 9)
        // Nucleus r 14: ~616 pixels.
        let reference = try #require(c.areaReference)
        #expect(abs(Double(reference) - Double.pi * 14 * 14) < 0.2 * Double.pi * 14 * 14)
        // Between the cytoplasm's and the nucleus's nucleus-stain concentration.
        let lookup = StainLookup(c, bitDepth: 8)
        let field = lookup.nucleusPlane(samples[0])
        let (nucleus, cytoplasm) = (field[70, 70], field[70, 70 + 20])
        #expect(cytoplasm < c.threshold && c.threshold < nucleus, "threshold \(c.threshold), cytoplasm \(cytoplasm), nucleus \(nucleus)")
        #expect(c.minArea == localizer.detector.minimumArea(width: 640, height: 480, pixelSpacing: nil))
        // The pool's densest values: rank from the top, the same as a full sort.
        let values = (0..<5000).map { Float(($0 * 7919) % 5000) / 100 }
        for rank in [0, 3, 307, 4999, 6000] {
            #expect(SlideCalibration.valueFromTop(values, rank: rank) == values.sorted(by: >)[min(rank, 4999)])
        }
        // Nothing to estimate from.
        #expect(SlideCalibration.estimate(samples: [], localizer: localizer, pixelSpacing: nil) == nil)
        #expect(SlideCalibration.estimate(samples: [RGBRaster(width: 64, height: 64, fill: (1, 1, 1)).image()],
                                          localizer: localizer, pixelSpacing: nil) == nil)
    }

    @Test func calibrationSamplesScaleWithTheSlideAndVisitEveryGridPoint() {
        #expect(ImageAnalyzer.sampleRegions(pixels: 8192 * 8192) == 16)
        #expect(ImageAnalyzer.sampleRegions(pixels: 20_000 * 20_000) == 48)
        #expect(ImageAnalyzer.sampleRegions(pixels: 1000 * 1000) == 16)
        for n in [1, 2, 16, 49, 64, 196] {
            let step = ImageAnalyzer.coprimeStep(n)
            #expect(Set((0..<n).map { ($0 * step) % n }).count == n, "step \(step) does not visit all \(n) points")
        }
    }
}
