import ImageIO

extension ImageAnalyzer {
    /// Slide-level statistics and the lookup tables built from them, shared by every tile.
    struct SlideStains: Sendable {
        let calibration: SlideCalibration
        let lookup: StainLookup
    }

    /// Side of one calibration sample region (pixels).
    static let sampleSide = 512

    /// How many non-blank sample regions to pool for an image of `pixels`: one per 4 Mpx
    /// (~4 WBCs at a smear's usual one per megapixel), at least 16, at most 48 (~12.6 Mpx,
    /// under ~300 MB of working memory while calibrating).
    static func sampleRegions(pixels: Int) -> Int { min(48, max(16, pixels / (4 << 20))) }

    /// Estimates the slide's stain matrix, white level and detection threshold once
    /// (`SlideCalibration`) from up to `sampleRegions` non-blank regions of `sampleSide`
    /// pixels spread evenly over the image: the points of a grid with about that many
    /// points, visited in a strided order (so a partial visit still spreads), then a grid
    /// twice as fine if too few held stain (a slide that is mostly glass; at most 5 x
    /// `sampleRegions` regions are read). Regions are aligned to the file's tiles when it has
    /// them, so each reads few of them. Nil when no sample held stain or the input is not
    /// 8/16-bit.
    func calibrate(file: ImageSource, whole: Image?, info: ImageInfo) throws -> SlideStains? {
        guard info.bitDepth == 8 || info.bitDepth == 16 else { return nil }
        let side = min(Self.sampleSide, info.width, info.height)
        let wanted = Self.sampleRegions(pixels: info.width * info.height)
        var samples: [Image] = []
        var tried = Set<Int>()
        var grid = Int(Double(wanted).squareRoot().rounded(.up))
        for _ in 0..<2 where samples.count < wanted {
            let n = grid * grid
            let step = Self.coprimeStep(n)
            for k in 0..<n where samples.count < wanted {
                if Task.isCancelled { throw AnalysisError(.cancelled, "the analysis of \(file.path) was cancelled") }
                let point = (k * step) % n
                let (gx, gy) = (point % grid, point / grid)
                var x = Int((Double(gx) + 0.5) / Double(grid) * Double(info.width)) - side / 2
                var y = Int((Double(gy) + 0.5) / Double(grid) * Double(info.height)) - side / 2
                if let tw = info.tileWidth, let th = info.tileHeight, tw > 0, th > 0, tw <= side, th <= side {
                    x = (x + tw / 2) / tw * tw; y = (y + th / 2) / th * th
                }
                x = min(max(0, x), info.width - side); y = min(max(0, y), info.height - side)
                guard tried.insert(y * info.width + x).inserted else { continue }
                let image = try whole.map { $0.cropped(x: x, y: y, width: side, height: side) }
                    ?? readSample(file, x: x, y: y, side: side)
                if !TileScreen.isBlank(image) { samples.append(image) }
            }
            grid *= 2
        }
        guard let calibration = SlideCalibration.estimate(samples: samples, localizer: localizer,
                                                          pixelSpacing: info.pixelSpacing) else { return nil }
        return SlideStains(calibration: calibration, lookup: StainLookup(calibration, bitDepth: info.bitDepth,
                                                                         normalizer: localizer.normalizer))
    }

    /// A step near 0.618 n that shares no factor with n, so k -> k * step mod n visits
    /// every point once, each next one far from the last.
    static func coprimeStep(_ n: Int) -> Int {
        guard n > 2 else { return 1 }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        var step = max(1, Int(0.618 * Double(n)))
        while gcd(step, n) != 1 { step += 1 }
        return step
    }

    private func readSample(_ file: ImageSource, x: Int, y: Int, side: Int) throws -> Image {
        do { return try ImageReader.readRegion(file, x: x, y: y, width: side, height: side) } catch let error as ImageIOError {
            throw AnalysisError(input: error)
        }
    }
}
