import Foundation
import ImageIO
import Tensor

extension ImageAnalyzer {
    /// Decodes and analyses the file in the pieces of a `TilePlan`: one piece for a field,
    /// tiles with overlap margins for a large image, each tile's memory freed before the next.
    /// A tiled image is calibrated once (`calibrate`: slide-level stains, white level and
    /// threshold); each tile is then scanned through the lookup tables and only windows
    /// around pixels above the threshold are localised, so tiles without nuclei (glass, red
    /// cells only) cost a decode and a scan. Without a calibration (no stained sample) each
    /// tile's stained part is localised as a field.
    func detect(file: ImageSource, info: ImageInfo, timer: inout StageTimer,
                progress: (@Sendable (AnalysisProgress) -> Void)?, clock: UInt64) throws -> Detection {
        let plan = try plan(for: info)
        if plan.isSingleTile {
            let image = try timer.time("decode") { try read { try ImageReader.read(file) } }
            let raster = timer.time("decode") { RGBRaster(image: image) }
            let scale = startScaleEstimate(raster, pixelSpacing: info.pixelSpacing)
            let cells = try cells(in: raster, originX: 0, originY: 0, imageWidth: raster.width, imageHeight: raster.height,
                                  claim: nil, timer: &timer)
            return Detection(cells: cells, overlayBase: raster, overlayScale: 1, pendingScale: scale)
        }
        // Formats without random access are decoded once and cut in memory.
        let whole: Image? = info.format == .tiff ? nil : try timer.time("decode") { try read { try ImageReader.read(file) } }
        let stains = try timer.time("calibrate") { try calibrate(file: file, whole: whole, info: info) }
        let run = TileRun(tiles: plan.tiles.count, overlay: OverlayAccumulator(
            imageWidth: info.width, imageHeight: info.height, maxSide: settings.overlayMaxSide),
            cellBudget: settings.memoryLimitBytes / 8)
        let threads = Parallel.threadCount
        let workers = max(1, min(tileWorkers, plan.tiles.count))
        // One worker runs on the calling thread (it sees the task's cancellation and tells the
        // others through `run`); the task-local thread count is passed on explicitly.
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            Parallel.withThreads(threads) {
                var local = StageTimer()
                while let index = run.next() {
                    if Task.isCancelled { run.fail(AnalysisError(.cancelled, "the analysis of \(file.path) was cancelled")); break }
                    do {
                        let tile = plan.tiles[index]
                        let found = try analyzeTile(tile, file: file, whole: whole, info: info, stains: stains, run: run,
                                                    timer: &local)
                        run.finish(found, clock: clock, progress: progress)
                        ProcessMemory.releaseFreedMemory()
                    } catch {
                        run.fail(error)
                    }
                }
                run.addTimes(local)
            }
        }
        if let error = run.error { throw error }
        timer.add(run.timer)
        let overlay = run.overlay
        // The tiles' working memory is free now: the unpacked masks may use it.
        let side = min(settings.overlayMaxSide, max(info.width, info.height))
        let decoded = whole.map { $0.width * $0.height * $0.channels * $0.bitDepth / 8 } ?? 0
        let cells = try run.cells(unpackBudget: settings.memoryLimitBytes - Self.reservedBytes - decoded - side * side * 28
                                                - run.keptCellBytes)
        let base = timer.time("overlay") { overlay.raster() }
        return Detection(cells: cells, overlayBase: base, overlayScale: overlay.scale, tiled: true)
    }

    /// How an image of `info`'s size is cut under the memory ceiling.
    package func plan(for info: ImageInfo) throws -> TilePlan {
        let decoded = info.format == .tiff ? 0 : info.width * info.height * info.channels * info.bitDepth / 8
        return try plan(width: info.width, height: info.height, decodedBytes: decoded)
    }

    /// The plan for a `width x height` image: the ceiling less `reservedBytes`, less
    /// `decodedBytes` (a whole decoded copy, for formats without random access; 0 for TIFF),
    /// less a budget for kept cells: masks and gallery images (1/8 of the ceiling, see
    /// `TileRun.admit`) and, when tiled, the overlay.
    package func plan(width: Int, height: Int, decodedBytes: Int) throws -> TilePlan {
        let limit = settings.memoryLimitBytes
        let working = limit - Self.reservedBytes - decodedBytes - limit / 8
        let single = try? TilePlan(width: width, height: height, maxTileSize: settings.maxTileSize,
                                   margin: settings.tileMargin, budgetBytes: working)
        if let single, single.isSingleTile { return single }
        let side = min(settings.overlayMaxSide, max(width, height))
        let tiles = working - side * side * 28   // overlay accumulator (16 B) and raster (12 B) per pixel
        guard tiles > 0 else {
            throw AnalysisError(.resourceExhausted, "the memory limit of \(limit >> 20) MB cannot hold this \(width) x \(height) image's overlay and one tile")
        }
        return try TilePlan(width: width, height: height, maxTileSize: settings.maxTileSize,
                            margin: settings.tileMargin, budgetBytes: tiles, parallelTiles: tileWorkers)
    }

    /// Tiles analysed at once: the thread setting (or all cores).
    var tileWorkers: Int { settings.threads > 0 ? settings.threads : Parallel.threadCount }

    /// Decodes one tile, adds its core to the overlay, and analyses it unless blank (nil).
    /// With slide-level `stains`, only the windows around pixels above the slide's threshold
    /// are localised (`TileWindows`); without (no calibration was possible), the tile's
    /// stained part is localised as a field.
    private func analyzeTile(_ tile: TilePlan.Tile, file: ImageSource, whole: Image?, info: ImageInfo, stains: SlideStains?,
                             run: TileRun, timer: inout StageTimer) throws -> [StoredCell]? {
        let r = tile.read
        let image = try timer.time("decode") {
            try whole.map { $0.cropped(x: r.x, y: r.y, width: r.width, height: r.height) }
                ?? read { try ImageReader.readRegion(file, x: r.x, y: r.y, width: r.width, height: r.height) }
        }
        timer.time("overlay") { run.addToOverlay(image, originX: r.x, originY: r.y, core: tile.core) }
        let found: [DetectedCell]?
        if let stains, image.bitDepth == stains.lookup.bitDepth {
            found = try windowCells(image, tile: tile, info: info, stains: stains, run: run, timer: &timer)
        } else {
            found = try stainedPartCells(image, tile: tile, info: info, run: run, timer: &timer)
        }
        guard let found else { return nil }
        return try run.admit(found)
    }

    /// The cells of a tile under slide-level statistics; nil when no pixel reaches the
    /// threshold (blank for this purpose).
    private func windowCells(_ image: Image, tile: TilePlan.Tile, info: ImageInfo, stains: SlideStains, run: TileRun,
                             timer: inout StageTimer) throws -> [DetectedCell]? {
        let r = tile.read
        let hot = timer.time("screen") {
            stains.lookup.hotBlocks(image, threshold: stains.calibration.hotThreshold(localizer.detector.parameters))
        }
        let slack = settings.seamSlack
        let keep = TilePlan.Rect(x: tile.core.x - slack - r.x, y: tile.core.y - slack - r.y,
                                 width: tile.core.width + 2 * slack, height: tile.core.height + 2 * slack)
        let windows = TileWindows.windows(hot, keep: keep)
        guard !windows.isEmpty else { return nil }
        var found: [DetectedCell] = []
        for w in windows {
            if Task.isCancelled { throw AnalysisError(.cancelled, "the analysis was cancelled") }
            let result = localizer.run(window: w, of: image, lookup: stains.lookup, calibration: stains.calibration,
                                       timer: &timer)
            found += try cells(from: result, originX: r.x + w.x, originY: r.y + w.y, imageWidth: info.width,
                               imageHeight: info.height, claim: tile.core, registry: run, timer: &timer)
        }
        return found
    }

    /// The cells of a tile localised as a field with its own statistics (no slide
    /// calibration): the stained part of the tile (grown by the margin); nil when blank.
    private func stainedPartCells(_ image: Image, tile: TilePlan.Tile, info: ImageInfo, run: TileRun,
                                  timer: inout StageTimer) throws -> [DetectedCell]? {
        let r = tile.read
        // A claimed cell's nucleus lies around its centre, inside the core grown by the slack:
        // a tile with no stain there is skipped; otherwise only the stained part of the tile
        // (grown by the margin) is analysed, so sparse slides cost little.
        let grow = settings.seamSlack + 8
        let screen = TilePlan.Rect(x: max(r.x, tile.core.x - grow), y: max(r.y, tile.core.y - grow), width: 0, height: 0)
        let screenRect = TilePlan.Rect(
            x: screen.x - r.x, y: screen.y - r.y,
            width: min(r.x + r.width, tile.core.x + tile.core.width + grow) - screen.x,
            height: min(r.y + r.height, tile.core.y + tile.core.height + grow) - screen.y)
        guard let stained = timer.time("screen", {
            TileScreen.isBlank(image, within: screenRect) ? nil : TileScreen.stainedBounds(image)
        }) else { return nil }
        let m = settings.tileMargin
        let sx0 = max(0, stained.x - m), sy0 = max(0, stained.y - m)
        let sx1 = min(image.width, stained.x + stained.width + m), sy1 = min(image.height, stained.y + stained.height + m)
        let part = sx0 == 0 && sy0 == 0 && sx1 == image.width && sy1 == image.height
            ? image : image.cropped(x: sx0, y: sy0, width: sx1 - sx0, height: sy1 - sy0)
        let raster = timer.time("decode") { RGBRaster(image: part) }
        return try cells(in: raster, originX: r.x + sx0, originY: r.y + sy0, imageWidth: info.width,
                         imageHeight: info.height, claim: tile.core, registry: run, timer: &timer)
    }

    /// Runs an ImageIO call, turning its error into `AnalysisError.unreadableInput`.
    private func read<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ImageIOError { throw AnalysisError(input: error) }
    }
}
