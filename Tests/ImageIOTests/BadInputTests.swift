import Foundation
import Testing
@testable import ImageIO
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken input: every case must end in an `ImageIOError` with a message, never
/// a crash, a hang or an allocation beyond the limits.
@Suite struct BadInputTests {
    /// Valid files of every codec and layout, written by ImageIO (name, bytes).
    static func validFiles(_ dir: String) throws -> [(String, [UInt8])] {
        let rgb = Fixtures.smooth(width: 48, height: 40)
        var files: [(String, [UInt8])] = []
        func add(_ name: String, _ write: (String) throws -> Void) throws {
            let path = "\(dir)/\(name)"
            try write(path)
            files.append((name, try Fixtures.bytes(path)))
        }
        try add("plain.png") { try ImageWriter.writePNG(rgb, to: $0) }
        try add("interlaced16.png") { try ImageWriter.writePNG(Fixtures.noise(width: 20, height: 9, channels: 4, bitDepth: 16), to: $0, interlaced: true) }
        try add("baseline.jpg") { try ImageWriter.writeJPEG(rgb, to: $0) }
        try add("progressive.jpg") { try ImageWriter.writeJPEG(rgb, to: $0, progressive: true, orientation: 6) }
        try add("rgb.bmp") { try ImageWriter.writeBMP(rgb, to: $0) }
        try add("rgba.bmp") { try ImageWriter.writeBMP(Fixtures.noise(width: 9, height: 5, channels: 4), to: $0, topDown: true) }
        try add("strips.tif") { try ImageWriter.writeTIFF(rgb, to: $0, options: TIFFWriteOptions(layout: .strips(rowsPerStrip: 8), compression: .lzw)) }
        try add("tiles.tif") { try ImageWriter.writeTIFF(rgb, to: $0, options: TIFFWriteOptions(layout: .tiles(width: 16, height: 16), compression: .jpeg, bigTIFF: true)) }
        try add("deflate16.tif") { try ImageWriter.writeTIFF(Fixtures.noise(width: 20, height: 9, channels: 2, bitDepth: 16), to: $0, options: TIFFWriteOptions(compression: .deflate)) }
        return files
    }

    @Test func truncatedFilesFailOrDecodeExactly() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        for (name, bytes) in try Self.validFiles(dir) {
            let original = try ImageReader.read("\(dir)/\(name)")
            var cuts = Set(0..<min(64, bytes.count))
            for k in 1...40 { cuts.insert(bytes.count * k / 41) }
            for k in 1...8 { cuts.insert(bytes.count - k) }
            var failures = 0
            for cut in cuts.sorted() {
                let path = "\(dir)/cut-\(name)"
                try Fixtures.write(Array(bytes.prefix(cut)), path)
                do {
                    // Whatever survives a cut must be the original picture, never garbage.
                    let image = try ImageReader.read(path)
                    #expect(image == original, "\(name) cut at \(cut) decoded to different pixels")
                } catch let error as ImageIOError {
                    failures += 1
                    #expect(!error.message.isEmpty && error.path == path)
                    // Past the magic bytes a cut file is damaged (worth a retry), not "not an image".
                    if cut >= 8 { #expect(error.code == .corrupt, "\(name) cut at \(cut): \(error)") }
                }
            }
            // Cutting the pixel data of these files must be noticed at almost every cut.
            #expect(failures >= cuts.count - 8, "\(name): only \(failures) of \(cuts.count) cuts failed")
        }
    }

    @Test func randomBytesAndWrongMagic() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        var state: UInt64 = 42
        func random(_ n: Int) -> [UInt8] {
            (0..<n).map { _ in state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(state >> 56) }
        }
        let magics: [[UInt8]] = [[], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF],
                                 [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2B], [0x42, 0x4D]]
        for (i, magic) in magics.enumerated() {
            for size in [1, 30, 1000] {
                let path = "\(dir)/random\(i)-\(size)"
                try Fixtures.write(magic + random(size), path)
                #expect(throws: ImageIOError.self) { try ImageReader.read(path) }
                #expect(throws: ImageIOError.self) { try ImageReader.info(path) }
            }
        }
        try ImageWriter.writePNG(Fixtures.noise(width: 4, height: 4, channels: 3), to: "\(dir)/ok.png")
        var png = try Fixtures.bytes("\(dir)/ok.png")
        png[0] = 0x88
        try Fixtures.write(png, "\(dir)/wrong.png")
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/wrong.png") }
        #expect(error.code == .unknownFormat && error.message.contains("88 50 4E 47"))
    }

    /// Headers announcing 100,000 x 100,000 pixels (30 GB as RGB) in files of a few hundred
    /// bytes: `info` reports the size, `read` refuses before allocating anything.
    @Test func absurdDimensionsAreRefusedFromTheHeader() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let files = [("huge.png", HandMade.png(width: 100_000, height: 100_000)),
                     ("huge.bmp", HandMade.bmp(width: 100_000, height: 100_000)),
                     ("huge.tif", HandMade.tiff(width: 100_000, height: 100_000, rowsPerStrip: 100_000, compression: 8)),
                     ("huge.jpg", try HandMade.jpeg(width: 60_000, height: 60_000, dir: dir))]
        for (name, bytes) in files {
            #expect(bytes.count < 2000)
            let path = "\(dir)/\(name)"
            try Fixtures.write(bytes, path)
            let info = try ImageReader.info(path)
            #expect(info.width >= 60_000 && info.height >= 60_000, "\(name)")
            let error = try #require(throws: ImageIOError.self) { try ImageReader.read(path) }
            #expect(error.code == .tooLarge, "\(name): \(error)")
        }
        // A small region of the huge TIFF is refused too: its one strip holds 10^10 pixels.
        let region = try #require(throws: ImageIOError.self) {
            try ImageReader.readRegion("\(dir)/huge.tif", x: 0, y: 0, width: 10, height: 10)
        }
        #expect(region.code == .tooLarge && region.message.contains("strip"), "\(region)")
        // Over the dimension limit: even the header is refused.
        let tight = ImageLimits(maxDimension: 50_000)
        for name in ["huge.png", "huge.bmp", "huge.tif", "huge.jpg"] {
            let error = try #require(throws: ImageIOError.self) { try ImageReader.info("\(dir)/\(name)", limits: tight) }
            #expect(error.code == .tooLarge, "\(name): \(error)")
        }
        // A PNG announcing 2^31 - 1 pixels per side is refused before libpng sizes its rows.
        try Fixtures.write(HandMade.png(width: Int(Int32.max), height: 1), "\(dir)/wide.png")
        let wide = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/wide.png") }
        #expect(wide.code == .tooLarge, "\(wide)")
    }

    /// The audit's file: a tiny PNG (and BMP, JPEG) whose header claims 16000 x 16000 pixels,
    /// under the decode limit, is refused as corrupt from its size before the 768 MB buffer
    /// is allocated; a real image of the same format still decodes.
    @Test func aHeaderClaimingMoreThanTheFileCanHoldIsRefusedBeforeAllocating() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let files = [("claim.png", HandMade.png(width: 16_000, height: 16_000)),
                     ("claim.bmp", HandMade.bmp(width: 16_000, height: 16_000)),
                     ("claim.jpg", try HandMade.jpeg(width: 16_000, height: 16_000, dir: dir))]
        for (name, bytes) in files {
            #expect(bytes.count < 2000)
            let path = "\(dir)/\(name)"
            try Fixtures.write(bytes, path)
            let error = try #require(throws: ImageIOError.self) { try ImageReader.read(path) }
            // Corrupt, as a truncated file is (it may still be being written: the daemon fails
            // it for good once the file has settled).
            #expect(error.code == .corrupt && error.message.contains("can hold"), "\(name): \(error)")
        }
        // Honest files of every format are far inside the bound.
        let limits = ImageLimits.default
        for format in [ImageFormat.png, .jpeg, .bmp] {
            #expect(throws: Never.self) {
                try limits.checkFileCanHold(width: 4000, height: 3000, fileBytes: 50_000,
                                            pixelsPerByte: ImageLimits.maxPixelsPerByte[format]!, format: "\(format)", path: "x")
            }
        }
    }

    @Test func zeroSizeAndEmptyFiles() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let files = [("zero.png", HandMade.png(width: 0, height: 10)),
                     ("zero.bmp", HandMade.bmp(width: 10, height: 0)),
                     ("zero.tif", HandMade.tiff(width: 0, height: 0, rowsPerStrip: 1)),
                     ("empty.png", [])]
        for (name, bytes) in files {
            let path = "\(dir)/\(name)"
            try Fixtures.write(bytes, path)
            let error = try #require(throws: ImageIOError.self) { try ImageReader.read(path) }
            #expect([.corrupt, .unknownFormat].contains(error.code), "\(name): \(error)")
            #expect(throws: ImageIOError.self) { try ImageReader.info(path) }
        }
    }

    @Test func directoryFIFOAndMissingFile() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let asDirectory = try #require(throws: ImageIOError.self) { try ImageReader.read(dir) }
        #expect(asDirectory.code == .notARegularFile && asDirectory.message.contains("directory"))
        let fifo = "\(dir)/pipe.png"
        #expect(mkfifo(fifo, 0o600) == 0)
        // No writer ever opens the FIFO: a blocking open would hang here forever.
        let asFIFO = try #require(throws: ImageIOError.self) { try ImageReader.read(fifo) }
        #expect(asFIFO.code == .notARegularFile && asFIFO.message.contains("FIFO"))
        #expect(throws: ImageIOError.self) { try ImageReader.info(fifo) }
        let missing = try #require(throws: ImageIOError.self) { try ImageReader.read("\(dir)/nothing.tif") }
        #expect(missing.code == .notFound)
    }
}
