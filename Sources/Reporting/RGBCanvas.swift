import ImageIO

/// An 8-bit RGB picture to draw on: interleaved samples, row-major, top row first. Every
/// drawing call clips to the canvas, so callers may draw partly (or wholly) outside it.
struct RGBCanvas {
    typealias Colour = (r: UInt8, g: UInt8, b: UInt8)

    let width: Int
    let height: Int
    private(set) var samples: [UInt8]

    init(width: Int, height: Int, fill: Colour) {
        self.width = width; self.height = height
        samples = [UInt8](repeating: 0, count: width * height * 3)
        fillRect(x: 0, y: 0, width: width, height: height, fill)
    }

    /// Wraps an 8-bit RGB image (precondition: 3 channels, 8 bits).
    init(image: Image) {
        precondition(image.channels == 3 && image.bitDepth == 8, "RGBCanvas needs 8-bit RGB")
        width = image.width; height = image.height; samples = image.samples8
    }

    /// `top` with `rows` more rows of `fill` below it.
    init(extending top: RGBCanvas, rows: Int, fill: Colour) {
        width = top.width; height = top.height + rows
        samples = top.samples + [UInt8](repeating: 0, count: top.width * rows * 3)
        fillRect(x: 0, y: top.height, width: width, height: rows, fill)
    }

    var image: Image { Image(width: width, height: height, channels: 3, samples: samples) }

    func pixel(_ x: Int, _ y: Int) -> Colour {
        let i = (y * width + x) * 3
        return (samples[i], samples[i + 1], samples[i + 2])
    }

    mutating func set(_ x: Int, _ y: Int, _ c: Colour) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        samples[i] = c.r; samples[i + 1] = c.g; samples[i + 2] = c.b
    }

    mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ c: Colour) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 { for column in x0..<x1 { set(column, row, c) } }
    }

    /// A straight line between pixel positions, drawn with a square brush `thickness` wide
    /// (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, thickness: Int, _ c: Colour) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy, x = x0, y = y0
        let offset = (thickness - 1) / 2
        while true {
            fillRect(x: x - offset, y: y - offset, width: thickness, height: thickness, c)
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// A closed polygon outline through `points` (pixel coordinates, rounded down).
    mutating func polygon(_ points: [(Double, Double)], thickness: Int, _ c: Colour) {
        guard let first = points.first else { return }
        var previous = first
        for point in points.dropFirst() + [first] {
            line(Self.pixel(previous.0), Self.pixel(previous.1), Self.pixel(point.0), Self.pixel(point.1),
                 thickness: thickness, c)
            previous = point
        }
    }

    /// `text` in `BitmapFont` with its top-left corner at (x, y), each font pixel `scale` x
    /// `scale`; returns the width drawn.
    @discardableResult
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, _ c: Colour) -> Int {
        var left = x
        for character in text {
            let rows = BitmapFont.rows(character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    fillRect(x: left + column * scale, y: y + row * scale, width: scale, height: scale, c)
                }
            }
            left += BitmapFont.advance * scale
        }
        return BitmapFont.width(text, scale: scale)
    }

    private static func pixel(_ v: Double) -> Int {
        guard v.isFinite else { return 0 }
        return Int(max(-1e6, min(1e6, v)).rounded(.down))
    }
}
