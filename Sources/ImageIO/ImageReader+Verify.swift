import CTIFF

/// What `ImageReader.decodeAll` decoded.
package struct DecodeSummary: Sendable, Equatable, Codable {
    /// Pages decoded (every page of a TIFF; 1 otherwise).
    package var pages: Int
    /// Pixels decoded over all pages.
    package var pixels: Int
}

extension ImageReader {
    /// Decodes every pixel of every page, so a damaged body is found and not only a good
    /// header. Large TIFF pages are decoded in bands of whole blocks (at most
    /// `bandPixels` pixels, never more than `limits.maxPixels`), so memory stays bounded
    /// for any slide size; the pixels are discarded.
    package static func decodeAll(_ path: String, limits: ImageLimits = .default,
                                  bandPixels: Int = 1 << 24) throws -> DecodeSummary {
        let file = try ImageSource(path: path)
        let format = try sniff(file)
        guard format == .tiff else {
            let image = try decode(try file.readAll(limit: limits.maxFileBytes), format: format, path: path, limits: limits)
            return DecodeSummary(pages: 1, pixels: image.width * image.height)
        }
        let (handle, pages) = try TIFFReader.open(file, limits: limits)
        var pixels = 0
        for listed in pages {
            guard TIFFSetDirectory(handle.tif, tdir_t(listed.index)) == 1 else {
                throw handle.failure(.corrupt, "cannot read TIFF directory \(listed.index)")
            }
            let page = try TIFFPage.describe(handle, index: listed.index)
            try limits.checkDimensions(width: page.width, height: page.height, path: path)
            let blockHeight = page.tiled ? page.tileHeight : page.rowsPerStrip
            let budget = max(1, min(bandPixels, limits.maxPixels) / page.width)
            let band = max(blockHeight, budget / blockHeight * blockHeight)
            if page.mode == .rgbaFallback {
                _ = try TIFFReader.read(handle, page: page, x: 0, y: 0, width: page.width, height: page.height,
                                        what: "image", limits: limits)
            } else {
                for top in stride(from: 0, to: page.height, by: band) {
                    _ = try TIFFReader.read(handle, page: page, x: 0, y: top, width: page.width,
                                            height: min(band, page.height - top), what: "band", limits: limits)
                }
            }
            pixels += page.width * page.height
        }
        return DecodeSummary(pages: pages.count, pixels: pixels)
    }
}
