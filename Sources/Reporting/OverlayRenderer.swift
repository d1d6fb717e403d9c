import Analysis
import CellModel
import ImageIO

/// `overlay.png`: the analysis's overlay base (the input, downsampled by `overlayScale`) with
/// each cell's contour in its type's `CellPalette` colour, its number on a label of that
/// colour beside the cell's top-right corner, and a legend strip below the image (a swatch
/// and the name of every type, then the scale when the image was downsampled).
///
/// Without an overlay base the picture is drawn on a light grey canvas of the scaled source
/// size. Contours of fewer than three points are drawn as the cell's box.
enum OverlayRenderer {
    /// The picture and where the legend's swatches are (for checks and the HTML page).
    struct Rendered {
        let image: Image
        /// Swatch rectangle of each type in the legend: x, y, side (pixels).
        let swatches: [CellClass: (x: Int, y: Int, side: Int)]
        /// Line thickness and font scale used.
        let thickness: Int
        let fontScale: Int
    }

    static let background: RGBCanvas.Colour = (255, 255, 255)
    static let textColour: RGBCanvas.Colour = (0, 0, 0)

    static func render(_ analysis: ImageAnalysis) -> Rendered {
        let scale = analysis.overlayScale > 0 && analysis.overlayScale.isFinite ? analysis.overlayScale : 1
        var picture: RGBCanvas
        if let base = analysis.overlayBase {
            picture = RGBCanvas(image: base.image())
        } else {
            let w = max(1, Int((Double(analysis.source.width) * scale).rounded()))
            let h = max(1, Int((Double(analysis.source.height) * scale).rounded()))
            picture = RGBCanvas(width: w, height: h, fill: (235, 235, 235))
        }
        let fontScale = max(1, min(4, picture.width / 300))
        let thickness = max(1, fontScale)
        for cell in analysis.cells {
            picture.polygon(outline(cell, scale: scale), thickness: thickness, CellPalette.rgb(cell.cellClass))
        }
        for cell in analysis.cells { label(cell, scale: scale, fontScale: fontScale, on: &picture) }
        return legend(below: picture, scale: scale, fontScale: fontScale, thickness: thickness)
    }

    /// The contour in overlay pixels.
    static func outline(_ cell: CellFinding, scale: Double) -> [(Double, Double)] {
        if cell.contour.count >= 3 { return cell.contour.map { ($0.x * scale, $0.y * scale) } }
        let b = cell.box
        return [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)].map { ($0.0 * scale, $0.1 * scale) }
    }

    /// The cell's number on a label of its type's colour, at the box's top-right corner,
    /// kept inside the picture.
    private static func label(_ cell: CellFinding, scale: Double, fontScale: Int, on picture: inout RGBCanvas) {
        let text = String(cell.number)
        let pad = fontScale
        let w = BitmapFont.width(text, scale: fontScale) + 2 * pad
        let h = BitmapFont.glyphHeight * fontScale + 2 * pad
        var x = Int((cell.box.x1 * scale).rounded()) + 1
        var y = Int((cell.box.y0 * scale).rounded()) - h - 1
        x = max(0, min(picture.width - w, x))
        y = max(0, min(picture.height - h, y))
        let colour = CellPalette.rgb(cell.cellClass)
        picture.fillRect(x: x, y: y, width: w, height: h, colour)
        picture.text(text, x: x + pad, y: y + pad, scale: fontScale, readableText(on: colour))
    }

    /// Black or white, whichever reads better on `colour` (Rec. 601 luma).
    static func readableText(on colour: RGBCanvas.Colour) -> RGBCanvas.Colour {
        let luma = 0.299 * Double(colour.r) + 0.587 * Double(colour.g) + 0.114 * Double(colour.b)
        return luma > 140 ? (0, 0, 0) : (255, 255, 255)
    }

    /// Adds the legend strip: entries flow left to right and wrap at the picture's width.
    private static func legend(below picture: RGBCanvas, scale: Double, fontScale: Int, thickness: Int) -> Rendered {
        let s = fontScale
        let side = BitmapFont.glyphHeight * s + 2 * s
        let gap = 3 * s, spacing = 8 * s, margin = 4 * s
        let rowHeight = side + 2 * s
        var entries: [(CellClass?, String)] = CellClass.allCases.map { ($0, CellPalette.displayName($0)) }
        if abs(scale - 1) > 1e-9 {
            entries.append((nil, scale < 1 ? "scale 1:\(formatted(1 / scale))" : "scale \(formatted(scale)):1"))
        }
        // Layout first, to know the strip's height.
        var placed: [(CellClass?, String, Int, Int)] = []
        var x = margin, y = margin
        for (cellClass, name) in entries {
            let w = (cellClass == nil ? 0 : side + gap) + BitmapFont.width(name, scale: s)
            if x > margin && x + w > picture.width - margin { x = margin; y += rowHeight }
            placed.append((cellClass, name, x, y))
            x += w + spacing
        }
        let stripHeight = y + rowHeight + margin
        var canvas = RGBCanvas(extending: picture, rows: stripHeight, fill: background)
        var swatches: [CellClass: (x: Int, y: Int, side: Int)] = [:]
        let top = picture.height
        for (cellClass, name, ex, ey) in placed {
            var textX = ex
            if let cellClass {
                canvas.fillRect(x: ex, y: top + ey, width: side, height: side, CellPalette.rgb(cellClass))
                swatches[cellClass] = (ex, top + ey, side)
                textX += side + gap
            }
            canvas.text(name, x: textX, y: top + ey + (side - BitmapFont.glyphHeight * s) / 2, scale: s, textColour)
        }
        return Rendered(image: canvas.image, swatches: swatches, thickness: thickness, fontScale: fontScale)
    }

    private static func formatted(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
