import Testing
@testable import ImageIO

/// TIFF layouts ImageIO's writer never produces but scanners and other tools do, built byte
/// by byte: sub-byte gray, MinIsWhite, 4-bit palettes, CMYK (through libtiff's RGBA path).
@Suite struct TIFFLayoutTests {
    func read(_ bytes: [UInt8]) throws -> Image {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(bytes, "\(dir)/t.tif")
        return try ImageReader.read("\(dir)/t.tif")
    }

    func base(width: Int, height: Int, bits: Int, photometric: Int, samples: Int = 1) -> [HandMade.Entry] {
        [.init(256, 4, [width]), .init(257, 4, [height]), .init(258, 3, Array(repeating: bits, count: samples)),
         .init(259, 3, [1]), .init(262, 3, [photometric]), .init(277, 3, [samples]), .init(278, 4, [height])]
    }

    @Test func oneBitMinIsWhite() throws {
        // 10 x 2, rows padded to 2 bytes; a set bit is black in MinIsWhite.
        let image = try read(HandMade.tiff(base(width: 10, height: 2, bits: 1, photometric: 0),
                                           data: [0b1010_0000, 0b0100_0000, 0b0000_0000, 0b1100_0000]))
        #expect(image.channels == 1 && image.bitDepth == 8)
        #expect(image.samples8 == [0, 255, 0, 255, 255, 255, 255, 255, 255, 0,
                                   255, 255, 255, 255, 255, 255, 255, 255, 0, 0])
    }

    @Test func twoBitGrayScalesToEightBits() throws {
        let image = try read(HandMade.tiff(base(width: 4, height: 1, bits: 2, photometric: 1), data: [0b00_01_10_11]))
        #expect(image.samples8 == [0, 85, 170, 255])
    }

    @Test func sixteenBitMinIsWhiteInverts() throws {
        let image = try read(HandMade.tiff(base(width: 2, height: 1, bits: 16, photometric: 0), data: [0, 0, 0x34, 0x12]))
        #expect(image.bitDepth == 16 && image.samples16 == [65535, 65535 - 0x1234])
    }

    @Test func fourBitPaletteExpandsToRGB() throws {
        var map = [Int](repeating: 0, count: 48)
        map[1] = 255 * 257; map[16 + 2] = 128 * 257; map[32 + 15] = 65535   // 1: red, 2: half green, 15: blue
        let entries = base(width: 3, height: 1, bits: 4, photometric: 3) + [.init(320, 3, map)]
        let image = try read(HandMade.tiff(entries, data: [0x12, 0xF0]))
        #expect(image.channels == 3 && image.samples8 == [255, 0, 0, 0, 128, 0, 0, 0, 255])
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(HandMade.tiff(entries, data: [0x12, 0xF0]), "\(dir)/p.tif")
        #expect(try ImageReader.info("\(dir)/p.tif").colour == "palette")
    }

    @Test func cmykGoesThroughTheRGBAPath() throws {
        let entries = base(width: 2, height: 1, bits: 8, photometric: 5, samples: 4)
        let image = try read(HandMade.tiff(entries, data: [255, 0, 0, 0, 0, 0, 0, 255]))
        #expect(image.channels == 3 && image.samples8 == [0, 255, 255, 0, 0, 0])
    }

    @Test func floatSamplesAreUnsupported() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let entries = base(width: 1, height: 1, bits: 32, photometric: 1) + [.init(339, 3, [3])]
        try Fixtures.write(HandMade.tiff(entries, data: [0, 0, 128, 63]), "\(dir)/f.tif")
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/f.tif") }
        #expect(error.code == .unsupported)
    }
}
