/// Bounds against hostile or accidental huge input, checked from the header before any
/// pixel buffer is allocated.
///
/// `maxPixels` bounds what one call decodes into memory (the whole image for `read`, the
/// rectangle for `readRegion`, one TIFF tile or strip); `maxDimension` bounds the width and
/// height a header may announce at all (a 50,000 x 50,000 slide passes and is read in
/// regions); `maxFileBytes` bounds formats that are read into memory whole (JPEG, PNG, BMP).
package struct ImageLimits: Sendable, Hashable {
    package var maxPixels: Int
    package var maxDimension: Int
    package var maxFileBytes: Int

    package init(maxPixels: Int = 1 << 28, maxDimension: Int = 1_000_000,
                 maxFileBytes: Int = 1 << 31) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.maxFileBytes = maxFileBytes
    }

    /// 268 M pixels per decode (about 805 MB as 8-bit RGB), 1,000,000 px per side, 2 GiB files.
    package static let `default` = ImageLimits()

    /// Throws `tooLarge` unless a `width x height` image fits `maxDimension`.
    func checkDimensions(width: Int, height: Int, path: String) throws {
        guard width > 0, height > 0 else {
            throw ImageIOError(.corrupt, path: path, "image has zero size (\(width) x \(height))")
        }
        guard width <= maxDimension, height <= maxDimension else {
            throw ImageIOError(.tooLarge, path: path,
                               "image is \(width) x \(height), over the limit of \(maxDimension) pixels per side")
        }
    }

    /// Throws `corrupt` when a header declares more pixels than a file of `fileBytes` bytes in
    /// that format can possibly hold, before anything of that size is allocated (a 74-byte PNG
    /// claiming 16000 x 16000 pixels). `pixelsPerByte` is the format's best possible
    /// compression, generously rounded up (`maxPixelsPerByte`), so no real file is refused.
    func checkFileCanHold(width: Int, height: Int, fileBytes: Int, pixelsPerByte: Int, format: String, path: String) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        let (bound, boundOverflow) = max(fileBytes, 1).multipliedReportingOverflow(by: pixelsPerByte)
        guard overflow || (!boundOverflow && pixels > bound) else { return }
        throw ImageIOError(.corrupt, path: path,
                           "header declares \(width) x \(height) pixels, more than a \(fileBytes)-byte \(format) file can hold; refused before decoding")
    }

    /// Upper bounds of pixels per file byte by format: PNG deflate expands at most 1032:1 and
    /// a 1-bit image packs 8 pixels a byte; JPEG needs at least about a bit per 8 x 8 block
    /// (arithmetic coding less: 4096 leaves room); BMP run-length deltas can skip 255 x 255
    /// pixels in 4 bytes.
    package static let maxPixelsPerByte: [ImageFormat: Int] = [.png: 1032 * 8, .jpeg: 4096, .bmp: 16384]

    /// Throws `tooLarge` unless `width x height` pixels may be decoded into memory at once.
    func checkDecode(width: Int, height: Int, path: String, what: String = "image") throws {
        try checkDimensions(width: width, height: height, path: path)
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw ImageIOError(.tooLarge, path: path,
                               "\(what) of \(width) x \(height) pixels is over the decode limit of \(maxPixels) pixels")
        }
    }
}
