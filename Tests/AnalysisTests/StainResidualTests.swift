import CellModel
import Foundation
import Testing
@testable import Analysis

/// `MacenkoNormalizer.keepsResidual`: a colour the two stain vectors cannot make (eosinophil
/// granules' orange-red) survives normalisation only with the residual kept; an image made of
/// two stains alone normalises the same either way; weights say which their crops used.
@Suite struct StainResidualTests {
    /// A third absorber well off the test stains' plane (about 25 degrees).
    static let granuleAbsorber = SIMD3<Double>(0.75, 0.15, 0.64)

    /// The two-stain test field with a granule disc that also holds a third absorber.
    static func fieldWithGranules() -> (raster: RGBRaster, granule: Int, plain: Int) {
        let (_, raster) = StainNormalizationTests.field(stains: StainNormalizationTests.foreign, white: SIMD3(0.95, 0.9, 0.8))
        var img = raster
        let (cx, cy, r) = (80.0, 60.0, 4.0)  // few pixels: not an extreme of the stain fan
        for y in 0..<img.height {
            for x in 0..<img.width {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                guard dx * dx + dy * dy <= r * r else { continue }
                let i = y * img.width + x, od = granuleAbsorber * 0.35
                img.r[i] *= Float(pow(10, -od.x)); img.g[i] *= Float(pow(10, -od.y)); img.b[i] *= Float(pow(10, -od.z))
            }
        }
        return (img, 60 * img.width + 80, 5 * img.width + 5)
    }

    /// Degrees between the output OD at pixel `i` and the reference stains' plane.
    static func degreesOffReferencePlane(_ image: RGBRaster, _ i: Int) -> Double {
        let od = SIMD3(-log10(Double(image.r[i])), -log10(Double(image.g[i])), -log10(Double(image.b[i])))
        let n = StainMatrix.reference.nucleus, c = StainMatrix.reference.counter
        var normal = SIMD3(n.y * c.z - n.z * c.y, n.z * c.x - n.x * c.z, n.x * c.y - n.y * c.x)
        normal /= (normal * normal).sum().squareRoot()
        let length = (od * od).sum().squareRoot()
        return asin(min(1, abs((od * normal).sum()) / length)) * 180 / .pi
    }

    @Test func granulesKeepTheirOwnColourOnlyWithTheResidual() {
        let (img, granule, _) = Self.fieldWithGranules()
        var keeping = MacenkoNormalizer()
        keeping.keepsResidual = true
        let dropped = MacenkoNormalizer().normalize(img).image
        let (kept, estimate, _) = keeping.normalize(img)
        // Without the residual every output colour is a mixture of the reference stains.
        #expect(Self.degreesOffReferencePlane(dropped, granule) < 0.5)
        // With it the granule stands off that plane ...
        #expect(Self.degreesOffReferencePlane(kept, granule) > 2, "\(Self.degreesOffReferencePlane(kept, granule))")
        // ... by what the image's own stains cannot explain of the absorber.
        func od(_ image: RGBRaster) -> SIMD3<Double> {
            SIMD3(-log10(Double(image.r[granule])), -log10(Double(image.g[granule])), -log10(Double(image.b[granule])))
        }
        let added = od(kept) - od(dropped), unexplained = estimate.stains.residual(Self.granuleAbsorber)
        let cosine = (added * unexplained).sum() / ((added * added).sum() * (unexplained * unexplained).sum()).squareRoot()
        #expect(cosine > 0.95, "added \(added), unexplained \(unexplained)")
    }

    @Test func twoStainImagesAndGlassNormaliseAlikeEitherWay() {
        let (_, img) = StainNormalizationTests.field(stains: StainNormalizationTests.foreign, white: SIMD3(0.95, 0.9, 0.8))
        var keeping = MacenkoNormalizer()
        keeping.keepsResidual = true
        let estimate = keeping.estimate(OpticalDensity(img))
        #expect((estimate.glassResidual * estimate.glassResidual).sum().squareRoot() < 0.01)
        let dropped = MacenkoNormalizer().normalize(img).image, kept = keeping.normalize(img).image
        var worst: Float = 0
        for i in 0..<img.count {
            worst = max(worst, abs(kept.r[i] - dropped.r[i]), abs(kept.g[i] - dropped.g[i]), abs(kept.b[i] - dropped.b[i]))
        }
        #expect(worst < 0.03, "largest channel difference \(worst)")
    }

    @Test func aGlassTintOffThePlaneIsTakenOut() {
        // Every pixel, glass included, carries a faint extra absorber: the glass stays white.
        let (_, base) = StainNormalizationTests.field(stains: StainNormalizationTests.foreign, white: SIMD3(1, 1, 1))
        var img = base
        let tint = Self.granuleAbsorber * 0.03
        for i in 0..<img.count {
            img.r[i] *= Float(pow(10, -tint.x)); img.g[i] *= Float(pow(10, -tint.y)); img.b[i] *= Float(pow(10, -tint.z))
        }
        var keeping = MacenkoNormalizer()
        keeping.keepsResidual = true
        let (out, _, od) = keeping.normalize(img)
        // The white level absorbs most of a uniform tint; what is left off the plane is R_glass.
        let glassPixels = (0..<img.count).filter { od.norm($0) < 0.02 }
        #expect(glassPixels.count > 1000)
        for i in glassPixels.prefix(200) { #expect(min(out.r[i], out.g[i], out.b[i]) > 0.95) }
    }

    @Test func weightsSayWhichNormalisationTheirCropsUsed() throws {
        let plain = PipelineFixtures.tinyModel()
        #expect(!plain.keepsStainResidual)
        #expect(!FieldLocalizer(for: plain).normalizer.keepsResidual)
        var metadata = plain.metadata
        metadata[ModelFile.stainResidualKey] = "true"
        let residual = ModelFile(network: plain.network, temperature: 1, metadata: metadata)
        #expect(residual.keepsStainResidual)
        #expect(FieldLocalizer(for: residual).normalizer.keepsResidual)
        // The analyzer normalises as its weights were trained unless told otherwise.
        #expect(try PipelineFixtures.analyzer(residual).localizer.normalizer.keepsResidual)
        #expect(try !PipelineFixtures.analyzer(plain).localizer.normalizer.keepsResidual)
    }
}
