/// Where a square, scale-true crop sits in its image, and the exact mapping both ways.
///
/// The crop is centred on (centerX, centerY) with side `side` image pixels and is sampled
/// into `size` x `size` output pixels. Output pixel (u, v) covers [u, u+1) x [v, v+1) in crop
/// coordinates; a crop coordinate p maps to image x = centerX + (p - size/2) * side/size
/// (same for y), and back by the inverse affine map. No rotation: augmentation rotates the
/// crop, not this mapping.
package struct CropGeometry: Sendable, Equatable {
    /// Side of the crop in units of the cell's estimated diameter (one constant for all
    /// datasets, so every cell fills the same share of its crop).
    package static let sideOverDiameter = 1.75
    /// Output side in pixels (the network's input).
    package static let outputSize = 128

    package var centerX: Double
    package var centerY: Double
    /// Side in image pixels.
    package var side: Double
    /// Side in output pixels.
    package var size: Int

    package init(centerX: Double, centerY: Double, side: Double, size: Int = CropGeometry.outputSize) {
        precondition(side > 0 && size > 0, "crop side and size must be positive")
        self.centerX = centerX; self.centerY = centerY; self.side = side; self.size = size
    }

    /// The crop of a candidate: centred on it, side = `sideOverDiameter` x its diameter.
    package init(candidate: CellCandidate, size: Int = CropGeometry.outputSize) {
        self.init(centerX: candidate.centerX, centerY: candidate.centerY,
                  side: max(4, CropGeometry.sideOverDiameter * candidate.diameter), size: size)
    }

    /// Image pixels per output pixel.
    package var scale: Double { side / Double(size) }

    /// Crop coordinates (u, v in [0, size]) to image coordinates.
    package func toImage(u: Double, v: Double) -> (x: Double, y: Double) {
        (centerX + (u - Double(size) / 2) * scale, centerY + (v - Double(size) / 2) * scale)
    }

    /// Image coordinates to crop coordinates (the exact inverse of `toImage`).
    package func toCrop(x: Double, y: Double) -> (u: Double, v: Double) {
        ((x - centerX) / scale + Double(size) / 2, (y - centerY) / scale + Double(size) / 2)
    }
}
