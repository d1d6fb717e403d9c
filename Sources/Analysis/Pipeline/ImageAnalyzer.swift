import CellModel
import Foundation
import ImageIO
import Tensor

/// The per-image pipeline: an image file in, every white blood cell found, segmented and
/// classified out (`ImageAnalysis`), for `leuko analyze` and the daemon's workers.
///
/// decode (tile by tile for large images, see `TilePlan`) -> stain normalisation -> saliency
/// prior -> candidates (`FieldLocalizer`) -> a 128-px crop per candidate -> the network in
/// batches (calibrated class probabilities, nucleus/cytoplasm mask, Grad-CAM consistency) ->
/// masks mapped back to image pixels -> duplicates merged (`CellMerger`) -> contours, areas
/// and flags per cell (`CellFinding`), numbered in reading order. A field is normalised and
/// thresholded with its own statistics; a tiled slide with statistics estimated once for the
/// whole slide (`SlideCalibration`), applied per pixel through lookup tables.
///
/// Sharing: one analyzer may be used from several threads at once. Decoding and
/// localisation run concurrently; the network (whose layers keep per-call state) runs one
/// batch at a time under a lock. For parallel network work give each worker its own
/// analyzer built from its own `ModelFile`. It does not write any file (that is Reporting's).
///
/// Errors: `AnalysisError` — `unreadableInput` (with ImageIO's reason), `unsupportedImage` (e.g. smaller than 8 x 8),
/// `resourceExhausted` (the memory ceiling cannot hold one tile), `cancelled` (the calling
/// task was cancelled; checked between tiles and batches).
package final class ImageAnalyzer: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state reached from several threads is the
    // network inside `predictor`, and every use of it holds `networkLock`.
    package let settings: AnalyzerSettings
    package let model: ImageAnalysis.ModelIdentity
    package let softwareVersion: String
    package let localizer: FieldLocalizer
    private let predictor: CropPredictor
    private let networkLock = NSLock()

    /// Bytes the ceiling keeps for the process, the model and the network's batch
    /// activations before tiles are sized (measured: ~180 MB RSS after loading the model and
    /// one batch of 16 crops; rounded up).
    package static let reservedBytes = 320 << 20

    /// An analyzer running `model` (which must have a classification head), localising with
    /// `localizer` (default: the one the model was trained with, `FieldLocalizer(for:)`).
    package init(model: ModelFile, settings: AnalyzerSettings = AnalyzerSettings(), softwareVersion: String,
                 localizer: FieldLocalizer? = nil) throws {
        try settings.validate()
        guard model.network.classificationHead != nil else {
            throw AnalysisError(.invalidParameter, "the weights have no classification head: they cannot type cells")
        }
        self.settings = settings
        self.softwareVersion = softwareVersion
        self.localizer = localizer ?? FieldLocalizer(for: model)
        predictor = CropPredictor(network: model.network, temperature: model.temperature(views: settings.views), batchSize: settings.batchSize,
                                  views: settings.views)
        self.model = ImageAnalysis.ModelIdentity(
            name: model.metadata["model"] ?? ModelFile.modelName,
            version: model.metadata["version"] ?? "unversioned",
            weightsSHA256: model.sha256 ?? "")
    }

    /// Analyses the image file at `path`. `progress` is called after every tile of a tiled
    /// image (never for an image analysed in one piece), from the tile workers, one call at
    /// a time.
    package func analyze(path: String, progress: (@Sendable (AnalysisProgress) -> Void)? = nil) throws -> ImageAnalysis {
        let file: ImageSource
        do { file = try ImageSource(path: path) } catch let error as ImageIOError { throw AnalysisError(input: error) }
        return try analyze(file, progress: progress)
    }

    /// Analyses an open image file: every byte decoded and hashed is read through `file`'s
    /// descriptor (`ImageSource`), and the report names it `file.path`.
    package func analyze(_ file: ImageSource, progress: (@Sendable (AnalysisProgress) -> Void)? = nil) throws -> ImageAnalysis {
        try withThreads {
            let startedAt = Date()
            let clock = DispatchTime.now().uptimeNanoseconds
            var timer = StageTimer()
            let info: ImageInfo
            do { info = try ImageReader.info(file) } catch let error as ImageIOError { throw AnalysisError(input: error) }
            let sha256: String
            do { sha256 = try timer.time("hash") { try SHA256Digest.hex(of: file) } } catch {
                throw AnalysisError(input: ImageIOError(.unreadable, path: file.path, "cannot read the file to hash it: \(error)"))
            }
            let source = ImageAnalysis.Source(path: file.path, sha256: sha256, width: info.width, height: info.height,
                                              pixelSpacing: info.pixelSpacing, format: info.format.rawValue.uppercased())
            let found = try detect(file: file, info: info, timer: &timer, progress: progress, clock: clock)
            return finish(found, source: source, startedAt: startedAt, clock: clock, timer: &timer)
        }
    }

    /// Analyses an in-memory field (one piece, no tiling): `source` describes it in the
    /// report (its size must match the raster). For benchmarks and callers that decoded
    /// the image themselves.
    package func analyze(raster: RGBRaster, source: ImageAnalysis.Source) throws -> ImageAnalysis {
        precondition(raster.width == source.width && raster.height == source.height, "source size does not match the raster")
        return try withThreads {
            let startedAt = Date()
            let clock = DispatchTime.now().uptimeNanoseconds
            var timer = StageTimer()
            let scale = startScaleEstimate(raster, pixelSpacing: source.pixelSpacing)
            let cells = try cells(in: raster, originX: 0, originY: 0, imageWidth: raster.width,
                                  imageHeight: raster.height, claim: nil, timer: &timer)
            let found = Detection(cells: cells, overlayBase: raster, overlayScale: 1, pendingScale: scale)
            return finish(found, source: source, startedAt: startedAt, clock: clock, timer: &timer)
        }
    }

    /// What the detection stages hand to `finish`.
    struct Detection {
        var cells: [DetectedCell]
        var overlayBase: RGBRaster?
        var overlayScale: Double
        /// Analysed in tiles (a large image under the memory budget) rather than in one piece.
        var tiled = false
        /// The scale estimate started alongside the detection (`startScaleEstimate`), if any.
        var pendingScale: BackgroundResult<RedCellScale.Estimate?>? = nil
    }

    /// Starts the red-cell scale estimate of a field analysed in one piece on another thread,
    /// when it will be needed (no recorded pixel spacing) and more than one thread is allowed;
    /// nil otherwise (`finish` then estimates in turn).
    func startScaleEstimate(_ raster: RGBRaster, pixelSpacing: PixelSpacing?) -> BackgroundResult<RedCellScale.Estimate?>? {
        guard pixelSpacing == nil, settings.estimatesScale, Parallel.threadCount > 1 else { return nil }
        return BackgroundResult { RedCellScale().estimate(raster) }
    }

    private func finish(_ found: Detection, source: ImageAnalysis.Source, startedAt: Date, clock: UInt64,
                        timer: inout StageTimer) -> ImageAnalysis {
        var source = source
        // Fields analysed in one piece only: there the overlay base is the image itself. A
        // slide's overview is downsampled too far for red cells, and a full-resolution region
        // would add to the tiles' memory budget.
        if source.pixelSpacing == nil, settings.estimatesScale, !found.tiled, found.overlayScale == 1, let base = found.overlayBase,
           let estimate = timer.time("scale", { found.pendingScale?.value ?? RedCellScale().estimate(base) }) {
            source.pixelSpacing = PixelSpacing(x: estimate.micronsPerPixel, y: estimate.micronsPerPixel)
            source.scaleEstimate = estimate
        }
        let cells = timer.time("merge") { findings(from: found.cells, source: source) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        return ImageAnalysis(source: source, model: model, softwareVersion: softwareVersion, cells: cells,
                             overlayBase: found.overlayBase, overlayScale: found.overlayScale, startedAt: startedAt,
                             stageMilliseconds: timer.milliseconds, processingSeconds: seconds)
    }

    /// Runs the network on crops (one batch at a time, under the lock).
    func predict(_ crops: [[Float]]) throws -> [CropPrediction] {
        var out: [CropPrediction] = []
        out.reserveCapacity(crops.count)
        var start = 0
        while start < crops.count {
            if Task.isCancelled { throw AnalysisError(.cancelled, "the analysis was cancelled") }
            let batch = Array(crops[start..<min(crops.count, start + settings.batchSize)])
            out += networkLock.withLock { predictor.predict(batch) }
            start += batch.count
        }
        return out
    }

    private func withThreads<T>(_ body: () throws -> T) rethrows -> T {
        settings.threads > 0 ? try Parallel.withThreads(settings.threads, body) : try body()
    }
}
