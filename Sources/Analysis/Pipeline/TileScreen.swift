import ImageIO

/// Decides cheaply whether a decoded tile holds any stain at all.
///
/// A pixel is stained when its darkest channel is below 70 % of full scale (optical density
/// above ~0.15: nuclei, red cells, platelets; bright glass is not). A tile with fewer than
/// `minimumStained` such pixels in the screened rectangle cannot hold a nucleus there and is
/// skipped; `stainedBounds` says which part of the tile holds stain. Conservative: a dim scan
/// whose glass is below 70 % is never skipped (only slower).
package enum TileScreen {
    package static let minimumStained = 64

    /// The bounding rectangle (the image's own pixels) of all stained pixels; nil when none.
    package static func stainedBounds(_ image: Image) -> TilePlan.Rect? {
        let c = image.channels, colour = min(c, 3), w = image.width
        var (x0, y0, x1, y1) = (Int.max, Int.max, -1, -1)
        func scan<S: FixedWidthInteger>(_ p: UnsafeBufferPointer<S>, cut: S) {
            for y in 0..<image.height {
                var i = y * w * c
                for x in 0..<w {
                    var darkest = p[i]
                    for k in 1..<max(2, colour) where k < colour { darkest = min(darkest, p[i + k]) }
                    if darkest < cut { x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y) }
                    i += c
                }
            }
        }
        if image.bitDepth == 16 {
            image.samples16.withUnsafeBufferPointer { scan($0, cut: 45_875) }
        } else {
            image.samples8.withUnsafeBufferPointer { scan($0, cut: 178) }
        }
        guard x1 >= 0 else { return nil }
        return TilePlan.Rect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// Whether fewer than `minimumStained` pixels of `within` (the image's own pixels;
    /// default all of it) are stained.
    package static func isBlank(_ image: Image, within rect: TilePlan.Rect? = nil) -> Bool {
        let r = rect ?? TilePlan.Rect(x: 0, y: 0, width: image.width, height: image.height)
        guard r.width > 0, r.height > 0 else { return true }
        let c = image.channels, colour = min(c, 3)
        var stained = 0
        func scan<S: FixedWidthInteger>(_ p: UnsafeBufferPointer<S>, cut: S) {
            for y in r.y..<(r.y + r.height) {
                var i = (y * image.width + r.x) * c
                for _ in 0..<r.width {
                    var darkest = p[i]
                    for k in 1..<max(2, colour) where k < colour { darkest = min(darkest, p[i + k]) }
                    if darkest < cut { stained += 1; if stained >= minimumStained { return } }
                    i += c
                }
            }
        }
        if image.bitDepth == 16 {
            image.samples16.withUnsafeBufferPointer { scan($0, cut: 45_875) }
        } else {
            image.samples8.withUnsafeBufferPointer { scan($0, cut: 178) }
        }
        return stained < minimumStained
    }
}
