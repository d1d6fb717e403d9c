import ImageIO

/// A planar RGB raster of Float samples, nominally in [0, 1] (sRGB-encoded, as decoded).
///
/// Layout: three planes `r`, `g`, `b`, each `width * height` values, row-major, top row
/// first. This is Analysis's working type: stain normalisation, the saliency prior and crops
/// all read it. It carries no colour management; 16-bit input is scaled by 1/65535, 8-bit
/// by 1/255, gray is replicated to three planes and alpha is dropped.
package struct RGBRaster: Sendable, Equatable {
    package let width: Int
    package let height: Int
    package var r: [Float]
    package var g: [Float]
    package var b: [Float]
    /// Physical pixel size (µm), carried over from the decoded image when known.
    package var pixelSpacing: PixelSpacing?

    package var count: Int { width * height }

    /// A raster filled with one colour.
    package init(width: Int, height: Int, fill: (Float, Float, Float) = (0, 0, 0), pixelSpacing: PixelSpacing? = nil) {
        precondition(width >= 0 && height >= 0)
        self.width = width; self.height = height
        r = [Float](repeating: fill.0, count: width * height)
        g = [Float](repeating: fill.1, count: width * height)
        b = [Float](repeating: fill.2, count: width * height)
        self.pixelSpacing = pixelSpacing
    }

    /// A raster from three planes of `width * height` samples each.
    package init(width: Int, height: Int, r: [Float], g: [Float], b: [Float], pixelSpacing: PixelSpacing? = nil) {
        precondition(r.count == width * height && g.count == r.count && b.count == r.count, "plane size mismatch")
        self.width = width; self.height = height; self.r = r; self.g = g; self.b = b
        self.pixelSpacing = pixelSpacing
    }

    /// Converts a decoded image (8 or 16 bit; gray, gray+alpha, RGB or RGBA).
    package init(image: Image) {
        let n = image.width * image.height
        let c = image.channels
        var r = [Float](repeating: 0, count: n), g = r, b = r
        let scale: Float = image.bitDepth == 16 ? 1 / 65535 : 1 / 255
        func fill(_ sample: (Int) -> Float) {
            for i in 0..<n {
                if c >= 3 {
                    r[i] = sample(i * c) * scale; g[i] = sample(i * c + 1) * scale; b[i] = sample(i * c + 2) * scale
                } else {
                    let v = sample(i * c) * scale
                    r[i] = v; g[i] = v; b[i] = v
                }
            }
        }
        if image.bitDepth == 16 {
            image.samples16.withUnsafeBufferPointer { p in fill { Float(p[$0]) } }
        } else {
            image.samples8.withUnsafeBufferPointer { p in fill { Float(p[$0]) } }
        }
        self.init(width: image.width, height: image.height, r: r, g: g, b: b, pixelSpacing: image.pixelSpacing)
    }

    /// An 8-bit interleaved RGB image (samples clamped to [0, 1], rounded).
    package func image() -> Image {
        var s = [UInt8](repeating: 0, count: count * 3)
        @inline(__always) func q(_ v: Float) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        for i in 0..<count { s[3 * i] = q(r[i]); s[3 * i + 1] = q(g[i]); s[3 * i + 2] = q(b[i]) }
        return Image(width: width, height: height, channels: 3, samples: s, pixelSpacing: pixelSpacing)
    }

    /// The pixel at column x, row y.
    package subscript(x: Int, y: Int) -> (Float, Float, Float) {
        let i = y * width + x
        return (r[i], g[i], b[i])
    }

    /// Sets the pixel at column x, row y.
    package mutating func set(_ x: Int, _ y: Int, _ v: (Float, Float, Float)) {
        let i = y * width + x
        r[i] = v.0; g[i] = v.1; b[i] = v.2
    }
}
