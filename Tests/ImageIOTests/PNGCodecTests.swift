import Testing
@testable import ImageIO

@Suite struct PNGCodecTests {
    @Test(arguments: [1, 2, 3, 4], [8, 16])
    func roundTripsEveryLayoutExactly(channels: Int, bitDepth: Int) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        for interlaced in [false, true] {
            let image = Fixtures.noise(width: 37, height: 23, channels: channels, bitDepth: bitDepth, seed: UInt64(channels * bitDepth))
            let path = "\(dir)/i\(interlaced).png"
            try ImageWriter.writePNG(image, to: path, interlaced: interlaced)
            let back = try ImageReader.read(path)
            #expect(back == image)
            let info = try ImageReader.info(path)
            #expect(info.format == .png && info.width == 37 && info.height == 23)
            #expect(info.channels == channels && info.bitDepth == bitDepth && info.interlaced == interlaced)
        }
    }

    @Test func palettePNGExpandsToRGBAndRGBA() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var rgb = [UInt8]()
        var rgba = [UInt8]()
        for i in 0..<(20 * 10) {
            let colour: [UInt8] = [UInt8(i % 7 * 30), UInt8(i % 5 * 50), UInt8(i % 3 * 90)]
            rgb += colour
            rgba += colour + [UInt8(i % 2 == 0 ? 255 : 128)]
        }
        let opaque = Image(width: 20, height: 10, channels: 3, samples: rgb)
        try ImageWriter.writePNG(opaque, to: "\(dir)/p.png", palette: true)
        #expect(try ImageReader.info("\(dir)/p.png").colour == "palette")
        #expect(try ImageReader.read("\(dir)/p.png") == opaque)
        let translucent = Image(width: 20, height: 10, channels: 4, samples: rgba)
        try ImageWriter.writePNG(translucent, to: "\(dir)/pa.png", palette: true)
        #expect(try ImageReader.info("\(dir)/pa.png").colour == "palette")
        #expect(try ImageReader.read("\(dir)/pa.png") == translucent)
    }

    @Test func pixelSpacingTravelsInPHYs() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var image = Fixtures.noise(width: 8, height: 8, channels: 1)
        image.pixelSpacing = PixelSpacing(x: 0.25, y: 0.5)
        try ImageWriter.writePNG(image, to: "\(dir)/s.png")
        let spacing = try #require(try ImageReader.read("\(dir)/s.png").pixelSpacing)
        #expect(abs(spacing.x - 0.25) < 1e-6 && abs(spacing.y - 0.5) < 1e-6)
    }

    @Test func sniffsByMagicNotExtension() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let image = Fixtures.noise(width: 5, height: 4, channels: 3)
        try ImageWriter.writePNG(image, to: "\(dir)/really-a-png.jpg")
        #expect(try ImageReader.info("\(dir)/really-a-png.jpg").format == .png)
        #expect(try ImageReader.read("\(dir)/really-a-png.jpg") == image)
    }
}
