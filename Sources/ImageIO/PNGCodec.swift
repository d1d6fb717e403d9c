import CImageBridge

/// PNG through libpng's classic API (via CImageBridge, where setjmp catches png_error):
/// 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA and palette (expanded to RGB or RGBA when it
/// has transparency), interlaced or not. 16-bit samples come out in host byte order. The
/// pHYs chunk (pixels per metre) becomes the pixel spacing.
enum PNGCodec {
    static func info(_ bytes: [UInt8], path: String, limits: ImageLimits) throws -> ImageInfo {
        let decoder = try Decoder(bytes, path: path)
        let h = try decoder.header(limits)
        let colour: String
        switch h.color_type {
        case 0: colour = "gray"
        case 2: colour = "rgb"
        case 3: colour = "palette"
        case 4: colour = "gray+alpha"
        default: colour = "rgba"
        }
        let page = PageInfo(index: 0, width: Int(h.width), height: Int(h.height), channels: Int(h.channels),
                            bitDepth: Int(h.bit_depth), compression: "deflate", reduced: false)
        return ImageInfo(path: path, format: .png, width: page.width, height: page.height,
                         channels: page.channels, bitDepth: page.bitDepth, colour: colour,
                         compression: "deflate", pixelSpacing: spacing(h), page: 0, pages: [page],
                         interlaced: h.interlaced != 0)
    }

    static func decode(_ bytes: [UInt8], path: String, limits: ImageLimits) throws -> Image {
        let decoder = try Decoder(bytes, path: path)
        let h = try decoder.header(limits)
        let width = Int(h.width), height = Int(h.height), channels = Int(h.channels)
        try limits.checkDecode(width: width, height: height, path: path)
        try limits.checkFileCanHold(width: width, height: height, fileBytes: bytes.count,
                                    pixelsPerByte: ImageLimits.maxPixelsPerByte[.png]!, format: "PNG", path: path)
        guard h.bit_depth == 8 || h.bit_depth == 16, (1...4).contains(channels),
              h.row_bytes == width * channels * Int(h.bit_depth) / 8 else {
            throw ImageIOError(.unsupported, path: path, "PNG layout \(h.bit_depth)-bit x \(channels) is not supported")
        }
        if h.bit_depth == 8 {
            var samples = [UInt8](repeating: 0, count: width * height * channels)
            let rc = samples.withUnsafeMutableBufferPointer { lb_png_decode(decoder.handle, $0.baseAddress, $0.count) }
            if rc != 0 { throw decoder.failure("cannot decode PNG") }
            return Image(width: width, height: height, channels: channels, samples: samples, pixelSpacing: spacing(h))
        }
        var samples = [UInt16](repeating: 0, count: width * height * channels)
        let rc = samples.withUnsafeMutableBytes {
            lb_png_decode(decoder.handle, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), $0.count)
        }
        if rc != 0 { throw decoder.failure("cannot decode PNG") }
        return Image(width: width, height: height, channels: channels, samples16: samples, pixelSpacing: spacing(h))
    }

    /// Encodes any `Image` losslessly. With `palette`, an 8-bit image of 256 or fewer
    /// distinct colours is written as an indexed PNG (others fall back to direct colour).
    static func encode(_ image: Image, interlaced: Bool, palette: Bool, path: String) throws -> [UInt8] {
        var entries: [UInt8] = [], trans: [UInt8] = []
        var indices: [UInt8] = []
        if palette, image.bitDepth == 8, let built = paletteOf(image) {
            (indices, entries, trans) = built
        }
        let paletteSize = entries.count / 3
        let ppm = image.pixelSpacing.map { (UInt32(max(1, (1e6 / $0.x).rounded())), UInt32(max(1, (1e6 / $0.y).rounded()))) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        var message = [CChar](repeating: 0, count: 512)
        func run(_ pixels: UnsafeRawPointer?) -> Int32 {
            entries.withUnsafeBufferPointer { e in
                trans.withUnsafeBufferPointer { t in
                    lb_png_encode(pixels?.assumingMemoryBound(to: UInt8.self), Int32(image.width), Int32(image.height),
                                  Int32(image.channels), Int32(paletteSize > 0 ? 8 : image.bitDepth),
                                  interlaced ? 1 : 0, e.baseAddress, trans.isEmpty ? nil : t.baseAddress,
                                  Int32(paletteSize), ppm?.0 ?? 0, ppm?.1 ?? 0, &out, &size, &message, message.count)
                }
            }
        }
        let rc: Int32
        if paletteSize > 0 {
            rc = indices.withUnsafeBytes { run($0.baseAddress) }
        } else if image.bitDepth == 8 {
            rc = image.samples8.withUnsafeBytes { run($0.baseAddress) }
        } else {
            rc = image.samples16.withUnsafeBytes { run($0.baseAddress) }
        }
        defer { lb_free(out) }
        guard rc == 0, let out else {
            throw ImageIOError(.writeFailed, path: path, "PNG encoder: \(text(of: message))")
        }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Indices, RGB palette and (when any alpha < 255) alpha table, or nil if > 256 colours.
    private static func paletteOf(_ image: Image) -> ([UInt8], [UInt8], [UInt8])? {
        let c = image.channels
        var lookup: [UInt32: UInt8] = [:]
        var colours: [UInt32] = []
        var indices = [UInt8](repeating: 0, count: image.width * image.height)
        let s = image.samples8
        for p in 0..<indices.count {
            let r, g, b, a: UInt32
            switch c {
            case 1: r = UInt32(s[p]); g = r; b = r; a = 255
            case 2: r = UInt32(s[2 * p]); g = r; b = r; a = UInt32(s[2 * p + 1])
            case 3: r = UInt32(s[3 * p]); g = UInt32(s[3 * p + 1]); b = UInt32(s[3 * p + 2]); a = 255
            default: r = UInt32(s[4 * p]); g = UInt32(s[4 * p + 1]); b = UInt32(s[4 * p + 2]); a = UInt32(s[4 * p + 3])
            }
            let key = r << 24 | g << 16 | b << 8 | a
            if let index = lookup[key] { indices[p] = index; continue }
            guard colours.count < 256 else { return nil }
            lookup[key] = UInt8(colours.count)
            indices[p] = UInt8(colours.count)
            colours.append(key)
        }
        var entries: [UInt8] = [], alpha: [UInt8] = []
        for key in colours {
            entries += [UInt8(key >> 24), UInt8(key >> 16 & 255), UInt8(key >> 8 & 255)]
            alpha.append(UInt8(key & 255))
        }
        return (indices, entries, alpha.allSatisfy { $0 == 255 } ? [] : alpha)
    }

    private static func spacing(_ h: lb_png_header) -> PixelSpacing? {
        guard h.has_phys != 0 else { return nil }
        return PixelSpacing.fromResolution(x: Double(h.phys_x), y: Double(h.phys_y), unitMicrometres: 1_000_000)
    }

    /// Owns one `lb_png_decoder` and a stable copy of the compressed bytes it reads.
    final class Decoder {
        let handle: OpaquePointer
        let path: String
        private let storage: UnsafeMutableBufferPointer<UInt8>

        init(_ bytes: [UInt8], path: String) throws {
            self.path = path
            storage = .allocate(capacity: max(bytes.count, 1))
            _ = storage.initialize(from: bytes)
            guard let handle = lb_png_decoder_create(storage.baseAddress, bytes.count) else {
                storage.deallocate()
                throw ImageIOError(.corrupt, path: path, "cannot start the PNG decoder")
            }
            self.handle = handle
        }

        deinit {
            lb_png_decoder_destroy(handle)
            storage.deallocate()
        }

        func header(_ limits: ImageLimits) throws -> lb_png_header {
            var h = lb_png_header()
            let maxSide = UInt32(clamping: limits.maxDimension)
            switch lb_png_read_header(handle, &h, maxSide) {
            case 0: return h
            case -2: throw ImageIOError(.tooLarge, path: path, String(cString: lb_png_message(handle)))
            default: throw failure("cannot read PNG header")
            }
        }

        func failure(_ context: String) -> ImageIOError {
            let message = String(cString: lb_png_message(handle))
            return ImageIOError(.corrupt, path: path, "\(context): \(message.isEmpty ? "libpng gave no message" : message)")
        }
    }
}
