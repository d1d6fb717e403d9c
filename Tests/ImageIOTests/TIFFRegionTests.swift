import Testing
@testable import ImageIO

@Suite struct TIFFRegionTests {
    /// A generated 4096 x 4096 JPEG-tiled TIFF: regions (inside one tile, across tiles, at the
    /// right and bottom edges, a single pixel) equal the same rectangle of the whole-image read.
    @Test func regionOfLargeTiledTIFFEqualsWholeRead() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/large.tif"
        try SyntheticSlide.writeTIFF(to: path, width: 4096, height: 4096,
                                     options: TIFFWriteOptions(layout: .tiles(width: 256, height: 256), compression: .jpeg,
                                                               jpegQuality: 80, bigTIFF: true))
        let whole = try ImageReader.read(path)
        #expect(whole.width == 4096 && whole.height == 4096 && whole.channels == 3)
        let regions = [(0, 0, 256, 256), (100, 200, 50, 60), (200, 250, 700, 513), (3900, 4000, 196, 96),
                       (4095, 4095, 1, 1), (1234, 0, 1, 4096), (0, 2047, 4096, 2)]
        for (x, y, w, h) in regions {
            let part = try ImageReader.readRegion(path, x: x, y: y, width: w, height: h)
            #expect(part == whole.cropped(x: x, y: y, width: w, height: h), "region \(x),\(y) \(w)x\(h)")
        }
        // A region needing more pixels than the limit is refused even though the file is fine.
        let small = ImageLimits(maxPixels: 256 * 256)
        #expect(throws: ImageIOError.self) { try ImageReader.readRegion(path, x: 0, y: 0, width: 512, height: 512, limits: small) }
        #expect(try ImageReader.readRegion(path, x: 3000, y: 3000, width: 256, height: 256, limits: small)
                == whole.cropped(x: 3000, y: 3000, width: 256, height: 256))
        #expect(throws: ImageIOError.self) { try ImageReader.read(path, limits: small) }
    }

    /// Lossless strips and tiles: the region equals the generator's own pixels exactly.
    @Test(arguments: [TIFFWriteOptions.Layout.strips(rowsPerStrip: 37), .tiles(width: 64, height: 48)])
    func regionsMatchTheGeneratorExactly(layout: TIFFWriteOptions.Layout) throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        let path = "\(dir)/exact.tif"
        try SyntheticSlide.writeTIFF(to: path, width: 1000, height: 700,
                                     options: TIFFWriteOptions(layout: layout, compression: .deflate))
        #expect(try ImageReader.read(path) == SyntheticSlide.region(x: 0, y: 0, width: 1000, height: 700))
        for (x, y, w, h) in [(0, 0, 1, 1), (63, 47, 2, 2), (990, 600, 10, 100), (333, 111, 444, 555)] {
            #expect(try ImageReader.readRegion(path, x: x, y: y, width: w, height: h)
                    == SyntheticSlide.region(x: x, y: y, width: w, height: h))
        }
        for (x, y, w, h) in [(-1, 0, 5, 5), (0, 0, 1001, 1), (999, 699, 2, 1), (0, 0, 0, 5)] {
            #expect(throws: ImageIOError.self) { try ImageReader.readRegion(path, x: x, y: y, width: w, height: h) }
        }
    }
}
