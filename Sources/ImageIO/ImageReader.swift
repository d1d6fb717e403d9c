/// The one entry point for decoding: sniffs the format from the file's first bytes (never the
/// name), checks the header against `ImageLimits` before allocating pixels, and decodes.
///
/// Every failure is an `ImageIOError` naming the file, with the codec library's message.
/// JPEG, PNG and BMP files are read into memory whole (bounded by `maxFileBytes`); TIFF is
/// read through libtiff block by block. Stateless and safe to call from many threads.
package enum ImageReader {
    /// Decodes the whole image (for TIFF: the full-resolution page).
    package static func read(_ path: String, limits: ImageLimits = .default) throws -> Image {
        try read(ImageSource(path: path), limits: limits)
    }

    /// Decodes the whole image of an open source (for TIFF: the full-resolution page).
    package static func read(_ source: ImageSource, limits: ImageLimits = .default) throws -> Image {
        let format = try sniff(source)
        if format == .tiff { return try TIFFReader.read(source, region: nil, page: nil, limits: limits) }
        return try decode(try source.readAll(limit: limits.maxFileBytes), format: format, path: source.path, limits: limits)
    }

    /// Header facts only: no pixel buffer is allocated.
    package static func info(_ path: String, limits: ImageLimits = .default) throws -> ImageInfo {
        try info(ImageSource(path: path), limits: limits)
    }

    /// Header facts of an open source, read once per source and limits (later calls return
    /// what the first read).
    package static func info(_ source: ImageSource, limits: ImageLimits = .default) throws -> ImageInfo {
        try source.info(limits: limits) {
            let format = try sniff(source)
            let path = source.path
            let info: ImageInfo
            switch format {
            case .tiff: return try TIFFReader.info(source, limits: limits)
            case .jpeg: info = try JPEGCodec.info(try source.readAll(limit: limits.maxFileBytes), path: path)
            case .png: info = try PNGCodec.info(try source.readAll(limit: limits.maxFileBytes), path: path, limits: limits)
            case .bmp: info = try BMPCodec.info(try source.prefix(64 * 1024), path: path)
            }
            try limits.checkDimensions(width: info.width, height: info.height, path: path)
            return info
        }
    }

    /// Decodes the rectangle (`x`, `y`, `width`, `height`) in the coordinates of the image
    /// `read` returns. Tiled or striped TIFF decodes only the blocks it touches (`page`
    /// chooses a TIFF page; nil = full resolution); other formats decode whole and crop, so
    /// the whole image must fit the limits.
    package static func readRegion(_ path: String, x: Int, y: Int, width: Int, height: Int, page: Int? = nil,
                                   limits: ImageLimits = .default) throws -> Image {
        try readRegion(ImageSource(path: path), x: x, y: y, width: width, height: height, page: page, limits: limits)
    }

    /// `readRegion` on an open source.
    package static func readRegion(_ source: ImageSource, x: Int, y: Int, width: Int, height: Int, page: Int? = nil,
                                   limits: ImageLimits = .default) throws -> Image {
        let format = try sniff(source)
        let path = source.path
        if format == .tiff {
            return try TIFFReader.read(source, region: (x, y, width, height), page: page, limits: limits)
        }
        if let page, page != 0 {
            throw ImageIOError(.invalidArgument, path: path, "page \(page) does not exist (\(format.rawValue) has one page)")
        }
        let image = try decode(try source.readAll(limit: limits.maxFileBytes), format: format, path: path, limits: limits)
        guard width > 0, height > 0, x >= 0, y >= 0, x <= image.width - width, y <= image.height - height else {
            throw ImageIOError(.invalidArgument, path: path,
                               "region \(x),\(y) \(width)x\(height) is not inside the \(image.width) x \(image.height) image")
        }
        return image.cropped(x: x, y: y, width: width, height: height)
    }

    /// Decodes an in-memory JPEG, PNG or BMP file (`path` only names it in errors).
    package static func decode(_ bytes: [UInt8], path: String, limits: ImageLimits = .default) throws -> Image {
        guard !bytes.isEmpty else { throw ImageIOError(.unknownFormat, path: path, "file is empty") }
        guard let format = ImageFormat.sniff(Array(bytes.prefix(32))), format != .tiff else {
            throw ImageIOError(.unknownFormat, path: path, "not a JPEG, PNG or BMP file (\(magicText(bytes)))")
        }
        return try decode(bytes, format: format, path: path, limits: limits)
    }

    static func decode(_ bytes: [UInt8], format: ImageFormat, path: String, limits: ImageLimits) throws -> Image {
        switch format {
        case .jpeg: try JPEGCodec.decode(bytes, path: path, limits: limits)
        case .png: try PNGCodec.decode(bytes, path: path, limits: limits)
        case .bmp: try BMPCodec.decode(bytes, path: path, limits: limits)
        case .tiff: throw ImageIOError(.invalidArgument, path: path, "TIFF is decoded from its file")
        }
    }

    /// The source's format, from its first bytes.
    static func sniff(_ source: ImageSource) throws -> ImageFormat {
        guard source.size > 0 else { throw ImageIOError(.unknownFormat, path: source.path, "file is empty") }
        let head = try source.prefix(32)
        guard let format = ImageFormat.sniff(head) else {
            throw ImageIOError(.unknownFormat, path: source.path, "not a TIFF, PNG, JPEG or BMP file (\(magicText(head)))")
        }
        return format
    }

    private static func magicText(_ bytes: [UInt8]) -> String {
        let hex = bytes.prefix(8).map { String($0, radix: 16, uppercase: true) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined(separator: " ")
        return "starts with \(hex)"
    }
}
