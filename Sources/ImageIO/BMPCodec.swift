/// Windows BMP, read and written in Swift: 24-bit and 32-bit (BI_RGB or byte-aligned
/// BI_BITFIELDS), plus 1/4/8-bit palettes; bottom-up (positive height) or top-down.
/// 32-bit files are RGBA only when the header declares an alpha mask; otherwise the fourth
/// byte is padding and the result is RGB. No RLE compression, no 16-bit (5-6-5) pixels.
enum BMPCodec {
    /// The parsed headers: enough to size the image and locate its pixels.
    struct Header {
        var width: Int, height: Int, bitCount: Int, compression: Int
        var topDown: Bool, dataOffset: Int
        var masks: [UInt32]   // r, g, b, a (a may be 0)
        var palette: [UInt8]  // RGB triples
        var ppmX: Int, ppmY: Int
        var channels: Int { bitCount == 32 && masks[3] != 0 ? 4 : 3 }
    }

    static func info(_ bytes: [UInt8], path: String) throws -> ImageInfo {
        let h = try header(bytes, path: path)
        let compression = h.compression == 0 ? "none" : "bitfields"
        let page = PageInfo(index: 0, width: h.width, height: h.height, channels: h.channels, bitDepth: 8,
                            compression: compression, reduced: false)
        return ImageInfo(path: path, format: .bmp, width: h.width, height: h.height, channels: h.channels,
                         bitDepth: 8, colour: h.bitCount <= 8 ? "palette" : h.channels == 4 ? "rgba" : "rgb",
                         compression: compression, pixelSpacing: spacing(h), page: 0, pages: [page],
                         bottomUp: !h.topDown)
    }

    static func header(_ b: [UInt8], path: String) throws -> Header {
        func bad(_ why: String) -> ImageIOError { ImageIOError(.corrupt, path: path, "BMP: \(why)") }
        func u16(_ at: Int) throws -> Int {
            guard at + 2 <= b.count else { throw bad("file ends inside the header") }
            return Int(b[at]) | Int(b[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> UInt32 {
            guard at + 4 <= b.count else { throw bad("file ends inside the header") }
            return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        }
        func i32(_ at: Int) throws -> Int { Int(Int32(bitPattern: try u32(at))) }
        guard b.count >= 2, b[0] == 0x42, b[1] == 0x4D else { throw bad("not a BMP file") }
        guard b.count >= 26 else { throw bad("file ends inside the header (\(b.count) bytes)") }
        let dataOffset = Int(try u32(10))
        let dib = Int(try u32(14))
        var width = 0, height = 0, bitCount = 0, compression = 0, colours = 0, ppmX = 0, ppmY = 0
        var masks: [UInt32] = [0, 0, 0, 0]
        if dib == 12 {
            width = try u16(18); height = try u16(20); bitCount = try u16(24)
        } else if [40, 52, 56, 64, 108, 124].contains(dib) {
            width = try i32(18); height = try i32(22); bitCount = try u16(28)
            compression = Int(try u32(30)); ppmX = try i32(38); ppmY = try i32(42)
            colours = Int(try u32(46))
            if compression == 3 || compression == 6 {
                // Masks follow a 40-byte header, or sit inside a larger one at the same place.
                masks = [try u32(54), try u32(58), try u32(62), compression == 6 || dib >= 56 ? try u32(66) : 0]
            } else if dib >= 56 {
                masks[3] = 0   // BI_RGB: any alpha mask in the header is not used
            }
        } else {
            throw ImageIOError(.unsupported, path: path, "BMP: header size \(dib) is not supported")
        }
        guard height != Int(Int32.min) else { throw bad("invalid height") }
        let topDown = height < 0
        height = abs(height)
        guard width > 0, height > 0 else {
            throw ImageIOError(.corrupt, path: path, "BMP: image has zero size (\(width) x \(height))")
        }
        switch (bitCount, compression) {
        case (24, 0), (1, 0), (4, 0), (8, 0): break
        case (32, 0): masks = [0x00FF_0000, 0x0000_FF00, 0x0000_00FF, 0]
        case (32, 3), (32, 6):
            let aligned: Set<UInt32> = [0xFF, 0xFF00, 0xFF_0000, 0xFF00_0000]
            guard masks[0..<3].allSatisfy(aligned.contains), masks[3] == 0 || aligned.contains(masks[3]) else {
                throw ImageIOError(.unsupported, path: path, "BMP: 32-bit masks that are not whole bytes are not supported")
            }
        default:
            throw ImageIOError(.unsupported, path: path,
                               "BMP: \(bitCount)-bit pixels with compression \(compression) are not supported (24/32-bit and palettes only)")
        }
        var palette: [UInt8] = []
        if bitCount <= 8 {
            let count = colours == 0 ? 1 << bitCount : min(colours, 1 << bitCount)
            let entry = dib == 12 ? 3 : 4
            let start = 14 + dib
            guard start + count * entry <= b.count else { throw bad("file ends inside the palette") }
            for i in 0..<count {
                let at = start + i * entry
                palette += [b[at + 2], b[at + 1], b[at]]
            }
        }
        return Header(width: width, height: height, bitCount: bitCount, compression: compression,
                      topDown: topDown, dataOffset: dataOffset, masks: masks, palette: palette,
                      ppmX: ppmX, ppmY: ppmY)
    }

    static func decode(_ b: [UInt8], path: String, limits: ImageLimits) throws -> Image {
        let h = try header(b, path: path)
        try limits.checkDecode(width: h.width, height: h.height, path: path)
        try limits.checkFileCanHold(width: h.width, height: h.height, fileBytes: b.count,
                                    pixelsPerByte: ImageLimits.maxPixelsPerByte[.bmp]!, format: "BMP", path: path)
        let stride = ((h.width * h.bitCount + 31) / 32) * 4
        let (need, overflow) = stride.multipliedReportingOverflow(by: h.height)
        guard !overflow, h.dataOffset >= 14, h.dataOffset <= b.count, need <= b.count - h.dataOffset else {
            throw ImageIOError(.corrupt, path: path,
                               "BMP: pixel data is truncated (the file has \(b.count) bytes; its pixels start at byte \(h.dataOffset) and need \(need))")
        }
        let c = h.channels
        var out = [UInt8](repeating: 0, count: h.width * h.height * c)
        let shifts = h.masks.map { $0 == 0 ? 0 : UInt32($0.trailingZeroBitCount) }
        b.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<h.height {
                    let fileRow = h.topDown ? row : h.height - 1 - row
                    let line = h.dataOffset + fileRow * stride
                    var o = row * h.width * c
                    for x in 0..<h.width {
                        switch h.bitCount {
                        case 24:
                            let p = line + 3 * x
                            dst[o] = src[p + 2]; dst[o + 1] = src[p + 1]; dst[o + 2] = src[p]
                        case 32:
                            let p = line + 4 * x
                            let v = UInt32(src[p]) | UInt32(src[p + 1]) << 8 | UInt32(src[p + 2]) << 16 | UInt32(src[p + 3]) << 24
                            for k in 0..<c { dst[o + k] = UInt8(truncatingIfNeeded: (v & h.masks[k]) >> shifts[k]) }
                        default:
                            let bit = x * h.bitCount
                            let byte = src[line + bit / 8]
                            let index = Int(byte >> UInt8(8 - h.bitCount - bit % 8)) & ((1 << h.bitCount) - 1)
                            let entry = index * 3 < h.palette.count ? index * 3 : 0
                            dst[o] = h.palette[entry]; dst[o + 1] = h.palette[entry + 1]; dst[o + 2] = h.palette[entry + 2]
                        }
                        o += c
                    }
                }
            }
        }
        return Image(width: h.width, height: h.height, channels: c, samples: out, pixelSpacing: spacing(h))
    }

    /// 24-bit BMP for gray/RGB, 32-bit with an alpha mask (BITMAPV4HEADER) for images with
    /// alpha; 16-bit images are rounded to 8 bits. `topDown` stores the top row first.
    static func encode(_ image: Image, topDown: Bool) -> [UInt8] {
        let alpha = image.channels == 2 || image.channels == 4
        let rgb = image.rgb8()
        var alphaSamples = [UInt8](repeating: 255, count: alpha ? image.width * image.height : 0)
        for p in 0..<alphaSamples.count {
            let value = image.sample(x: p % image.width, y: p / image.width, channel: image.channels - 1)
            alphaSamples[p] = UInt8(image.bitDepth == 8 ? value : (value * 255 + 32767) / 65535)
        }
        let bpp = alpha ? 32 : 24
        let dib = alpha ? 108 : 40
        let stride = ((image.width * bpp + 31) / 32) * 4
        let offset = 14 + dib
        var b = [UInt8](repeating: 0, count: offset + stride * image.height)
        func put16(_ v: Int, _ at: Int) { b[at] = UInt8(v & 255); b[at + 1] = UInt8(v >> 8 & 255) }
        func put32(_ v: Int, _ at: Int) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        b[0] = 0x42; b[1] = 0x4D
        put32(b.count, 2); put32(offset, 10); put32(dib, 14)
        put32(image.width, 18); put32(topDown ? -image.height : image.height, 22)
        put16(1, 26); put16(bpp, 28); put32(alpha ? 3 : 0, 30); put32(stride * image.height, 34)
        let ppm = image.pixelSpacing.map { (Int((1e6 / $0.x).rounded()), Int((1e6 / $0.y).rounded())) } ?? (0, 0)
        put32(ppm.0, 38); put32(ppm.1, 42)
        if alpha {
            put32(0x00FF_0000, 54); put32(0x0000_FF00, 58); put32(0x0000_00FF, 62); put32(Int(0xFF00_0000), 66)
            b[70] = 0x20; b[71] = 0x6E; b[72] = 0x69; b[73] = 0x57   // 'Win ' (LCS_WINDOWS_COLOR_SPACE)
        }
        for row in 0..<image.height {
            let line = offset + (topDown ? row : image.height - 1 - row) * stride
            for x in 0..<image.width {
                let p = row * image.width + x
                if alpha {
                    let at = line + 4 * x
                    b[at] = rgb.samples8[3 * p + 2]; b[at + 1] = rgb.samples8[3 * p + 1]; b[at + 2] = rgb.samples8[3 * p]
                    b[at + 3] = alphaSamples[p]
                } else {
                    let at = line + 3 * x
                    b[at] = rgb.samples8[3 * p + 2]; b[at + 1] = rgb.samples8[3 * p + 1]; b[at + 2] = rgb.samples8[3 * p]
                }
            }
        }
        return b
    }

    private static func spacing(_ h: Header) -> PixelSpacing? {
        PixelSpacing.fromResolution(x: Double(h.ppmX), y: Double(h.ppmY), unitMicrometres: 1_000_000)
    }
}
