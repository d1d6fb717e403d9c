import Testing
@testable import ImageIO

@Suite struct TIFFCodecTests {
    static let lossless: [TIFFWriteOptions.Compression] = [.none, .lzw, .deflate, .packbits]
    static let layouts: [TIFFWriteOptions.Layout] = [.strips(rowsPerStrip: 7), .tiles(width: 16, height: 32)]

    /// Every lossless codec x strips/tiles x 1-4 channels x 8/16 bits returns the exact
    /// samples; the odd size leaves partial edge tiles and a short last strip.
    @Test(arguments: lossless, layouts)
    func losslessRoundTripsExactly(compression: TIFFWriteOptions.Compression, layout: TIFFWriteOptions.Layout) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        for channels in 1...4 {
            for bits in [8, 16] {
                let image = Fixtures.noise(width: 45, height: 37, channels: channels, bitDepth: bits,
                                           seed: UInt64(channels * 100 + bits))
                let path = "\(dir)/c\(channels)b\(bits).tif"
                try ImageWriter.writeTIFF(image, to: path, options: TIFFWriteOptions(layout: layout, compression: compression))
                #expect(try ImageReader.read(path) == image, "\(compression) \(layout) \(channels)x\(bits)")
                let info = try ImageReader.info(path)
                #expect(info.format == .tiff && info.width == 45 && info.height == 37)
                #expect(info.channels == channels && info.bitDepth == bits && info.compression == compression.rawValue)
                if case .tiles(let w, let h) = layout {
                    #expect(info.tileWidth == w && info.tileHeight == h && info.rowsPerStrip == nil)
                } else {
                    #expect(info.tileWidth == nil && info.rowsPerStrip == 7)
                }
            }
        }
    }

    @Test(arguments: layouts)
    func jpegTilesAndStripsStayClose(layout: TIFFWriteOptions.Layout) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let options = TIFFWriteOptions(layout: layout == .strips(rowsPerStrip: 7) ? .strips(rowsPerStrip: 16) : layout,
                                       compression: .jpeg, jpegQuality: 95)
        for channels in [1, 3, 4] {
            let image = Fixtures.smooth(width: 70, height: 50, channels: channels)
            try ImageWriter.writeTIFF(image, to: "\(dir)/j.tif", options: options)
            let back = try ImageReader.read("\(dir)/j.tif")
            #expect(back.channels == channels && back.width == 70 && back.height == 50)
            #expect(Fixtures.meanDifference(back, image) < 2.5, "\(channels) channels")
            #expect(try ImageReader.info("\(dir)/j.tif").compression == "jpeg")
        }
    }

    @Test func paletteAndSeparatePlanes() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var samples = [UInt8]()
        for i in 0..<(33 * 17) { samples += [UInt8(i % 5 * 50), UInt8(i % 4 * 60), UInt8(i % 3 * 90)] }
        let few = Image(width: 33, height: 17, channels: 3, samples: samples)
        try ImageWriter.writeTIFF(few, to: "\(dir)/p.tif", options: TIFFWriteOptions(compression: .lzw, palette: true))
        #expect(try ImageReader.info("\(dir)/p.tif").colour == "palette")
        #expect(try ImageReader.read("\(dir)/p.tif") == few)

        for layout in Self.layouts {
            let deep = Fixtures.noise(width: 40, height: 33, channels: 4, bitDepth: 16, seed: 9)
            try ImageWriter.writeTIFF(deep, to: "\(dir)/s.tif",
                                      options: TIFFWriteOptions(layout: layout, compression: .deflate, planarSeparate: true))
            #expect(try ImageReader.read("\(dir)/s.tif") == deep)
            #expect(try ImageReader.readRegion("\(dir)/s.tif", x: 17, y: 5, width: 20, height: 27)
                    == deep.cropped(x: 17, y: 5, width: 20, height: 27))
        }
    }

    @Test func bigTIFFAndPixelSpacing() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var image = Fixtures.noise(width: 64, height: 48, channels: 3)
        image.pixelSpacing = PixelSpacing(x: 0.25, y: 0.5)
        try ImageWriter.writeTIFF(image, to: "\(dir)/b.tif",
                                  options: TIFFWriteOptions(layout: .tiles(width: 32, height: 16), bigTIFF: true))
        let info = try ImageReader.info("\(dir)/b.tif")
        #expect(info.bigTIFF == true)
        let back = try ImageReader.read("\(dir)/b.tif")
        #expect(back.samples8 == image.samples8)
        let spacing = try #require(back.pixelSpacing)
        #expect(abs(spacing.x - 0.25) < 1e-5 && abs(spacing.y - 0.5) < 1e-5)
        try ImageWriter.writeTIFF(image, to: "\(dir)/c.tif")
        #expect(try ImageReader.info("\(dir)/c.tif").bigTIFF == false)
    }

    /// A pyramid lists every level, reads the full-resolution one by default wherever it sits,
    /// and reads any other level on request.
    @Test func pyramidChoosesFullResolutionAndListsTheRest() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let full = Fixtures.noise(width: 96, height: 64, channels: 3, seed: 1)
        let half = Fixtures.noise(width: 48, height: 32, channels: 3, seed: 2)
        let quarter = Fixtures.noise(width: 24, height: 16, channels: 3, seed: 3)
        let options = TIFFWriteOptions(layout: .tiles(width: 16, height: 16))
        try ImageWriter.writeTIFF(pages: [full, half, quarter], to: "\(dir)/pyr.tif", options: options)
        let info = try ImageReader.info("\(dir)/pyr.tif")
        #expect(info.page == 0 && info.pages.count == 3 && info.width == 96)
        #expect(info.pages.map(\.reduced) == [false, true, true])
        #expect(info.pages.map(\.width) == [96, 48, 24])
        #expect(try ImageReader.read("\(dir)/pyr.tif") == full)
        #expect(try ImageReader.readRegion("\(dir)/pyr.tif", x: 0, y: 0, width: 24, height: 16, page: 2) == quarter)

        // Thumbnail first, full resolution second: still the full one by default.
        try ImageWriter.writeTIFF(pages: [quarter, full], to: "\(dir)/thumb-first.tif", options: options)
        let second = try ImageReader.info("\(dir)/thumb-first.tif")
        #expect(second.page == 1 && second.width == 96)
        #expect(try ImageReader.read("\(dir)/thumb-first.tif") == full)
        #expect(throws: ImageIOError.self) {
            try ImageReader.readRegion("\(dir)/thumb-first.tif", x: 0, y: 0, width: 1, height: 1, page: 2)
        }
    }
}
