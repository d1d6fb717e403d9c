/// The one entry point for encoding. Every write is atomic: a hidden temporary beside the
/// target, fsync, rename (see `AtomicFile`), so a folder watcher never sees half a file.
package enum ImageWriter {
    /// Lossless PNG of any `Image` (8/16-bit, 1-4 channels); pixel spacing goes into pHYs.
    /// `palette` writes an indexed PNG when the 8-bit image has at most 256 colours.
    package static func writePNG(_ image: Image, to path: String, interlaced: Bool = false,
                                 palette: Bool = false) throws {
        try AtomicFile.write(PNGCodec.encode(image, interlaced: interlaced, palette: palette, path: path), to: path)
    }

    /// PNG bytes in memory (for embedding in reports).
    package static func encodePNG(_ image: Image) throws -> [UInt8] {
        try PNGCodec.encode(image, interlaced: false, palette: false, path: "<memory>")
    }

    /// TIFF of one image; see `TIFFWriteOptions` for layout and compression.
    package static func writeTIFF(_ image: Image, to path: String, options: TIFFWriteOptions = .init()) throws {
        try TIFFWriter.write(pages: [TIFFPageSource(image)], to: path, options: options)
    }

    /// Multi-page TIFF; pages after the first that are smaller than it are marked as reduced
    /// resolution (a pyramid).
    package static func writeTIFF(pages: [Image], to path: String, options: TIFFWriteOptions = .init()) throws {
        let first = pages.first.map { $0.width * $0.height } ?? 0
        let sources = pages.enumerated().map { i, page in
            TIFFPageSource(page, reduced: i > 0 && page.width * page.height < first)
        }
        try TIFFWriter.write(pages: sources, to: path, options: options)
    }

    /// TIFF whose pixels are produced block by block (bounded memory for huge images).
    package static func writeTIFF(pages: [TIFFPageSource], to path: String, options: TIFFWriteOptions) throws {
        try TIFFWriter.write(pages: pages, to: path, options: options)
    }

    /// JPEG (8-bit gray or RGB; alpha dropped, 16-bit rounded). `orientation` (1-8) adds an
    /// EXIF block with that tag; the pixels are written as given.
    package static func writeJPEG(_ image: Image, to path: String, quality: Int = 90, progressive: Bool = false,
                                  orientation: Int? = nil) throws {
        try AtomicFile.write(JPEGCodec.encode(image, quality: quality, progressive: progressive,
                                              orientation: orientation, path: path), to: path)
    }

    /// JPEG bytes with the RGB samples stored as Adobe-style inverted CMYK (K = 0); exists to
    /// test the CMYK decode path, which scanners and print tools produce.
    package static func encodeCMYKJPEG(_ image: Image, quality: Int = 95) throws -> [UInt8] {
        try JPEGCodec.encode(image, quality: quality, progressive: false, orientation: nil, cmyk: true, path: "<memory>")
    }

    /// BMP: 24-bit for gray/RGB, 32-bit with alpha mask for images with alpha.
    package static func writeBMP(_ image: Image, to path: String, topDown: Bool = false) throws {
        try AtomicFile.write(BMPCodec.encode(image, topDown: topDown), to: path)
    }
}
