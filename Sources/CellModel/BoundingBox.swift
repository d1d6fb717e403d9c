/// An axis-aligned box in continuous pixel coordinates: `x0 <= x < x1`, `y0 <= y < y1`.
///
/// Pixel (i, j) covers [i, i+1) x [j, j+1), so a box holding exactly pixels 10...19 is
/// x0 = 10, x1 = 20. Pascal-VOC's 1-based inclusive `xmin...xmax` becomes
/// `x0 = xmin - 1, x1 = xmax` (see `init(vocXMin:yMin:xMax:yMax:)`).
package struct BoundingBox: Sendable, Equatable, Hashable, Codable {
    package var x0: Double
    package var y0: Double
    package var x1: Double
    package var y1: Double

    package init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    /// From Pascal-VOC's 1-based inclusive pixel indices.
    package init(vocXMin: Int, yMin: Int, xMax: Int, yMax: Int) {
        self.init(x0: Double(vocXMin - 1), y0: Double(yMin - 1), x1: Double(xMax), y1: Double(yMax))
    }

    package var width: Double { max(0, x1 - x0) }
    package var height: Double { max(0, y1 - y0) }
    package var area: Double { width * height }
    package var centerX: Double { (x0 + x1) / 2 }
    package var centerY: Double { (y0 + y1) / 2 }

    /// Intersection over union; 0 when either box is empty.
    package func iou(_ other: BoundingBox) -> Double {
        let w = min(x1, other.x1) - max(x0, other.x0)
        let h = min(y1, other.y1) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The box with `margin` pixels added on every side (shrunk for a negative margin).
    package func grown(by margin: Double) -> BoundingBox {
        BoundingBox(x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin)
    }

    /// True when the two boxes overlap in a region of positive area.
    package func intersects(_ other: BoundingBox) -> Bool {
        min(x1, other.x1) > max(x0, other.x0) && min(y1, other.y1) > max(y0, other.y0)
    }

    /// The smallest box holding both.
    package func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }

    /// The part of the box inside a `width x height` image.
    package func clipped(width: Int, height: Int) -> BoundingBox {
        BoundingBox(x0: max(0, x0), y0: max(0, y0), x1: min(Double(width), x1), y1: min(Double(height), y1))
    }
}
