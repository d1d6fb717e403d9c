import Foundation
@testable import ImageIO

/// Tiny files assembled byte by byte, with header fields no encoder would write.
enum HandMade {
    static func be32(_ v: Int) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(crc32(body)))
    }

    /// A PNG with a valid IHDR (8-bit RGB) of any size, a tiny IDAT and IEND.
    static func png(width: Int, height: Int) -> [UInt8] {
        let ihdr = be32(width) + be32(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    /// A 24-bit BMP header of any size followed by 16 bytes of pixels.
    static func bmp(width: Int, height: Int) -> [UInt8] {
        [0x42, 0x4D] + le32(70) + le32(0) + le32(54) + le32(40) + le32(width) + le32(height)
            + le16(1) + le16(24) + le32(0) + le32(16) + le32(0) + le32(0) + le32(0) + le32(0)
            + [UInt8](repeating: 7, count: 16)
    }

    /// A classic little-endian 8-bit gray TIFF with one strip of 16 bytes, any declared size
    /// (compression 8 = Deflate keeps libtiff from splitting one big raw strip into rows).
    static func tiff(width: Int, height: Int, rowsPerStrip: Int, compression: Int = 1) -> [UInt8] {
        func entry(_ tag: Int, _ type: Int, _ value: Int) -> [UInt8] { le16(tag) + le16(type) + le32(1) + le32(value) }
        let entries = [entry(256, 4, width), entry(257, 4, height), entry(258, 3, 8), entry(259, 3, compression),
                       entry(262, 3, 1), entry(273, 4, 8 + 2 + 9 * 12 + 4), entry(277, 3, 1),
                       entry(278, 4, rowsPerStrip), entry(279, 4, 16)]
        return [0x49, 0x49, 0x2A, 0x00] + le32(8) + le16(entries.count) + entries.flatMap { $0 } + le32(0)
            + [UInt8](repeating: 9, count: 16)
    }

    /// A real small JPEG whose SOF0 marker is patched to announce `width x height`.
    static func jpeg(width: Int, height: Int, dir: String) throws -> [UInt8] {
        let path = "\(dir)/small-for-sof.jpg"
        try ImageWriter.writeJPEG(Fixtures.smooth(width: 8, height: 8), to: path, quality: 50)
        var bytes = try Fixtures.bytes(path)
        for i in 0..<(bytes.count - 9) where bytes[i] == 0xFF && bytes[i + 1] == 0xC0 {
            bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 255)
            bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 255)
            return bytes
        }
        return bytes
    }
}

extension HandMade {
    /// One IFD entry: tag, TIFF type (3 SHORT, 4 LONG) and values.
    struct Entry {
        var tag: Int, type: Int, values: [Int]
        init(_ tag: Int, _ type: Int, _ values: [Int]) { self.tag = tag; self.type = type; self.values = values }
    }

    /// A classic little-endian TIFF: `data` at offset 8 (StripOffsets is added pointing at it,
    /// with StripByteCounts = data.count), then the IFD, then out-of-line values.
    static func tiff(_ given: [Entry], data: [UInt8]) -> [UInt8] {
        let entries = (given + [Entry(273, 4, [8]), Entry(279, 4, [data.count])]).sorted { $0.tag < $1.tag }
        let ifd = 8 + data.count + data.count % 2
        var extra = ifd + 2 + entries.count * 12 + 4
        var table: [UInt8] = le16(entries.count), tail: [UInt8] = []
        for e in entries {
            let size = e.type == 3 ? 2 : 4
            let packed = e.values.flatMap { size == 2 ? le16($0) : le32($0) }
            table += le16(e.tag) + le16(e.type) + le32(e.values.count)
            if packed.count <= 4 {
                table += packed + [UInt8](repeating: 0, count: 4 - packed.count)
            } else {
                table += le32(extra)
                tail += packed
                extra += packed.count
            }
        }
        return [0x49, 0x49, 0x2A, 0x00] + le32(ifd) + data + [UInt8](repeating: 0, count: data.count % 2)
            + table + le32(0) + tail
    }
}
