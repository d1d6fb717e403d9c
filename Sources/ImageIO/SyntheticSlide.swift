/// A deterministic synthetic slide: every pixel is a function of its (x, y), so any tile can
/// be produced on its own and a large tiled TIFF can be written with memory for one tile.
/// For test fixtures and measurements (region reads of a 20,000 x 20,000 file); it does not
/// look like a blood smear.
package enum SyntheticSlide {
    /// 8-bit RGB samples of the rectangle (x, y, width, height) of the infinite pattern.
    package static func region(x: Int, y: Int, width: Int, height: Int) -> Image {
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        samples.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                let gy = y + row
                var o = row * width * 3
                for col in 0..<width {
                    let gx = x + col
                    out[o] = UInt8(truncatingIfNeeded: (gx + gy) >> 3)
                    out[o + 1] = UInt8(truncatingIfNeeded: (gx >> 2) ^ (gy >> 5))
                    out[o + 2] = UInt8(truncatingIfNeeded: ((gx >> 6) * 37 + (gy >> 6) * 101))
                    o += 3
                }
            }
        }
        return Image(width: width, height: height, channels: 3, samples: samples)
    }

    /// Writes a `width x height` 8-bit RGB TIFF of the pattern, block by block.
    package static func writeTIFF(to path: String, width: Int, height: Int, options: TIFFWriteOptions,
                                  pixelSpacing: PixelSpacing? = nil) throws {
        let page = TIFFPageSource(width: width, height: height, channels: 3, bitDepth: 8,
                                  pixelSpacing: pixelSpacing) { x, y, w, h in
            var image = region(x: x, y: y, width: w, height: h)
            image.pixelSpacing = pixelSpacing
            return image
        }
        try ImageWriter.writeTIFF(pages: [page], to: path, options: options)
    }
}
