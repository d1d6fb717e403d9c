import Analysis
import CellModel
import ImageIO
import Testing
@testable import Reporting

@Suite struct OverlayRendererTests {
    private func colour(_ image: Image, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * 3
        return Array(image.samples8[i..<i + 3])
    }

    private func rgb(_ cellClass: CellClass) -> [UInt8] {
        let c = CellPalette.rgb(cellClass)
        return [c.r, c.g, c.b]
    }

    /// Pixels on each contour (a vertex on the left half, away from the number label) have
    /// the colour of the cell's type, and that colour is the legend's swatch for the type.
    @Test func contoursHaveTheirTypesLegendColour() throws {
        for scale in [1.0, 0.5] {
            let analysis = ReportFixtures.analysis(overlayScale: scale)
            let rendered = OverlayRenderer.render(analysis)
            let image = rendered.image
            #expect(image.width == Int(200 * scale) && image.height > Int(150 * scale))
            for cell in analysis.cells {
                let vertex = cell.contour[cell.contour.count / 2]   // angle pi: leftmost point
                let x = Int(vertex.x * scale), y = Int(vertex.y * scale)
                #expect(colour(image, x, y) == rgb(cell.cellClass), "cell \(cell.number) at scale \(scale)")
                let swatch = try #require(rendered.swatches[cell.cellClass])
                #expect(colour(image, swatch.x + swatch.side / 2, swatch.y + swatch.side / 2) == rgb(cell.cellClass))
            }
            // Away from every cell the base shows through.
            let base = analysis.overlayBase!.image()
            let (bx, by) = (Int(100 * scale), Int(10 * scale))
            #expect(colour(image, bx, by) == colour(base, bx, by))
        }
    }

    @Test func legendListsEveryTypeInDistinctColours() {
        let rendered = OverlayRenderer.render(ReportFixtures.empty)
        #expect(Set(rendered.swatches.keys) == Set(CellClass.allCases))
        #expect(Set(CellClass.allCases.map { CellPalette.hex($0) }).count == CellClass.allCases.count)
        // The legend sits below the picture.
        #expect(rendered.swatches.values.allSatisfy { $0.y >= 150 && $0.y + $0.side <= rendered.image.height })
    }

    @Test func numberLabelIsDrawnBesideTheCell() {
        let analysis = ReportFixtures.analysis(cells: [ReportFixtures.cells[0]])
        let image = OverlayRenderer.render(analysis).image
        let box = analysis.cells[0].box
        // The label's background is the type colour just right of the box's top-right corner;
        // the digit "1" puts white pixels in it.
        var typed = 0, white = 0
        for y in max(0, Int(box.y0) - 20)..<Int(box.y0) {
            for x in Int(box.x1)..<min(200, Int(box.x1) + 20) {
                let c = colour(image, x, y)
                if c == rgb(.neutrophil) { typed += 1 }
                if c == [255, 255, 255] { white += 1 }
            }
        }
        #expect(typed > 20 && white > 5)
    }

    @Test func bitmapFontDrawsDigits() {
        var canvas = RGBCanvas(width: 40, height: 10, fill: (0, 0, 0))
        let width = canvas.text("0123", x: 0, y: 0, scale: 1, (255, 255, 255))
        #expect(width == 23)
        // "1" has a vertical stroke at its centre column on every row but the last-but... rows 1-5.
        // "1" (second glyph, columns 6-10) has its vertical stroke at column 8 on rows 1-5.
        for row in 1...5 { #expect(canvas.pixel(8, row) == (255, 255, 255)) }
        #expect(BitmapFont.rows("a") == BitmapFont.rows("A"))
        #expect(BitmapFont.rows("\u{1F600}") == BitmapFont.rows("?"))
    }

    @Test func cellTileShowsCropMaskAndGradCAM() {
        let cell = ReportFixtures.cells[0]
        let tile = CellTileRenderer.render(cell)
        let n = 16, gap = CellTileRenderer.gap
        #expect(tile.width == 3 * n + 2 * gap && tile.height == n)
        #expect(colour(tile, 0, 0) == [230, 180, 200])                 // crop
        #expect(colour(tile, n, 0) == [255, 255, 255])                 // gap
        let nucleus = CellTileRenderer.maskColours[2], background = CellTileRenderer.maskColours[0]
        #expect(colour(tile, n + gap + 8, 8) == [nucleus.r, nucleus.g, nucleus.b])
        #expect(colour(tile, n + gap, 0) == [background.r, background.g, background.b])
        // Grad-CAM ramps left (cold, blue) to right (hot, red).
        let left = colour(tile, 2 * (n + gap), 8), right = colour(tile, 2 * (n + gap) + n - 1, 8)
        #expect(left[2] > left[0] && right[0] > right[2])
    }
}
