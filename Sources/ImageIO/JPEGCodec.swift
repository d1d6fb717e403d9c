import CImageBridge

/// JPEG through libjpeg (via CImageBridge, where setjmp turns libjpeg's fatal errors into
/// return codes): baseline and progressive, gray, RGB/YCbCr and CMYK/YCCK (converted to RGB),
/// EXIF orientation applied. 8-bit only (what libjpeg62 decodes). A file that ends early is an
/// error, not a picture with a gray bottom.
enum JPEGCodec {
    /// Header facts without decoding pixels.
    static func info(_ bytes: [UInt8], path: String) throws -> ImageInfo {
        let decoder = try Decoder(bytes, path: path)
        let h = try decoder.header()
        let orientation = decoder.orientation()
        let swaps = orientation >= 5
        let channels = h.color_space == 1 ? 1 : 3
        let colour = h.color_space == 1 ? "gray" : h.color_space == 4 ? "cmyk" : "rgb"
        let width = Int(swaps ? h.height : h.width), height = Int(swaps ? h.width : h.height)
        let page = PageInfo(index: 0, width: width, height: height, channels: channels, bitDepth: 8,
                            compression: h.progressive != 0 ? "progressive" : "baseline", reduced: false)
        return ImageInfo(path: path, format: .jpeg, width: width, height: height, channels: channels,
                         bitDepth: 8, colour: colour, compression: page.compression,
                         pixelSpacing: spacing(h, swapped: swaps), page: 0, pages: [page],
                         orientation: orientation)
    }

    static func decode(_ bytes: [UInt8], path: String, limits: ImageLimits) throws -> Image {
        let decoder = try Decoder(bytes, path: path)
        let h = try decoder.header()
        let width = Int(h.width), height = Int(h.height), comps = Int(h.out_components)
        try limits.checkDecode(width: width, height: height, path: path)
        try limits.checkFileCanHold(width: width, height: height, fileBytes: bytes.count,
                                    pixelsPerByte: ImageLimits.maxPixelsPerByte[.jpeg]!, format: "JPEG", path: path)
        // Before decoding: finishing the decode frees the saved markers.
        let orientation = decoder.orientation()
        var raw = [UInt8](repeating: 0, count: width * height * comps)
        let rc = raw.withUnsafeMutableBufferPointer { lb_jpeg_decode(decoder.handle, $0.baseAddress, $0.count) }
        if rc != 0 { throw decoder.failure("cannot decode JPEG") }
        if comps == 4 { raw = cmykToRGB(raw, inverted: h.adobe_inverted != 0) }
        let image = Image(width: width, height: height, channels: comps == 1 ? 1 : 3, samples: raw,
                          pixelSpacing: spacing(h, swapped: false))
        return image.oriented(exif: orientation)
    }

    /// Encodes 8-bit gray or RGB (alpha is dropped; 16-bit is rounded to 8 bits). A non-nil
    /// `orientation` writes an EXIF block with that tag. `cmyk` writes the RGB samples as
    /// Adobe-style inverted CMYK with K = 0 (for testing the CMYK decode path).
    static func encode(_ image: Image, quality: Int, progressive: Bool, orientation: Int?,
                       cmyk: Bool = false, path: String) throws -> [UInt8] {
        var pixels: [UInt8]
        var comps: Int
        if image.channels <= 2 && !cmyk {
            let rgb = image.rgb8()
            pixels = [UInt8](repeating: 0, count: image.width * image.height)
            for i in 0..<pixels.count { pixels[i] = rgb.samples8[3 * i] }
            comps = 1
        } else {
            pixels = image.rgb8().samples8
            comps = 3
        }
        if cmyk {
            var four = [UInt8](repeating: 255, count: image.width * image.height * 4)
            for i in 0..<(image.width * image.height) {
                four[4 * i] = pixels[3 * i]; four[4 * i + 1] = pixels[3 * i + 1]; four[4 * i + 2] = pixels[3 * i + 2]
            }
            pixels = four
            comps = 4
        }
        let app1 = orientation.map { EXIFOrientation.payload(orientation: $0) } ?? []
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 512)
        let rc = pixels.withUnsafeBufferPointer { px in
            app1.withUnsafeBufferPointer { a in
                lb_jpeg_encode(px.baseAddress, Int32(image.width), Int32(image.height), Int32(comps),
                               Int32(max(1, min(100, quality))), progressive ? 1 : 0,
                               a.baseAddress, a.count, &out, &size, &message, message.count)
            }
        }
        defer { lb_free(out) }
        guard rc == 0, let out else {
            throw ImageIOError(.writeFailed, path: path, "JPEG encoder: \(text(of: message))")
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    private static func spacing(_ h: lb_jpeg_header, swapped: Bool) -> PixelSpacing? {
        let unit: Double = h.density_unit == 1 ? 25_400 : h.density_unit == 2 ? 10_000 : 0
        let x = Double(swapped ? h.y_density : h.x_density), y = Double(swapped ? h.x_density : h.y_density)
        return PixelSpacing.fromResolution(x: x, y: y, unitMicrometres: unit)
    }

    /// CMYK to RGB by R = (255 - C)(255 - K) / 255; Adobe files store the samples inverted.
    private static func cmykToRGB(_ cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let n = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: n * 3)
        for i in 0..<n {
            var c = Int(cmyk[4 * i]), m = Int(cmyk[4 * i + 1]), y = Int(cmyk[4 * i + 2]), k = Int(cmyk[4 * i + 3])
            if !inverted { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k }
            rgb[3 * i] = UInt8((c * k + 127) / 255)
            rgb[3 * i + 1] = UInt8((m * k + 127) / 255)
            rgb[3 * i + 2] = UInt8((y * k + 127) / 255)
        }
        return rgb
    }

    /// Owns one `lb_jpeg_decoder` and a stable copy of the compressed bytes it reads.
    final class Decoder {
        let handle: OpaquePointer
        let path: String
        private let storage: UnsafeMutableBufferPointer<UInt8>
        private var cachedHeader: lb_jpeg_header?

        init(_ bytes: [UInt8], path: String) throws {
            self.path = path
            storage = .allocate(capacity: max(bytes.count, 1))
            _ = storage.initialize(from: bytes)
            guard let handle = lb_jpeg_decoder_create(storage.baseAddress, UInt(bytes.count)) else {
                storage.deallocate()
                throw ImageIOError(.corrupt, path: path, "cannot start the JPEG decoder")
            }
            self.handle = handle
        }

        deinit {
            lb_jpeg_decoder_destroy(handle)
            storage.deallocate()
        }

        func header() throws -> lb_jpeg_header {
            if let cachedHeader { return cachedHeader }
            var h = lb_jpeg_header()
            guard lb_jpeg_read_header(handle, &h) == 0 else { throw failure("cannot read JPEG header") }
            cachedHeader = h
            return h
        }

        /// The EXIF orientation (1 if none). Valid after `header()` and before decoding.
        func orientation() -> Int {
            var length = 0
            guard let data = lb_jpeg_exif(handle, &length) else { return 1 }
            return EXIFOrientation.parse(Array(UnsafeBufferPointer(start: data, count: length))) ?? 1
        }

        func failure(_ context: String) -> ImageIOError {
            let message = String(cString: lb_jpeg_message(handle))
            let code: ImageIOError.Code = message.contains("Unsupported") || message.contains("not implemented")
                ? .unsupported : .corrupt
            return ImageIOError(code, path: path, "\(context): \(message.isEmpty ? "libjpeg gave no message" : message)")
        }
    }
}
