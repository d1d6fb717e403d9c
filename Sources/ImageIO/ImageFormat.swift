/// The container formats ImageIO reads, recognised by their magic bytes (never the name).
package enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case tiff, png, jpeg, bmp

    /// The format whose signature starts `prefix`, or nil.
    package static func sniff(_ prefix: [UInt8]) -> ImageFormat? {
        func starts(_ magic: [UInt8]) -> Bool {
            prefix.count >= magic.count && Array(prefix.prefix(magic.count)) == magic
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
            || starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }
        if starts([0x42, 0x4D]) { return .bmp }
        return nil
    }
}
