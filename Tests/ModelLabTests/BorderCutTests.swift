import Foundation
import Testing
@testable import ModelLab
@testable import Analysis
import Tensor

@Suite struct BorderCutTests {
    /// A random plane standing in for one channel of a smear field.
    static func field(width: Int, height: Int, seed: UInt64) -> [Float] {
        var rng = RandomSource(seed: seed)
        return (0..<(width * height)).map { _ in rng.uniform() }
    }

    @Test func matchesTheAnalyzersCropOfACellCutByTheImageEdge() {
        // The same cell cropped from a whole field, and from the field with its left 60 columns
        // gone (the cell now sits at the image's left edge): the cut crop of the first must be
        // the crop of the second, white glass beyond the edge.
        let w = 200, h = 200
        let whole = Self.field(width: w, height: h, seed: 11)
        let geometry = CropGeometry(centerX: 100, centerY: 100, side: 128, size: 128)
        let full = CropSampler.sample(whole, width: w, height: h, geometry: geometry, fill: 1)
        let cutWidth = w - 60
        var cutField = [Float](repeating: 0, count: cutWidth * h)
        for y in 0..<h { for x in 0..<cutWidth { cutField[y * cutWidth + x] = whole[y * w + x + 60] } }
        var shifted = geometry
        shifted.centerX -= 60
        let atEdge = CropSampler.sample(cutField, width: cutWidth, height: h, geometry: shifted, fill: 1)

        var data = full + full + full + [Float](repeating: 0.5, count: 128 * 128)
        var mask: [UInt8]? = [UInt8](repeating: 2, count: 128 * 128)
        BorderCut(side: .left, distanceFromCenter: 40.0 / 128).apply(to: &data, mask: &mask, size: 128)
        var worst: Float = 0
        for v in 0..<128 {
            for u in 0..<128 where u < 23 || u > 24 {   // the edge column itself is blended in the sampler
                worst = max(worst, abs(data[v * 128 + u] - atEdge[v * 128 + u]))
            }
        }
        #expect(worst < 1e-5)
        for v in 0..<128 {
            for u in 0..<128 {
                let outside = u < 24
                #expect(data[3 * 128 * 128 + v * 128 + u] == (outside ? 0 : 0.5))
                #expect(mask![v * 128 + u] == (outside ? 0 : 2))
            }
        }
    }

    @Test func eachSideCutsItsOwnHalfOnly() {
        let n = 16
        for side in BorderCut.Side.allCases {
            let cut = BorderCut(side: side, distanceFromCenter: 0.25)
            let outside = (0..<n).flatMap { y in (0..<n).map { x in cut.isOutside(x: x, y: y, size: n) } }
            #expect(outside.filter { $0 }.count == 4 * n)   // 4 rows or columns of 16 beyond 0.25 x 16 from centre
            let probe: (x: Int, y: Int) = switch side {
            case .left: (0, 8)
            case .right: (15, 8)
            case .top: (8, 0)
            case .bottom: (8, 15)
            }
            #expect(cut.isOutside(x: probe.x, y: probe.y, size: n))
            #expect(!cut.isOutside(x: 8, y: 8, size: n))
        }
    }

    @Test func augmenterCutsWhenEnabledAndLeavesTheRestAlone() {
        let (crop, mask) = AugmenterTests.sample()
        var p = AugmentParameters.geometricOnly
        p.flipsAndQuarterTurns = false
        p.borderCutDistance = 0.2...0.2
        var uncutRandom = RandomSource(seed: 8)
        let (uncut, uncutLabels) = Augmenter(parameters: p).apply(crop, mask: mask, rng: &uncutRandom)
        p.borderCutProbability = 1
        var r1 = RandomSource(seed: 8), r2 = RandomSource(seed: 8)
        let (out, labels) = Augmenter(parameters: p).apply(crop, mask: mask, rng: &r1)
        #expect(Augmenter(parameters: p).apply(crop, mask: mask, rng: &r2) == (out, labels))
        let n = crop.size, area = n * n
        var cutPixels = 0, mismatches = 0
        for i in 0..<area {
            let white = (0..<3).allSatisfy { out.data[$0 * area + i] == 1 } && out.data[3 * area + i] == 0 && labels![i] == 0
            let unchanged = (0..<4).allSatisfy { out.data[$0 * area + i] == uncut.data[$0 * area + i] } && labels![i] == uncutLabels![i]
            if !(white || unchanged) { mismatches += 1 }
            if !unchanged { cutPixels += 1 }
        }
        #expect(mismatches == 0)
        // The disc (radius 35 about (70, 60)) reaches past 0.2 x 128 from the centre on every side.
        #expect(cutPixels > 0)
    }
}
