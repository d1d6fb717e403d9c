import CImageBridge
import CTIFF

/// Reads TIFF files through libtiff: lists the pages, picks the full-resolution one, and
/// decodes rectangles by reading only the tiles or strips they touch (`TIFFBlockReader`), so
/// memory stays near the rectangle's size plus one block.
enum TIFFReader {
    /// More directories than this are not listed (a guard against IFD chains built to stall).
    static let maxPages = 1024

    /// Best TIFF compression, pixels per file byte, generously rounded up: an LZW code can
    /// stand for 4096 bytes and a 1-bit image packs 8 pixels a byte (Deflate, 1032:1, is less).
    static let maxPixelsPerByte = 4096 * 8

    /// Opens `file` (a handle of its own reading the source's descriptor) and lists its pages.
    static func open(_ file: ImageSource, limits: ImageLimits) throws -> (TIFFHandle, [TIFFPage]) {
        let maxAllocation = max(64 << 20, min(limits.maxPixels, Int.max / 16) * 8)
        let handle = try TIFFHandle(reading: file, maxAllocation: maxAllocation)
        // Walk the IFD chain once (libtiff stops at loops); a damaged or undecodable later
        // page ends the list, the first page must be good.
        var pages = [try TIFFPage.describe(handle, index: 0)]
        while pages.count < maxPages, TIFFReadDirectory(handle.tif) == 1,
              let page = try? TIFFPage.describe(handle, index: pages.count) {
            pages.append(page)
        }
        handle.clearMessages()
        return (handle, pages)
    }

    /// The page read by default: the one with the most pixels (the first of equals).
    static func fullResolution(_ pages: [TIFFPage]) -> Int {
        var best = 0
        for (i, page) in pages.enumerated() where page.width * page.height > pages[best].width * pages[best].height {
            best = i
        }
        return best
    }

    static func info(_ file: ImageSource, limits: ImageLimits) throws -> ImageInfo {
        let (handle, pages) = try open(file, limits: limits)
        let chosen = pages[fullResolution(pages)]
        try limits.checkDimensions(width: chosen.width, height: chosen.height, path: file.path)
        return ImageInfo(path: file.path, format: .tiff, width: chosen.width, height: chosen.height,
                         channels: chosen.outChannels, bitDepth: chosen.outBitDepth, colour: chosen.colourName,
                         compression: chosen.compressionName,
                         tileWidth: chosen.tiled ? chosen.tileWidth : nil,
                         tileHeight: chosen.tiled ? chosen.tileHeight : nil,
                         rowsPerStrip: chosen.tiled ? nil : chosen.rowsPerStrip,
                         pixelSpacing: chosen.spacing, page: chosen.index, pages: pages.map(\.pageInfo),
                         bigTIFF: TIFFIsBigTIFF(handle.tif) != 0)
    }

    /// Decodes the rectangle of page `page` (default: full resolution); nil size = whole page.
    static func read(_ file: ImageSource, region: (x: Int, y: Int, width: Int, height: Int)?, page: Int?,
                     limits: ImageLimits) throws -> Image {
        let path = file.path
        let (handle, pages) = try open(file, limits: limits)
        let index = page ?? fullResolution(pages)
        guard pages.indices.contains(index) else {
            throw ImageIOError(.invalidArgument, path: path, "page \(index) does not exist (the file has \(pages.count))")
        }
        guard TIFFSetDirectory(handle.tif, tdir_t(index)) == 1 else {
            throw handle.failure(.corrupt, "cannot read TIFF directory \(index)")
        }
        let p = try TIFFPage.describe(handle, index: index)
        try limits.checkDimensions(width: p.width, height: p.height, path: path)
        let r = region ?? (0, 0, p.width, p.height)
        guard r.width > 0, r.height > 0, r.x >= 0, r.y >= 0, r.x <= p.width - r.width, r.y <= p.height - r.height else {
            throw ImageIOError(.invalidArgument, path: path,
                               "region \(r.x),\(r.y) \(r.width)x\(r.height) is not inside the \(p.width) x \(p.height) page")
        }
        return try read(handle, page: p, x: r.x, y: r.y, width: r.width, height: r.height,
                        what: region == nil ? "image" : "region", limits: limits)
    }

    /// Decodes a rectangle (already checked to lie inside) of the current directory `p`.
    static func read(_ handle: TIFFHandle, page p: TIFFPage, x: Int, y: Int, width: Int, height: Int,
                     what: String = "region", limits: ImageLimits) throws -> Image {
        try limits.checkDecode(width: width, height: height, path: handle.path, what: what)
        // The pixels asked for must fit what a file of this size can hold, before their buffer
        // is allocated (a few hundred bytes declaring 16000 x 16000 pixels).
        if let fileBytes = handle.fileBytes {
            try limits.checkFileCanHold(width: width, height: height, fileBytes: fileBytes,
                                        pixelsPerByte: maxPixelsPerByte, format: "TIFF", path: handle.path)
        }
        if p.mode == .rgbaFallback {
            try limits.checkDecode(width: p.width, height: p.height, path: handle.path,
                                   what: "\(p.colourName) page (decoded whole by libtiff's RGBA interface)")
            return try readRGBA(handle, page: p).cropped(x: x, y: y, width: width, height: height)
        }
        return try TIFFBlockReader(handle: handle, page: p, limits: limits).read(x: x, y: y, width: width, height: height)
    }

    /// Whole page through TIFFReadRGBAImageOriented (8-bit, alpha kept when the page has it).
    private static func readRGBA(_ h: TIFFHandle, page p: TIFFPage) throws -> Image {
        var raster = [UInt32](repeating: 0, count: p.width * p.height)
        h.clearMessages()
        let ok = raster.withUnsafeMutableBufferPointer {
            TIFFReadRGBAImageOriented(h.tif, UInt32(p.width), UInt32(p.height), $0.baseAddress,
                                      Int32(ORIENTATION_TOPLEFT), 0)
        }
        guard ok == 1, h.errorCount == 0 else { throw h.failure(.corrupt, "cannot decode \(p.colourName) TIFF page") }
        let c = p.outChannels
        var out = [UInt8](repeating: 0, count: p.width * p.height * c)
        for i in 0..<raster.count {
            let v = raster[i]
            for k in 0..<c { out[i * c + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
        }
        return Image(width: p.width, height: p.height, channels: c, samples: out, pixelSpacing: p.spacing)
    }
}
