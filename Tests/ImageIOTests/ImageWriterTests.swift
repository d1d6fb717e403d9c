import Foundation
import Testing
@testable import ImageIO

@Suite struct ImageWriterTests {
    /// A write replaces the target whole and leaves no temporary behind; a failed write
    /// leaves the old file untouched.
    @Test func writesAreAtomic() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/out.tif"
        let first = Fixtures.noise(width: 20, height: 10, channels: 3, seed: 1)
        let second = Fixtures.noise(width: 30, height: 12, channels: 1, seed: 2)
        try ImageWriter.writeTIFF(first, to: path)
        try ImageWriter.writeTIFF(second, to: path)
        #expect(try ImageReader.read(path) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.tif"])

        let deep = Fixtures.noise(width: 4, height: 4, channels: 3, bitDepth: 16)
        let error = try #require(throws: ImageIOError.self) {
            try ImageWriter.writeTIFF(deep, to: path, options: TIFFWriteOptions(compression: .jpeg))
        }
        #expect(error.code == .invalidArgument)
        #expect(try ImageReader.read(path) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.tif"])

        let intoMissingFolder = try #require(throws: ImageIOError.self) {
            try ImageWriter.writePNG(first, to: "\(dir)/no/such/folder/x.png")
        }
        #expect(intoMissingFolder.code == .writeFailed)
    }

    /// A page source that returns the wrong block shape is an error, not a corrupt file.
    @Test func streamingSourceMustMatchItsPage() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let page = TIFFPageSource(width: 32, height: 32, channels: 3, bitDepth: 8) { _, _, _, _ in
            Fixtures.noise(width: 1, height: 1, channels: 3)
        }
        #expect(throws: ImageIOError.self) {
            try ImageWriter.writeTIFF(pages: [page], to: "\(dir)/bad.tif", options: TIFFWriteOptions())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(throws: ImageIOError.self) {
            try ImageWriter.writeTIFF(Fixtures.noise(width: 8, height: 8, channels: 3), to: "\(dir)/t.tif",
                                      options: TIFFWriteOptions(layout: .tiles(width: 20, height: 16)))
        }
    }

    /// Decoders share no state: many threads reading every format get the right pixels.
    @Test func concurrentReadsAgree() async throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let image = Fixtures.noise(width: 33, height: 21, channels: 3)
        try ImageWriter.writePNG(image, to: "\(dir)/a.png")
        try ImageWriter.writeBMP(image, to: "\(dir)/a.bmp")
        try ImageWriter.writeTIFF(image, to: "\(dir)/a.tif", options: TIFFWriteOptions(layout: .tiles(width: 16, height: 16)))
        try ImageWriter.writeJPEG(image, to: "\(dir)/a.jpg")
        let jpeg = try ImageReader.read("\(dir)/a.jpg")
        let paths = ["a.png", "a.bmp", "a.tif", "a.jpg"].map { "\(dir)/\($0)" }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                let path = paths[i % 4]
                group.addTask { try ImageReader.read(path) == (path.hasSuffix("jpg") ? jpeg : image) }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}
