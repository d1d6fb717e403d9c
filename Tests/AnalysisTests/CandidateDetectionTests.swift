import Foundation
import Testing
@testable import Analysis
import CellModel

@Suite struct CandidateDetectionTests {
    static let stains = StainMatrix(nucleus: SIMD3(0.45, 0.88, 0.15), counter: SIMD3(0.70, 0.66, 0.25),
                                    maxConcentration: SIMD2(1, 1))

    /// A 240x200 field of red cells (counter stain) around the given WBCs.
    static func field(_ draw: (inout SyntheticSmear) -> Void) -> RGBRaster {
        var s = SyntheticSmear(width: 240, height: 200)
        var rng = TestRandom(state: 3)
        for _ in 0..<30 {
            s.disc(x: rng.next() * 240, y: rng.next() * 200, r: 11, counter: 0.3, replace: true)
        }
        draw(&s)
        return s.render(stains: stains)
    }

    @Test func lobedNucleusIsOneCell() throws {
        let img = Self.field { s in
            s.disc(x: 120, y: 100, r: 30, nucleus: 0.08, counter: 0.08, replace: true)   // cytoplasm
            for (dx, dy) in [(-11.0, -5.0), (0.0, 9.0), (11.0, -5.0), (0.0, -14.0)] {   // 4 separate lobes
                s.disc(x: 120 + dx, y: 100 + dy, r: 6.5, nucleus: 0.9, counter: 0.05, replace: true)
            }
        }
        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 1, "\(r.candidates)")
        let c = try #require(r.candidates.first)
        #expect(abs(c.centerX - 120) < 4 && abs(c.centerY - 97.5) < 4)
        #expect(c.nucleusBox.x0 <= 103 && c.nucleusBox.x1 >= 137 && !c.touchesBorder)
        #expect(c.box.iou(BoundingBox(x0: 90, y0: 70, x1: 150, y1: 130)) >= 0.5)
    }

    @Test func twoTouchingCellsAreTwo() throws {
        let img = Self.field { s in
            for x in [90.0, 146.0] {
                s.disc(x: x, y: 100, r: 28, nucleus: 0.08, counter: 0.08, replace: true)
                s.disc(x: x, y: 100, r: 15, nucleus: 0.9, counter: 0.05, replace: true)
            }
        }
        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 2, "\(r.candidates)")
        let xs = r.candidates.map(\.centerX).sorted()
        #expect(xs.count == 2 && abs(xs[0] - 90) < 4 && abs(xs[1] - 146) < 4)
        // Their cell regions do not overlap and each matches its cell.
        #expect(r.candidates.allSatisfy { c in [90.0, 146.0].contains { abs(c.box.centerX - $0) < 4 } })
    }

    @Test func faintStrandJoinsLobesOnlyWithBridging() throws {
        // Two lobes 40 px apart (too far for the gap rule) joined by a faintly stained strand.
        let img = Self.field { s in
            s.disc(x: 120, y: 100, r: 34, nucleus: 0.08, counter: 0.08, replace: true)   // cytoplasm
            for x in stride(from: 104.0, through: 136.0, by: 2) {
                s.disc(x: x, y: 100, r: 2.5, nucleus: 0.3, counter: 0.05, replace: true)  // strand
            }
            for x in [100.0, 140.0] { s.disc(x: x, y: 100, r: 8, nucleus: 0.9, counter: 0.05, replace: true) }
        }
        // Without outlines (this cell stands alone on glass, so its outline would join them).
        var plain = FieldLocalizer()
        plain.detector.parameters.outlineReach = 0
        #expect(try plain.run(img).candidates.count == 2)
        #expect(try FieldLocalizer().run(img).candidates.count == 1)
        var bridged = plain
        bridged.detector.parameters.lobeBridgeFraction = 0.2
        bridged.detector.parameters.maxBridgeAreaRatio = 5
        let r = try bridged.run(img)
        #expect(r.candidates.count == 1, "\(r.candidates)")
        #expect(r.candidates.first.map { $0.nucleusBox.x0 <= 93 && $0.nucleusBox.x1 >= 147 } == true)
    }

    @Test func touchingNucleiSplitWhenEnabled() {
        // One component shaped like two overlapping discs (centres 34 px apart, radius 18).
        var mask = BinaryMask(width: 100, height: 60)
        for y in 0..<60 { for x in 0..<100 {
            let a = hypot(Double(x) - 33, Double(y) - 30), b = hypot(Double(x) - 67, Double(y) - 30)
            mask[x, y] = a <= 18 || b <= 18
        } }
        let pixels = mask.bits.indices.filter { mask.bits[$0] }
        let parts = TouchingCellSplitter(parameters: CandidateParameters()).split(pixels, imageWidth: 100, bridge: 1)
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { abs($0.count - pixels.count / 2) < pixels.count / 10 })
        // A single disc stays whole.
        let disc: [Int] = (0..<(100 * 60)).filter { (i: Int) -> Bool in
            let dx = Double(i % 100) - 50, dy = Double(i / 100) - 30
            return dx * dx + dy * dy <= 400
        }
        #expect(TouchingCellSplitter(parameters: CandidateParameters()).split(disc, imageWidth: 100, bridge: 1).count == 1)
    }

    @Test func redCellsAndPlateletsAreNotCandidates() throws {
        let img = Self.field { s in
            s.disc(x: 120, y: 100, r: 25, nucleus: 0.08, counter: 0.08, replace: true)
            s.disc(x: 120, y: 100, r: 16, nucleus: 0.9, counter: 0.05, replace: true)
            s.disc(x: 30, y: 30, r: 3, nucleus: 0.7, counter: 0.1, replace: true)       // platelet
        }
        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 1)
        // The prior is high on the WBC and low on red cells and glass.
        #expect(r.prior[120, 100] > 0.9 && r.prior[120, 100 + 21] > 0.5)
        #expect(r.prior[30, 30] < 0.9)
        #expect(r.prior.values.filter { $0 > 0.5 }.count < 3 * 30 * 30 * 4)
    }

    @Test func blankImageHasNoCandidatesAndTinyImageIsAnError() throws {
        let r = try FieldLocalizer().run(RGBRaster(width: 64, height: 64, fill: (0.95, 0.95, 0.95)))
        #expect(r.candidates.isEmpty)
        #expect(throws: AnalysisError.self) { try FieldLocalizer().run(RGBRaster(width: 4, height: 4)) }
    }
}

@Suite struct SaliencyBenchmarkTests {
    @Test func benchmarkFieldHasTheCellsItDraws() throws {
        let m = try SaliencyBenchmark.measure(width: 640, height: 480, repeats: 1)
        #expect(m.candidates == 3 && m.medianMilliseconds > 0 && m.megabytesPerSecond > 0)
    }
}
