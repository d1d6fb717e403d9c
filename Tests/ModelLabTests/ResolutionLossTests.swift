import Foundation
import Testing
@testable import ModelLab
@testable import Analysis
import Tensor

@Suite struct ResolutionLossTests {
    static func checkerboard(_ n: Int, period: Int) -> FloatPlane {
        var p = FloatPlane(width: n, height: n)
        for y in 0..<n { for x in 0..<n { p[x, y] = (x / period + y / period) % 2 == 0 ? 1 : 0 } }
        return p
    }

    static func totalVariation(_ p: FloatPlane) -> Float {
        var tv: Float = 0
        for y in 0..<p.height { for x in 1..<p.width { tv += abs(p[x, y] - p[x - 1, y]) } }
        return tv
    }

    @Test func factorOneOrMoreIsIdentity() {
        let p = Self.checkerboard(32, period: 1)
        #expect(ResolutionLoss.apply(p, factor: 1) == p)
        #expect(ResolutionLoss.apply(p, factor: 1.5) == p)
    }

    @Test func constantPlaneStaysConstant() {
        let p = FloatPlane(width: 40, height: 40, fill: 0.7)
        let out = ResolutionLoss.apply(p, factor: 0.5)
        #expect(out.values.allSatisfy { abs($0 - 0.7) < 1e-5 })
    }

    @Test func removesDetailFinerThanTheCoarseGridButKeepsLargeShapes() {
        // A one-pixel checkerboard cannot exist at half resolution: it becomes flat grey.
        let fine = ResolutionLoss.apply(Self.checkerboard(64, period: 1), factor: 0.5)
        #expect(fine.values.allSatisfy { abs($0 - 0.5) < 0.1 })
        // 16-pixel squares survive half resolution: same mean, edges only softened.
        let coarseInput = Self.checkerboard(64, period: 16)
        let coarse = ResolutionLoss.apply(coarseInput, factor: 0.5)
        let mean = coarse.values.reduce(0, +) / Float(coarse.values.count)
        #expect(abs(mean - 0.5) < 0.02)
        #expect(abs(coarse[8, 8] - 1) < 0.05 && abs(coarse[24, 8]) < 0.05)
        // Softer edges: less total variation than the input, more than the flat result.
        let tv = Self.totalVariation(coarse)
        #expect(tv < Self.totalVariation(coarseInput) && tv > 0.5 * Self.totalVariation(coarseInput))
    }

    @Test func augmenterAppliesItToRGBOnlyWhenEnabled() {
        let (crop, mask) = AugmenterTests.sample()
        var p = AugmentParameters.geometricOnly
        p.flipsAndQuarterTurns = false
        p.resolutionLossProbability = 1
        p.minResolutionFactor = 0.3
        var rng = RandomSource(seed: 3)
        let (out, labels) = Augmenter(parameters: p).apply(crop, mask: mask, rng: &rng)
        let n = crop.size, area = n * n
        let before = FloatPlane(width: n, height: n, values: Array(crop.data[0..<area]))
        let after = FloatPlane(width: n, height: n, values: Array(out.data[0..<area]))
        #expect(Self.totalVariation(after) < Self.totalVariation(before))
        #expect(Array(out.data[3 * area..<4 * area]) == Array(crop.data[3 * area..<4 * area]))   // prior untouched
        #expect(labels == mask)
    }
}
