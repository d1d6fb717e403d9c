import ImageIO

/// Builds the downsampled overlay base of a tiled image from its tiles' cores.
///
/// Box filter: output pixel (ox, oy) is the mean of the image pixels (x, y) with
/// floor(x * scale) = ox and floor(y * scale) = oy, accumulated tile by tile (each core once).
/// At scales below 1/2 only every `step`-th pixel of every `step`-th row is read (step =
/// floor(0.5 / scale), so each output pixel still averages at least 2 x 2 samples).
/// Memory: four Float planes of the output size. 8-bit and 16-bit images; gray is replicated.
package struct OverlayAccumulator: Sendable {
    package let scale: Double
    package let width: Int
    package let height: Int
    private var sums: [Float]   // r, g, b planes then the count plane
    private let columnOf: [Int32]
    /// Sampling stride in image pixels (on the global grid, so tiles agree).
    package let step: Int

    /// For an image of `imageWidth x imageHeight` whose longer side is reduced to `maxSide`.
    package init(imageWidth: Int, imageHeight: Int, maxSide: Int) {
        scale = min(1, Double(maxSide) / Double(max(imageWidth, imageHeight)))
        width = max(1, Int((Double(imageWidth) * scale).rounded(.up)))
        height = max(1, Int((Double(imageHeight) * scale).rounded(.up)))
        sums = [Float](repeating: 0, count: 4 * width * height)
        step = max(1, Int(0.5 / scale))
        let (s, w) = (scale, width)
        columnOf = (0..<imageWidth).map { Int32(min(w - 1, Int(Double($0) * s))) }
    }

    /// Adds the pixels of `image` (whose top-left is image pixel (originX, originY)) that lie
    /// in `core`.
    package mutating func add(_ image: Image, originX: Int, originY: Int, core: TilePlan.Rect) {
        let plane = width * height, c = image.channels
        let norm: Float = image.bitDepth == 16 ? 1 / 65535 : 1 / 255
        let (scale, w, h, step) = (self.scale, width, height, self.step)
        let columns = columnOf
        let firstY = (core.y + step - 1) / step * step, firstX = (core.x + step - 1) / step * step
        func run(_ sample: (Int) -> Float) {
            sums.withUnsafeMutableBufferPointer { acc in
                for y in stride(from: firstY, to: core.y + core.height, by: step) {
                    let oy = min(h - 1, Int(Double(y) * scale))
                    let row = (y - originY) * image.width
                    for x in stride(from: firstX, to: core.x + core.width, by: step) {
                        let o = oy * w + Int(columns[x])
                        let i = (row + x - originX) * c
                        let r = sample(i)
                        acc[o] += r
                        acc[plane + o] += c >= 3 ? sample(i + 1) : r
                        acc[2 * plane + o] += c >= 3 ? sample(i + 2) : r
                        acc[3 * plane + o] += 1
                    }
                }
            }
        }
        if image.bitDepth == 16 {
            image.samples16.withUnsafeBufferPointer { p in run { Float(p[$0]) * norm } }
        } else {
            image.samples8.withUnsafeBufferPointer { p in run { Float(p[$0]) * norm } }
        }
    }

    /// The averaged raster (pixels no tile covered are white).
    package func raster() -> RGBRaster {
        let plane = width * height
        var out = RGBRaster(width: width, height: height, fill: (1, 1, 1))
        for o in 0..<plane where sums[3 * plane + o] > 0 {
            let n = sums[3 * plane + o]
            out.r[o] = sums[o] / n; out.g[o] = sums[plane + o] / n; out.b[o] = sums[2 * plane + o] / n
        }
        return out
    }
}
