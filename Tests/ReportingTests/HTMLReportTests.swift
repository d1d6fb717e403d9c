import Analysis
import CellModel
import Foundation
import Testing
@testable import Reporting

@Suite struct HTMLReportTests {
    private func page(_ analysis: ImageAnalysis = ReportFixtures.analysis()) -> String {
        HTMLReport(analysis: analysis, overlay: "overlay.png",
                   cellImages: [1: "cells/001.png", 2: "cells/002.png", 4: "cells/004.png"],
                   reportJSON: "report.json").render()
    }

    @Test func hostileFileNameIsEscaped() {
        let html = page()
        #expect(!html.contains("<script"))
        #expect(!html.contains("alert('x')"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;smear&quot;.png"))
        #expect(HTMLText.escape("a\u{0007}b<\"'&>") == "a\u{FFFD}b&lt;&quot;&#39;&amp;&gt;")
    }

    @Test func differentialTableAndFlaggedCount() {
        let html = page()
        #expect(html.contains("neutrophil</td><td>2</td><td>66.67</td>"))
        #expect(html.contains("lymphocyte</td><td>1</td><td>33.33</td>"))
        #expect(html.contains("platelet</td><td>0</td><td>0</td>"))
        #expect(html.contains("White blood cells counted</td><td>3</td>"))
        #expect(html.contains("3 cells flagged for review</strong>: #2, #3, #4"))
        #expect(html.contains("src=\"overlay.png\""))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
    }

    /// Types in class order; within a type the flagged cell first; colours from the palette.
    @Test func galleryGroupsByTypeFlaggedFirst() throws {
        let html = page()
        let four = try #require(html.range(of: "<strong>#4</strong>")).lowerBound
        let one = try #require(html.range(of: "<strong>#1</strong>")).lowerBound
        let two = try #require(html.range(of: "<strong>#2</strong>")).lowerBound
        let three = try #require(html.range(of: "<strong>#3</strong>")).lowerBound
        #expect(four < one && one < two && two < three)
        #expect(html.contains("src=\"cells/004.png\""))
        #expect(html.contains("runner-up: monocyte 5.0 %"))
        #expect(html.contains("<span class=\"flag\">at_border</span> <span class=\"flag\">overlapping</span>"))
        for cellClass in [CellClass.neutrophil, .lymphocyte, .platelet] {
            #expect(html.contains("border-color:\(CellPalette.hex(cellClass))"))
        }
        #expect(CellPalette.hex(.neutrophil) == "#0072b2")
    }

    @Test func emptyAnalysisSaysNoCells() {
        let html = page(ReportFixtures.empty)
        #expect(html.contains("No cells were found."))
        #expect(html.contains("0 cells flagged for review"))
    }
}
