/// Reads the Orientation tag (0x0112) from an APP1 "Exif" payload, and builds a minimal one.
///
/// Bounds-checked at every step: a damaged EXIF block yields nil (orientation 1), never a crash.
enum EXIFOrientation {
    /// The orientation (1-8) in `payload` (starting with "Exif\0\0"), or nil.
    static func parse(_ payload: [UInt8]) -> Int? {
        guard payload.count >= 14, Array(payload[0..<6]) == Array("Exif\0\0".utf8) else { return nil }
        let base = 6
        let little: Bool
        switch (payload[base], payload[base + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= payload.count else { return nil }
            let a = Int(payload[at]), b = Int(payload[at + 1])
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let lo = u16(little ? at : at + 2), let hi = u16(little ? at + 2 : at) else { return nil }
            return hi << 16 | lo
        }
        guard u16(base + 2) == 42, let ifd = u32(base + 4), let count = u16(base + ifd) else { return nil }
        for i in 0..<min(count, 1000) {
            let entry = base + ifd + 2 + 12 * i
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard u16(entry + 2) == 3, let value = u16(entry + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }

    /// An APP1 payload holding only an Orientation tag (for writing test fixtures and images).
    static func payload(orientation: Int) -> [UInt8] {
        var bytes = Array("Exif\0\0".utf8)
        bytes += [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]      // big-endian TIFF header
        bytes += [0x00, 0x01]                                          // one entry
        bytes += [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]      // Orientation, SHORT, 1
        bytes += [0x00, UInt8(orientation), 0x00, 0x00]
        bytes += [0x00, 0x00, 0x00, 0x00]                              // no next IFD
        return bytes
    }
}
