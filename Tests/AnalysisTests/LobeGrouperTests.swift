import Foundation
import Testing
@testable import Analysis

@Suite struct LobeGrouperTests {
    /// Pixel indices of a disc in a `w`-wide plane.
    static func disc(x cx: Double, y cy: Double, r: Double, width w: Int) -> [Int] {
        var out: [Int] = []
        for y in Int(cy - r)...Int(cy + r) {
            for x in Int(cx - r)...Int(cx + r) where hypot(Double(x) - cx, Double(y) - cy) <= r { out.append(y * w + x) }
        }
        return out
    }

    let w = 200, h = 120

    @Test func equalLobesJoinWithOrWithoutTheSmallerPieceLimit() {
        // Two r=8 lobes (equivalent diameter ~16) with a 10-pixel gap: within 0.4 x (16 + 16)
        // and within 0.8 x 16, not within 0.3 x (16 + 16).
        let pieces = [Self.disc(x: 60, y: 60, r: 8, width: w), Self.disc(x: 86, y: 60, r: 8, width: w)]
        for factor in [0, 0.8] {
            let groups = LobeGrouper(gapFraction: 0.4, smallerPieceFactor: factor).groups(pieces, family: [1, 2], width: w, height: h)
            #expect(groups == [0, 0], "smaller-piece factor \(factor)")
        }
        // Beyond the sum rule they stay apart whatever the factor.
        #expect(LobeGrouper(gapFraction: 0.3, smallerPieceFactor: 0.8).groups(pieces, family: [1, 2], width: w, height: h) == [0, 1])
    }

    @Test func aSmallBlobBesideABigNucleusJoinsOnlyWithoutTheSmallerPieceLimit() {
        // A big nucleus (r=20, diameter ~40) and a platelet-sized blob (r=4, diameter ~8) 12 px
        // apart: 12 <= 0.4 x (40 + 8) = 19.2, but 12 > 0.8 x 8 = 6.4.
        let pieces = [Self.disc(x: 60, y: 60, r: 20, width: w), Self.disc(x: 96, y: 60, r: 4, width: w)]
        #expect(LobeGrouper(gapFraction: 0.4).groups(pieces, family: [1, 2], width: w, height: h) == [0, 0])
        #expect(LobeGrouper(gapFraction: 0.4, smallerPieceFactor: 0.8).groups(pieces, family: [1, 2], width: w, height: h) == [0, 1])
    }

    @Test func gapIsTheLeastDistanceBetweenPixels() {
        let a = Self.disc(x: 50, y: 50, r: 5, width: w), b = Self.disc(x: 70, y: 50, r: 5, width: w)
        // Nearest pixels: x = 55 and x = 65, 10 apart.
        let ea = LobeGrouper.edge(a, width: w), eb = LobeGrouper.edge(b, width: w)
        #expect(LobeGrouper.gap(ea, eb, width: w, atMost: 10))
        #expect(!LobeGrouper.gap(ea, eb, width: w, atMost: 9.9))
        #expect(ea.count < a.count && Set(ea).isSubset(of: Set(a)))
    }

    @Test func defaultDetectorKeepsAPlateletBesideALymphocyteOutOfItsCell() throws {
        let img = CandidateDetectionTests.field { s in
            s.disc(x: 110, y: 100, r: 26, nucleus: 0.08, counter: 0.08, replace: true)   // cytoplasm
            s.disc(x: 110, y: 100, r: 20, nucleus: 0.9, counter: 0.05, replace: true)    // round nucleus
            s.disc(x: 146, y: 100, r: 4, nucleus: 0.9, counter: 0.05, replace: true)     // platelet, gap 12 < 0.3 x 48
        }
        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 1, "\(r.candidates)")
        #expect(r.candidates.first.map { $0.nucleusBox.x1 <= 132 } == true, "\(r.candidates)")
    }
}
