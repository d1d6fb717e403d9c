/// A TIFF page to write, described without holding its pixels: `pixels(x, y, width, height)`
/// returns each tile or strip when the writer needs it, so a 20,000 x 20,000 slide can be
/// written with memory for one block. The returned image must have exactly the requested
/// size, `channels` and `bitDepth`.
package struct TIFFPageSource {
    package var width: Int
    package var height: Int
    package var channels: Int
    package var bitDepth: Int
    package var pixelSpacing: PixelSpacing?
    /// Marks the page as a reduced-resolution copy (pyramid level) in NewSubfileType.
    package var reduced: Bool
    package var pixels: (_ x: Int, _ y: Int, _ width: Int, _ height: Int) throws -> Image

    package init(width: Int, height: Int, channels: Int, bitDepth: Int, pixelSpacing: PixelSpacing? = nil,
                 reduced: Bool = false, pixels: @escaping (Int, Int, Int, Int) throws -> Image) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.pixelSpacing = pixelSpacing
        self.reduced = reduced
        self.pixels = pixels
    }

    /// A page backed by an image in memory.
    package init(_ image: Image, reduced: Bool = false) {
        self.init(width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
                  pixelSpacing: image.pixelSpacing, reduced: reduced) { x, y, w, h in
            image.cropped(x: x, y: y, width: w, height: h)
        }
    }
}
