import Testing
@testable import ImageIO

@Suite struct BMPCodecTests {
    @Test(arguments: [false, true])
    func rgbAndRGBARoundTripBothRowOrders(topDown: Bool) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        // Odd widths exercise the 4-byte row padding of 24-bit rows.
        for width in [1, 2, 3, 5, 33] {
            let rgb = Fixtures.noise(width: width, height: 7, channels: 3, seed: UInt64(width))
            try ImageWriter.writeBMP(rgb, to: "\(dir)/rgb.bmp", topDown: topDown)
            #expect(try ImageReader.read("\(dir)/rgb.bmp") == rgb)
            let info = try ImageReader.info("\(dir)/rgb.bmp")
            #expect(info.format == .bmp && info.width == width && info.height == 7)
            #expect(info.channels == 3 && info.bottomUp == !topDown)

            let rgba = Fixtures.noise(width: width, height: 7, channels: 4, seed: UInt64(width + 100))
            try ImageWriter.writeBMP(rgba, to: "\(dir)/rgba.bmp", topDown: topDown)
            #expect(try ImageReader.read("\(dir)/rgba.bmp") == rgba)
            #expect(try ImageReader.info("\(dir)/rgba.bmp").channels == 4)
        }
    }

    @Test func grayIsWrittenAsRGB() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let gray = Fixtures.noise(width: 6, height: 3, channels: 1)
        try ImageWriter.writeBMP(gray, to: "\(dir)/g.bmp")
        #expect(try ImageReader.read("\(dir)/g.bmp") == gray.rgb8())
    }

    /// A 32-bit BI_RGB file (40-byte header) whose fourth byte is padding, and an 8-bit
    /// palette file, assembled byte by byte as other software writes them.
    @Test func readsHandMade32BitAndPaletteFiles() throws {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        func file(bpp: Int, height: Int, palette: [UInt8], pixels: [UInt8]) -> [UInt8] {
            let offset = 14 + 40 + palette.count
            return [0x42, 0x4D] + le32(offset + pixels.count) + le32(0) + le32(offset)
                + le32(40) + le32(2) + le32(height) + le16(1) + le16(bpp) + le32(0) + le32(pixels.count)
                + le32(0) + le32(0) + le32(palette.count / 4) + le32(0) + palette + pixels
        }
        // 2 x 2, bottom-up, BGRX.
        let thirtyTwo = file(bpp: 32, height: 2, palette: [],
                             pixels: [3, 2, 1, 0, 6, 5, 4, 0, 9, 8, 7, 0, 12, 11, 10, 0])
        let a = try ImageReader.decode(thirtyTwo, path: "32.bmp")
        #expect(a.channels == 3 && a.samples8 == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6])
        // 2 x 2 top-down (negative height), two palette entries (BGRA), rows padded to 4 bytes.
        let eight = file(bpp: 8, height: -2, palette: [0, 0, 255, 0, 255, 0, 0, 0],
                         pixels: [0, 1, 0, 0, 1, 0, 0, 0])
        let b = try ImageReader.decode(eight, path: "8.bmp")
        #expect(b.samples8 == [255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0])
    }
}
