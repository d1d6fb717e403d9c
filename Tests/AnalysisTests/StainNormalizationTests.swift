import Foundation
import Testing
@testable import Analysis

@Suite struct StainNormalizationTests {
    /// An image stained with BCCD-like vectors on a yellowish white: red cells (counter
    /// stain), nuclei (nucleus stain), mixtures.
    static func field(stains: StainMatrix, white: SIMD3<Double>) -> (SyntheticSmear, RGBRaster) {
        var s = SyntheticSmear(width: 160, height: 120)
        var rng = TestRandom(state: 7)
        for _ in 0..<40 { s.disc(x: rng.next() * 160, y: rng.next() * 120, r: 6 + rng.next() * 4, counter: 0.15 + 0.2 * rng.next(), replace: true) }
        for _ in 0..<5 {
            let x = 20 + rng.next() * 120, y = 20 + rng.next() * 80
            s.disc(x: x, y: y, r: 14, nucleus: 0.1, counter: 0.05, replace: true)
            s.disc(x: x, y: y, r: 8, nucleus: 0.5 + 0.3 * rng.next(), counter: 0.05, replace: true)
        }
        return (s, s.render(stains: stains, white: white))
    }

    static let foreign = StainMatrix(nucleus: SIMD3(0.63, 0.78, 0.05), counter: SIMD3(0.30, 0.55, 0.78),
                                     maxConcentration: SIMD2(1, 1))

    @Test func macenkoRecoversKnownStainVectorsAndWhite() throws {
        let white = SIMD3(0.95, 0.9, 0.8)
        let (_, img) = Self.field(stains: Self.foreign, white: white)
        let od = OpticalDensity(img)
        #expect(abs(Double(od.white.0) - 0.95) < 0.01 && abs(Double(od.white.1) - 0.9) < 0.01 && abs(Double(od.white.2) - 0.8) < 0.01)
        let est = MacenkoNormalizer().estimate(od)
        #expect(!est.usedFallback)
        func angle(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
            acos(min(1, (a * b).sum() / ((a * a).sum() * (b * b).sum()).squareRoot())) * 180 / .pi
        }
        #expect(angle(est.stains.nucleus, Self.foreign.nucleus) < 3, "nucleus \(est.stains.nucleus)")
        #expect(angle(est.stains.counter, Self.foreign.counter) < 3, "counter \(est.stains.counter)")
    }

    @Test func normalisedImageEqualsTheReferenceRendering() throws {
        let (smear, img) = Self.field(stains: Self.foreign, white: SIMD3(0.95, 0.9, 0.8))
        let norm = MacenkoNormalizer()
        let (out, est, _) = norm.normalize(img)
        // The same concentrations, scaled to the reference maxima, rendered with the reference stains.
        let scale = StainMatrix.reference.maxConcentration / est.stains.maxConcentration
        var expected = smear
        for i in 0..<expected.nucleus.count { expected.nucleus[i] *= scale.x; expected.counter[i] *= scale.y }
        let ref = expected.render(stains: .reference)
        var err: Float = 0
        for i in 0..<out.count { err = max(err, abs(out.r[i] - ref.r[i]), abs(out.g[i] - ref.g[i]), abs(out.b[i] - ref.b[i])) }
        #expect(err < 0.04, "max error \(err)")
        // And the estimated maxima are the true 99th percentiles (within a few %).
        #expect(abs(scale.x * est.stains.maxConcentration.x - StainMatrix.reference.maxConcentration.x) < 1e-9)
    }

    @Test func blankImageFallsBackToReference() {
        let img = RGBRaster(width: 32, height: 32, fill: (0.9, 0.9, 0.9))
        let est = MacenkoNormalizer().estimate(OpticalDensity(img))
        #expect(est.usedFallback && est.stains.nucleus == StainMatrix.reference.nucleus)
        let out = MacenkoNormalizer().normalize(img).image
        #expect(out.r.allSatisfy { abs($0 - 1) < 1e-3 })
    }

    @Test func reinhardMatchesReferenceStatistics() {
        let (_, img) = Self.field(stains: Self.foreign, white: SIMD3(0.95, 0.9, 0.8))
        let r = ReinhardNormalizer.pbcReference
        let s = ReinhardNormalizer.statistics(r.normalize(img))
        #expect(abs(s.mean.x - r.referenceMean.x) < 0.02 && abs(s.std.x - r.referenceStd.x) < 0.02)
        #expect(abs(s.mean.y - r.referenceMean.y) < 0.01 && abs(s.mean.z - r.referenceMean.z) < 0.01)
    }
}
