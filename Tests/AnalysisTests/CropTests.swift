import Foundation
import Testing
@testable import Analysis

@Suite struct CropTests {
    @Test func mappingRoundTripsExactly() {
        let g = CropGeometry(centerX: 123.25, centerY: 77.5, side: 90.5)
        for (u, v) in [(0.0, 0.0), (64.0, 64.0), (127.5, 3.25), (128.0, 128.0)] {
            let p = g.toImage(u: u, v: v)
            let q = g.toCrop(x: p.x, y: p.y)
            #expect(abs(q.u - u) < 1e-9 && abs(q.v - v) < 1e-9)
        }
        #expect(g.toImage(u: 64, v: 64) == (x: 123.25, y: 77.5))
        let corner = g.toImage(u: 0, v: 0)
        #expect(abs(corner.x - (123.25 - 45.25)) < 1e-12 && abs(corner.y - (77.5 - 45.25)) < 1e-12)
    }

    @Test func aBlockLandsWhereTheMappingSays() {
        // A 10x10 bright block at image (200...209, 50...59) inside a 300x200 gray plane.
        var plane = [Float](repeating: 0, count: 300 * 200)
        for y in 50..<60 { for x in 200..<210 { plane[y * 300 + x] = 1 } }
        let g = CropGeometry(centerX: 190, centerY: 70, side: 256)   // 2 image px per output px
        let out = CropSampler.sample(plane, width: 300, height: 200, geometry: g, fill: 0)
        // Centre of mass of the crop, mapped back, is the block's centre (205, 55).
        var sx = 0.0, sy = 0.0, s = 0.0
        for v in 0..<128 { for u in 0..<128 { let w = Double(out[v * 128 + u]); sx += w * (Double(u) + 0.5); sy += w * (Double(v) + 0.5); s += w } }
        let p = g.toImage(u: sx / s, v: sy / s)
        #expect(abs(p.x - 205) < 0.05 && abs(p.y - 55) < 0.05)
        // Mass is preserved up to the scale (antialiased, not point-sampled): 100 px / 4.
        #expect(abs(s - 25) < 0.5)
    }

    @Test func downscalingDoesNotAlias() {
        // One-pixel stripes, shrunk 4x: a point sampler shows 0 or 1, the tent filter ~0.5.
        var plane = [Float](repeating: 0, count: 512 * 512)
        for y in 0..<512 { for x in stride(from: 0, to: 512, by: 2) { plane[y * 512 + x] = 1 } }
        let out = CropSampler.sample(plane, width: 512, height: 512, geometry: CropGeometry(centerX: 256, centerY: 256, side: 512), fill: 0)
        let inner = (8..<120).flatMap { v in (8..<120).map { out[v * 128 + $0] } }
        #expect(inner.allSatisfy { abs($0 - 0.5) < 0.05 })
    }

    @Test func cropOfACandidateHasFourChannelsAndOutsideIsGlass() throws {
        let img = CandidateDetectionTests.field { s in
            s.disc(x: 20, y: 100, r: 25, nucleus: 0.08, counter: 0.08, replace: true)
            s.disc(x: 20, y: 100, r: 16, nucleus: 0.9, counter: 0.05, replace: true)
        }
        let r = try FieldLocalizer().run(img)
        let c = try #require(r.candidates.first { $0.centerX < 40 })
        #expect(c.touchesBorder)
        let crop = CropSampler.crop(r, geometry: CropGeometry(candidate: c))
        #expect(crop.data.count == 4 * 128 * 128)
        #expect(abs(crop.geometry.side - CropGeometry.sideOverDiameter * c.diameter) < 1e-9)
        #expect(crop[0, 0, 64] > 0.99 && crop[3, 0, 64] == 0)      // left edge is outside the image
        #expect(crop[3, 64, 64] > 0.9)                              // prior high at the cell centre
        let labels = CropSampler.sampleLabels([UInt8](repeating: 7, count: img.count), width: img.width,
                                              height: img.height, geometry: crop.geometry)
        #expect(labels[64 * 128 + 0] == 0 && labels[64 * 128 + 127] == 7)
    }
}

@Suite struct StatisticsTests {
    @Test func percentileMatchesSortedNearestRank() {
        var rng = TestRandom(state: 11)
        for n in [1, 2, 3, 10, 101, 1000] {
            let v = (0..<n).map { _ in Float((rng.next() * 50).rounded()) }   // many ties
            let sorted = v.sorted()
            for p in [0.0, 1, 25, 50, 90, 99.5, 100] {
                let rank = Int((p / 100 * Double(n - 1)).rounded())
                #expect(Statistics.percentile(v, p) == sorted[rank], "n \(n) p \(p)")
            }
        }
        #expect(Statistics.percentile([], 50) == 0)
    }

    @Test func otsuSplitsTwoModes() {
        let v = [Float](repeating: 0.1, count: 100) + [Float](repeating: 0.9, count: 50)
        let t = Statistics.otsu(v)
        #expect(t > 0.1 && t <= 0.9)
    }
}
