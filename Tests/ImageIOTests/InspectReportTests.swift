import Foundation
import Testing
@testable import ImageIO

/// The facts `leuko inspect` prints, checked line by line on files the tests generate.
@Suite struct InspectReportTests {
    @Test func bmp() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var image = Fixtures.noise(width: 120, height: 118, channels: 3)
        image.pixelSpacing = PixelSpacing(x: 0.5, y: 0.5)
        try ImageWriter.writeBMP(image, to: "\(dir)/cell.bmp")
        let report = InspectReport.make(path: "\(dir)/cell.bmp", decode: true)
        #expect(report.text == """
            \(dir)/cell.bmp
              format: BMP (bottom-up)
              size: 120 x 118
              channels: 3 (rgb)
              bit depth: 8
              compression: none
              pixel spacing: 0.5 x 0.5 µm/px
              pages: 1
              decoded: 14160 pixels in 1 page ok
            """)
    }

    @Test func jpegWithOrientation() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try ImageWriter.writeJPEG(Fixtures.smooth(width: 64, height: 40), to: "\(dir)/field.jpg", progressive: true, orientation: 6)
        let report = InspectReport.make(path: "\(dir)/field.jpg", decode: false)
        #expect(report.text == """
            \(dir)/field.jpg
              format: JPEG
              size: 40 x 64
              channels: 3 (rgb)
              bit depth: 8
              compression: progressive
              orientation: EXIF 6 (applied)
              pixel spacing: not recorded
              pages: 1
            """)
        #expect(report.decoded == nil)
    }

    @Test func tiledBigTIFFPyramid() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var full = Fixtures.smooth(width: 512, height: 384)
        full.pixelSpacing = PixelSpacing(x: 0.25, y: 0.25)
        var half = Fixtures.smooth(width: 256, height: 192)
        half.pixelSpacing = PixelSpacing(x: 0.5, y: 0.5)
        try ImageWriter.writeTIFF(pages: [full, half], to: "\(dir)/slide.tif",
                                  options: TIFFWriteOptions(layout: .tiles(width: 128, height: 64), compression: .jpeg, bigTIFF: true))
        let report = InspectReport.make(path: "\(dir)/slide.tif", decode: true)
        #expect(report.text == """
            \(dir)/slide.tif
              format: TIFF (BigTIFF)
              size: 512 x 384
              channels: 3 (rgb)
              bit depth: 8
              compression: jpeg
              layout: tiles 128 x 64
              pixel spacing: 0.25 x 0.25 µm/px
              pages: 2
                page 0: 512 x 384, jpeg, tiles 128 x 64, full resolution (read by default)
                page 1: 256 x 192, jpeg, tiles 128 x 64, reduced
              decoded: 245760 pixels in 2 pages ok
            """)
        // JSON for machines carries the same facts.
        let json = try JSONEncoder().encode(report)
        let back = try JSONDecoder().decode(InspectReport.self, from: json)
        #expect(back == report && back.info?.bigTIFF == true && back.info?.tileWidth == 128)

        let region = InspectReport.make(path: "\(dir)/slide.tif", decode: false, region: [100, 50, 300, 200])
        #expect(region.text.hasSuffix("  decoded: region 100,50 300 x 200 ok"))
    }

    @Test func failuresAreReportedNotThrown() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(Array("hello".utf8), "\(dir)/note.txt")
        let report = InspectReport.make(path: "\(dir)/note.txt", decode: true)
        #expect(!report.ok && report.errorCode == .unknownFormat && report.info == nil)
        #expect(report.text == "\(dir)/note.txt\n  error: \(dir)/note.txt: not a TIFF, PNG, JPEG or BMP file (starts with 68 65 6C 6C 6F)")

        // A good header over a damaged body: only --decode finds it.
        try ImageWriter.writeTIFF(Fixtures.noise(width: 64, height: 64, channels: 3), to: "\(dir)/body.tif",
                                  options: TIFFWriteOptions(layout: .strips(rowsPerStrip: 16), compression: .deflate))
        var bytes = try Fixtures.bytes("\(dir)/body.tif")
        for i in 200..<400 { bytes[i] = 0 }
        try Fixtures.write(bytes, "\(dir)/body.tif")
        #expect(InspectReport.make(path: "\(dir)/body.tif", decode: false).ok)
        let decoded = InspectReport.make(path: "\(dir)/body.tif", decode: true)
        #expect(!decoded.ok && decoded.errorCode == .corrupt)
    }
}
