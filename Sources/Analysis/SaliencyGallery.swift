import CellModel

/// A one-row gallery panel for looking at the front half of the pipeline on one image:
/// input | stain-normalised | saliency prior (gray) | input with candidate cells drawn.
///
/// Candidate boxes are green (score >= 0.5) or yellow (lower), orange when the cell touches
/// the border; a small cross marks each centre. Tiles are separated by 4 px of black.
package enum SaliencyGallery {
    package static func render(input: RGBRaster, result: FieldLocalizer.Result) -> RGBRaster {
        let w = input.width, h = input.height, gap = 4
        var panel = RGBRaster(width: 4 * w + 3 * gap, height: h)
        var drawn = input
        let thickness = max(1, min(w, h) / 160)
        for c in result.candidates {
            let colour: (Float, Float, Float) = c.touchesBorder ? (1, 0.5, 0) : (c.score >= 0.5 ? (0, 0.8, 0) : (0.9, 0.9, 0))
            drawRect(&drawn, c.box, colour, thickness)
            let cx = Int(c.centerX), cy = Int(c.centerY), arm = max(3, Int(c.diameter / 20))
            for d in -arm...arm {
                for t in 0..<thickness {
                    setClipped(&drawn, cx + d, cy + t, colour)
                    setClipped(&drawn, cx + t, cy + d, colour)
                }
            }
        }
        let tiles: [RGBRaster] = [input, result.normalized, gray(result.prior), drawn]
        for (k, tile) in tiles.enumerated() {
            for y in 0..<h { for x in 0..<w { panel.set(k * (w + gap) + x, y, tile[x, y]) } }
        }
        return panel
    }

    static func gray(_ p: FloatPlane) -> RGBRaster {
        RGBRaster(width: p.width, height: p.height, r: p.values, g: p.values, b: p.values)
    }

    static func setClipped(_ img: inout RGBRaster, _ x: Int, _ y: Int, _ c: (Float, Float, Float)) {
        if x >= 0, y >= 0, x < img.width, y < img.height { img.set(x, y, c) }
    }

    static func drawRect(_ img: inout RGBRaster, _ b: BoundingBox, _ c: (Float, Float, Float), _ t: Int) {
        let x0 = Int(b.x0), y0 = Int(b.y0), x1 = Int(b.x1.rounded(.up)) - 1, y1 = Int(b.y1.rounded(.up)) - 1
        for k in 0..<t {
            for x in x0...max(x0, x1) { setClipped(&img, x, y0 + k, c); setClipped(&img, x, y1 - k, c) }
            for y in y0...max(y0, y1) { setClipped(&img, x0 + k, y, c); setClipped(&img, x1 - k, y, c) }
        }
    }
}
