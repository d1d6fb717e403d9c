import Analysis
import ImageIO

/// `cells/NNN.png`: one cell's crop | mask | Grad-CAM side by side, each `size` x `size`,
/// separated by white gaps of `gap` pixels.
///
/// The mask is drawn in fixed colours (background dark grey, cytoplasm light blue, nucleus
/// purple, see `maskColours`); the Grad-CAM is a jet colour map blended half-and-half over a
/// grey version of the crop. A cell whose model gave no Grad-CAM shows the grey crop alone
/// in the third panel.
package enum CellTileRenderer {
    static let gap = 4
    /// Background, cytoplasm, nucleus.
    static let maskColours: [RGBCanvas.Colour] = [(40, 40, 40), (150, 200, 245), (120, 40, 160)]

    /// Precondition: `cell.images` is set (the writer only renders cells that have images).
    package static func render(_ cell: CellFinding) -> Image {
        let images = cell.images!
        let n = images.size
        var canvas = RGBCanvas(width: 3 * n + 2 * gap, height: n, fill: (255, 255, 255))
        for y in 0..<n {
            for x in 0..<n {
                let p = y * n + x
                let crop: RGBCanvas.Colour = (images.rgb[3 * p], images.rgb[3 * p + 1], images.rgb[3 * p + 2])
                canvas.set(x, y, crop)
                let label = Int(images.segmentation[p])
                canvas.set(n + gap + x, y, maskColours[min(label, maskColours.count - 1)])
                let grey = 0.299 * Double(crop.r) + 0.587 * Double(crop.g) + 0.114 * Double(crop.b)
                if images.gradCAM.isEmpty {
                    let g = UInt8(grey.rounded())
                    canvas.set(2 * (n + gap) + x, y, (g, g, g))
                } else {
                    let heat = jet(Double(images.gradCAM[p]))
                    canvas.set(2 * (n + gap) + x, y, (blend(grey, heat.r), blend(grey, heat.g), blend(grey, heat.b)))
                }
            }
        }
        return canvas.image
    }

    /// The jet colour map: 0 dark blue, 0.5 green-yellow, 1 dark red; values clamped to [0, 1].
    static func jet(_ value: Double) -> RGBCanvas.Colour {
        let v = value.isFinite ? max(0, min(1, value)) : 0
        func channel(_ centre: Double) -> UInt8 {
            UInt8((max(0, min(1, 1.5 - abs(4 * v - centre))) * 255).rounded())
        }
        return (channel(3), channel(2), channel(1))
    }

    private static func blend(_ grey: Double, _ heat: UInt8) -> UInt8 {
        UInt8(((grey + Double(heat)) / 2).rounded())
    }
}
