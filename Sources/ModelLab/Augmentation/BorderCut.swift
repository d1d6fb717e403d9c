import Analysis
import CellModel
import ImageIO
import Tensor
/// A crop cut along a straight image edge, as the analyzer crops a cell at the border of a
/// field: beyond the edge the RGB channels are white glass (1), the prior is 0 and the mask
/// is background, exactly what `CellCrop` and the analyzer put outside the image.
///
/// Training crops of single-cell images never reach an image edge, while smear fields cut
/// many of their cells; this augmentation shows the network such cuts.
package struct BorderCut: Sendable, Equatable {
    /// Which side of the crop lies beyond the image.
    package enum Side: Int, Sendable, CaseIterable { case left, right, top, bottom }

    package var side: Side
    /// Distance of the edge from the crop's centre, as a fraction of the crop side (0...0.5).
    package var distanceFromCenter: Double

    package init(side: Side, distanceFromCenter: Double) {
        self.side = side; self.distanceFromCenter = distanceFromCenter
    }

    /// Whether output pixel (x, y) of an n x n crop lies beyond the edge.
    package func isOutside(x: Int, y: Int, size n: Int) -> Bool {
        let edge = Double(n) * distanceFromCenter
        let half = Double(n) / 2
        switch side {
        case .left: return Double(x) + 0.5 < half - edge
        case .right: return Double(x) + 0.5 > half + edge
        case .top: return Double(y) + 0.5 < half - edge
        case .bottom: return Double(y) + 0.5 > half + edge
        }
    }

    /// Cuts planar `[4, n, n]` crop data (RGB, prior) and its optional `n x n` mask in place.
    package func apply(to data: inout [Float], mask: inout [UInt8]?, size n: Int) {
        precondition(data.count == 4 * n * n, "crop data size mismatch")
        let area = n * n
        for y in 0..<n {
            for x in 0..<n where isOutside(x: x, y: y, size: n) {
                let i = y * n + x
                data[i] = 1; data[area + i] = 1; data[2 * area + i] = 1; data[3 * area + i] = 0
                mask?[i] = 0
            }
        }
    }
}
