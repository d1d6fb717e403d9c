/// A decoded raster: interleaved samples, 8 or 16 bits each, row-major, top row first.
///
/// Pixels only: no colour management and no tensors. `channels` is 1 (gray), 2 (gray+alpha),
/// 3 (RGB) or 4 (RGBA). 8-bit images keep their samples in `samples8`, 16-bit in `samples16`;
/// the other array is empty.
package struct Image: Sendable, Equatable {
    package let width: Int
    package let height: Int
    package let channels: Int
    /// 8 or 16.
    package let bitDepth: Int
    /// Physical size of one pixel in micrometres (x, y), when the file records it.
    package var pixelSpacing: PixelSpacing?
    package private(set) var samples8: [UInt8]
    package private(set) var samples16: [UInt16]

    /// An 8-bit image; `samples.count` must equal `width * height * channels`.
    package init(width: Int, height: Int, channels: Int, samples: [UInt8], pixelSpacing: PixelSpacing? = nil) {
        precondition(samples.count == width * height * channels, "sample count does not match size")
        precondition((1...4).contains(channels), "channels must be 1...4")
        self.width = width; self.height = height; self.channels = channels
        self.bitDepth = 8; self.samples8 = samples; self.samples16 = []
        self.pixelSpacing = pixelSpacing
    }

    /// A 16-bit image; `samples.count` must equal `width * height * channels`.
    package init(width: Int, height: Int, channels: Int, samples16: [UInt16], pixelSpacing: PixelSpacing? = nil) {
        precondition(samples16.count == width * height * channels, "sample count does not match size")
        precondition((1...4).contains(channels), "channels must be 1...4")
        self.width = width; self.height = height; self.channels = channels
        self.bitDepth = 16; self.samples8 = []; self.samples16 = samples16
        self.pixelSpacing = pixelSpacing
    }
}

/// Physical pixel size in micrometres per pixel along x and y.
package struct PixelSpacing: Sendable, Equatable, Codable {
    package var x: Double
    package var y: Double
    package init(x: Double, y: Double) { self.x = x; self.y = y }
}
