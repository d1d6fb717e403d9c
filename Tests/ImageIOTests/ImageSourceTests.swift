import Foundation
import Testing
@testable import ImageIO

/// An `ImageSource` reads the file it opened, through its own descriptor, whatever happens to
/// the name; TIFF handles read it positionally, so they can share it.
@Suite struct ImageSourceTests {
    static func gradient(_ side: Int, seed: Int) -> Image {
        Image(width: side, height: side, channels: 3,
              samples: (0..<side * side * 3).map { UInt8(truncatingIfNeeded: $0 * 7 + seed * 31 + $0 / 97) })
    }

    @Test(arguments: ["png", "tif"])
    func readsTheOpenedFileAfterItsNameIsReplaced(format: String) throws {
        let dir = try Fixtures.scratch("readsTheOpenedFile-\(format)")
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/slide.\(format)", other = "\(dir)/other.\(format)"
        let original = Self.gradient(64, seed: 1), replacement = Self.gradient(64, seed: 2)
        func write(_ image: Image, _ to: String) throws {
            if format == "png" { try ImageWriter.writePNG(image, to: to) } else { try ImageWriter.writeTIFF(image, to: to) }
        }
        try write(original, path)
        try write(replacement, other)
        let opened = open(path, O_RDONLY)
        defer { close(opened) }
        let source = try ImageSource(descriptor: opened, name: "/inbox/slide.\(format)")
        #expect(rename(other, path) == 0)
        #expect(try ImageReader.read(path) == replacement, "the name now names another file")
        #expect(try ImageReader.read(source) == original, "the source still reads the file it opened")
        #expect(try ImageReader.readRegion(source, x: 8, y: 8, width: 16, height: 16) == original.cropped(x: 8, y: 8, width: 16, height: 16))
        #expect(try ImageReader.info(source).path == "/inbox/slide.\(format)", "named as given, not /proc/self/fd")
    }

    @Test func errorsNameTheSourceAsGiven() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try Fixtures.write(Array("not an image".utf8), "\(dir)/notes.tif")
        let fd = open("\(dir)/notes.tif", O_RDONLY)
        let source = try ImageSource(descriptor: fd, name: "/inbox/notes.tif")
        close(fd)  // the source holds its own duplicate
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read(source) }
        #expect(error.code == .unknownFormat && error.path == "/inbox/notes.tif" && error.description.hasPrefix("/inbox/notes.tif: "))
    }

    @Test func tiffRegionsReadAtOnceFromOneSourceMatchReadsOneByOne() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/tiled.tif"
        let image = Self.gradient(256, seed: 3)
        try ImageWriter.writeTIFF(image, to: path, options: TIFFWriteOptions(layout: .tiles(width: 32, height: 32), compression: .deflate))
        let source = try ImageSource(path: path)
        let origins = (0..<16).map { (($0 % 4) * 50, ($0 / 4) * 50) }
        let results = LockedResults(count: origins.count)
        DispatchQueue.concurrentPerform(iterations: origins.count) { i in
            results.set(i, Result { try ImageReader.readRegion(source, x: origins[i].0, y: origins[i].1, width: 70, height: 70) })
        }
        for (i, origin) in origins.enumerated() {
            #expect(try results.get(i).get() == image.cropped(x: origin.0, y: origin.1, width: 70, height: 70), "region \(i)")
        }
    }

    @Test func theHeaderIsReadOnce() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/field.png"
        try ImageWriter.writePNG(Self.gradient(32, seed: 4), to: path)
        let source = try ImageSource(path: path)
        let first = try ImageReader.info(source)
        // The same file (same inode) overwritten in place: a second header read would fail.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(repeating: 0, count: 64))
        try handle.close()
        #expect(try ImageReader.info(source) == first)
    }

    @Test func aFewHundredTIFFBytesDeclaringAHugeImageAreRefusedBeforeAllocating() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/claims.tif"
        try Fixtures.write(HandMade.tiff(width: 16_000, height: 16_000, rowsPerStrip: 16_000, compression: 1), path)
        let info = try ImageReader.info(path)
        #expect(info.width == 16_000, "the header is reported as it is")
        let error = try #require(throws: ImageIOError.self) { try ImageReader.read(path) }
        #expect(error.code == .corrupt && error.message.contains("more than a") && error.message.contains("TIFF file can hold"), "\(error)")
    }
}

/// Results of concurrent work, one slot each.
private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Image, any Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<Image, any Error>) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> Result<Image, any Error> { lock.withLock { slots[i]! } }
}
