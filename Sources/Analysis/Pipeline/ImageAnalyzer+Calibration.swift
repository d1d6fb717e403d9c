import ImageIO

extension ImageAnalyzer {
    /// Slide-level statistics and the lookup tables built from them, shared by every tile.
    struct SlideStains: Sendable {
        let calibration: SlideCalibration
        let lookup: StainLookup
    }

    /// Side of one calibration sample region (pixels) and how many non-blank ones to pool.
    static let sampleSide = 512
    static let sampleRegions = 16

    /// Estimates the slide's stain matrix, white level and detection threshold once
    /// (`SlideCalibration`) from up to `sampleRegions` non-blank regions of `sampleSide`
    /// pixels spread evenly over the image: a 4 x 4 grid, then an 8 x 8 one if fewer than
    /// enough regions held stain (a slide that is mostly glass; at most 80 regions are
    /// read). Regions are aligned to the file's tiles when it has them, so each
    /// reads few of them. Nil when no sample held stain or the input is not 8/16-bit.
    func calibrate(path: String, whole: Image?, info: ImageInfo) throws -> SlideStains? {
        guard info.bitDepth == 8 || info.bitDepth == 16 else { return nil }
        let side = min(Self.sampleSide, info.width, info.height)
        var samples: [Image] = []
        var tried = Set<Int>()
        var grid = 4
        while samples.count < Self.sampleRegions, grid <= 8 {
            for gy in 0..<grid {
                for gx in 0..<grid where samples.count < Self.sampleRegions {
                    if Task.isCancelled { throw AnalysisError(.cancelled, "the analysis of \(path) was cancelled") }
                    var x = Int((Double(gx) + 0.5) / Double(grid) * Double(info.width)) - side / 2
                    var y = Int((Double(gy) + 0.5) / Double(grid) * Double(info.height)) - side / 2
                    if let tw = info.tileWidth, let th = info.tileHeight, tw > 0, th > 0, tw <= side, th <= side {
                        x = (x + tw / 2) / tw * tw; y = (y + th / 2) / th * th
                    }
                    x = min(max(0, x), info.width - side); y = min(max(0, y), info.height - side)
                    guard tried.insert(y * info.width + x).inserted else { continue }
                    let image = try whole.map { $0.cropped(x: x, y: y, width: side, height: side) }
                        ?? readSample(path, x: x, y: y, side: side)
                    if !TileScreen.isBlank(image) { samples.append(image) }
                }
            }
            grid *= 2
        }
        guard let calibration = SlideCalibration.estimate(samples: samples, localizer: localizer,
                                                          pixelSpacing: info.pixelSpacing) else { return nil }
        return SlideStains(calibration: calibration, lookup: StainLookup(calibration, bitDepth: info.bitDepth,
                                                                         reference: localizer.normalizer.reference))
    }

    private func readSample(_ path: String, x: Int, y: Int, side: Int) throws -> Image {
        do { return try ImageReader.readRegion(path, x: x, y: y, width: side, height: side) } catch let error as ImageIOError {
            throw AnalysisError(input: error)
        }
    }
}
