import Foundation
import Testing
@testable import Analysis

/// Nuclei close enough for the lobe gap rule stay two cells when glass narrows between their
/// cells (`GlassWaist`), and lobes of one round cell are still joined.
@Suite struct GlassWaistTests {
    /// Two touching cells (cytoplasm r 32, centres 64 px apart) whose nuclei (r 20) sit
    /// toward each other, 12 px apart: within the gap rule's 0.3 x (40 + 40) and 0.8 x 40.
    static let touchingCells = CellOutlinerTests.glass(width: 240) { s in
        for x in [80.0, 144.0] { s.disc(x: x, y: 80, r: 32, nucleus: 0.08, counter: 0.12, replace: true) }
        for x in [86.0, 138.0] { s.disc(x: x, y: 80, r: 20, nucleus: 0.9, counter: 0.05, replace: true) }
    }

    @Test func twoTouchingCellsWithCloseNucleiAreTwoCandidates() throws {
        var gapRuleOnly = FieldLocalizer()
        gapRuleOnly.detector.parameters.lobeWaistFraction = 0
        #expect(try gapRuleOnly.run(Self.touchingCells).candidates.count == 1, "the gap rule alone joins them")
        let r = try FieldLocalizer().run(Self.touchingCells)
        #expect(r.candidates.count == 2, "\(r.candidates)")
        let centres = r.candidates.map(\.centerX).sorted()
        #expect(abs(centres[0] - 86) < 4 && abs(centres[1] - 138) < 4, "\(centres)")
    }

    @Test func lobesOfOneRoundCellAreStillJoined() throws {
        // Three lobes (r 10) 8 px apart in a C, inside one cytoplasm of r 40.
        let img = CellOutlinerTests.glass { s in
            s.disc(x: 100, y: 80, r: 40, nucleus: 0.08, counter: 0.12, replace: true)
            for (x, y) in [(82.0, 66.0), (78.0, 94.0), (104.0, 104.0)] {
                s.disc(x: x, y: y, r: 10, nucleus: 0.9, counter: 0.05, replace: true)
            }
        }
        var noOutline = FieldLocalizer()
        noOutline.detector.parameters.outlineReach = 0   // the gap rule and the waist check alone
        let r = try noOutline.run(img)
        #expect(r.candidates.count == 1, "\(r.candidates)")
    }

    @Test func waistIsSeenOnlyWhereGlassNarrowsBetweenThePieces() throws {
        let img = Self.touchingCells, w = img.width
        let waist = GlassWaist(image: img, densityThreshold: 0.1, waistFraction: 0.7)
        func disc(_ cx: Double, _ r: Double) -> [Int] {
            CellOutlinerTests.disc(x: cx, y: 80, r: r, width: w, height: img.height).bits.indices.filter {
                hypot(Double($0 % w) + 0.5 - cx, Double($0 / w) + 0.5 - 80) <= r
            }
        }
        #expect(waist.separated(disc(86, 20), disc(138, 20)))
        // Two pieces inside one cell: depth has no dip between them.
        #expect(!waist.separated(disc(74, 5), disc(90, 5)))
        // Empty pieces and a window with no glass never separate.
        #expect(!waist.separated([], disc(138, 20)))
        let allStained = CellOutlinerTests.glass(width: 60, height: 60) { s in
            s.disc(x: 30, y: 30, r: 60, nucleus: 0.08, counter: 0.12, replace: true)
        }
        let filled = GlassWaist(image: allStained, densityThreshold: 0.1, waistFraction: 0.7)
        #expect(!filled.separated([30 * 60 + 10], [30 * 60 + 50]))
    }
}
