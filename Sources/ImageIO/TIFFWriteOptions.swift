/// How `ImageWriter.writeTIFF` lays out and compresses a TIFF.
///
/// Tiles must be multiples of 16 pixels (TIFF requires it). JPEG compression takes 8-bit
/// images only; 8-bit RGB is stored as YCbCr (libjpeg's usual, smaller) and read back as RGB.
/// `palette` stores an 8-bit RGB image with at most 256 colours as a colour-mapped page.
package struct TIFFWriteOptions: Sendable, Equatable {
    package enum Layout: Sendable, Equatable {
        case strips(rowsPerStrip: Int)
        case tiles(width: Int, height: Int)
    }

    package enum Compression: String, Sendable, Equatable, CaseIterable {
        case none, lzw, deflate, jpeg, packbits
    }

    package var layout: Layout
    package var compression: Compression
    /// 1-100, for `.jpeg`.
    package var jpegQuality: Int
    /// 64-bit offsets (files over 4 GB need it).
    package var bigTIFF: Bool
    package var palette: Bool
    /// One plane per channel (PlanarConfiguration = 2) instead of interleaved samples.
    package var planarSeparate: Bool

    package init(layout: Layout = .strips(rowsPerStrip: 64), compression: Compression = .deflate,
                 jpegQuality: Int = 90, bigTIFF: Bool = false, palette: Bool = false,
                 planarSeparate: Bool = false) {
        self.layout = layout
        self.compression = compression
        self.jpegQuality = jpegQuality
        self.bigTIFF = bigTIFF
        self.palette = palette
        self.planarSeparate = planarSeparate
    }
}
