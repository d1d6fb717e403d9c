import Testing
@testable import ImageIO

@Suite struct JPEGCodecTests {
    @Test(arguments: [false, true])
    func rgbAndGrayRoundTripCloselyBaselineAndProgressive(progressive: Bool) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let rgb = Fixtures.smooth(width: 96, height: 64)
        try ImageWriter.writeJPEG(rgb, to: "\(dir)/c.jpg", quality: 95, progressive: progressive)
        let back = try ImageReader.read("\(dir)/c.jpg")
        #expect(back.width == 96 && back.height == 64 && back.channels == 3 && back.bitDepth == 8)
        #expect(Fixtures.meanDifference(back, rgb) < 2.0)
        let info = try ImageReader.info("\(dir)/c.jpg")
        #expect(info.compression == (progressive ? "progressive" : "baseline") && info.colour == "rgb")

        let gray = Fixtures.smooth(width: 50, height: 30, channels: 1)
        try ImageWriter.writeJPEG(gray, to: "\(dir)/g.jpg", quality: 95, progressive: progressive)
        let grayBack = try ImageReader.read("\(dir)/g.jpg")
        #expect(grayBack.channels == 1 && Fixtures.meanDifference(grayBack, gray) < 2.0)
    }

    @Test func cmykIsConvertedToRGB() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let rgb = Fixtures.smooth(width: 40, height: 24)
        try Fixtures.write(try ImageWriter.encodeCMYKJPEG(rgb), "\(dir)/cmyk.jpg")
        #expect(try ImageReader.info("\(dir)/cmyk.jpg").colour == "cmyk")
        let back = try ImageReader.read("\(dir)/cmyk.jpg")
        #expect(back.channels == 3 && Fixtures.meanDifference(back, rgb) < 3.0)
    }

    /// Each EXIF orientation written on the stored (sideways) pixels must come back upright:
    /// the red quadrant returns to the top-left.
    @Test(arguments: 1...8)
    func exifOrientationIsApplied(orientation: Int) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let upright = Fixtures.quadrants(width: 64, height: 32)
        // Store the inverse transform so that applying `orientation` restores `upright`.
        let inverse = [1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6][orientation]!
        let stored = upright.oriented(exif: inverse)
        try ImageWriter.writeJPEG(stored, to: "\(dir)/o.jpg", quality: 95, orientation: orientation)
        let back = try ImageReader.read("\(dir)/o.jpg")
        try #require(back.width == 64 && back.height == 32)
        // Quadrant centres (JPEG rings at the hard edges between them).
        for (x, y) in [(16, 8), (48, 8), (16, 24), (48, 24)] {
            for c in 0..<3 {
                #expect(abs(back.sample(x: x, y: y, channel: c) - upright.sample(x: x, y: y, channel: c)) < 24)
            }
        }
        let info = try ImageReader.info("\(dir)/o.jpg")
        #expect(info.orientation == orientation && info.width == 64 && info.height == 32)
    }

    @Test func regionOfJPEGIsCropOfWholeImage() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try ImageWriter.writeJPEG(Fixtures.smooth(width: 80, height: 60), to: "\(dir)/r.jpg")
        let whole = try ImageReader.read("\(dir)/r.jpg")
        let part = try ImageReader.readRegion("\(dir)/r.jpg", x: 10, y: 20, width: 30, height: 15)
        #expect(part == whole.cropped(x: 10, y: 20, width: 30, height: 15))
    }

    /// A marker inside the entropy-coded data: libjpeg would fill the rest with gray and
    /// succeed; ImageIO reports the file as corrupt.
    @Test func damagedScanDataIsAnError() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try ImageWriter.writeJPEG(Fixtures.noise(width: 64, height: 64, channels: 3), to: "\(dir)/n.jpg")
        var bytes = try Fixtures.bytes("\(dir)/n.jpg")
        let middle = bytes.count / 2
        bytes[middle] = 0xFF; bytes[middle + 1] = 0xD9
        try Fixtures.write(bytes, "\(dir)/bad.jpg")
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/bad.jpg") }
        #expect(error.code == .corrupt && error.message.contains("Corrupt JPEG data"), "\(error)")
    }

    /// A progressive file whose first scan (with its Huffman table) is repeated 1,100 times: a
    /// time bomb, as every scan is a pass over the coefficients. Refused after 1,000 scans.
    @Test func endlessProgressiveScansAreRefused() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try ImageWriter.writeJPEG(Fixtures.smooth(width: 16, height: 16), to: "\(dir)/p.jpg", progressive: true)
        let bytes = try Fixtures.bytes("\(dir)/p.jpg")
        func isMarker(_ i: Int, _ code: UInt8) -> Bool { bytes[i] == 0xFF && bytes[i + 1] == code }
        let firstScan = try #require((0..<(bytes.count - 1)).first { isMarker($0, 0xDA) })
        let table = try #require((0..<firstScan).last { isMarker($0, 0xC4) })
        let scanHeader = Int(bytes[firstScan + 2]) << 8 | Int(bytes[firstScan + 3])
        let afterScan = try #require(((firstScan + 2 + scanHeader)..<(bytes.count - 1)).first {
            bytes[$0] == 0xFF && bytes[$0 + 1] != 0 && !(0xD0...0xD7).contains(bytes[$0 + 1])
        })
        let segment = Array(bytes[table..<afterScan])
        var bomb = Array(bytes[..<afterScan])
        for _ in 0..<1100 { bomb += segment }
        bomb += bytes[afterScan...]
        try Fixtures.write(bomb, "\(dir)/bomb.jpg")
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/bomb.jpg") }
        #expect(error.message.contains("more than 1000 progressive scans"), "\(error)")
    }
}
