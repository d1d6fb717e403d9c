import Foundation
import ImageIO

/// Everything `leuko analyze` learned about one input image: the source's identity, the cells,
/// the model that found them and how long it took. `Reporting` turns it into the report set.
package struct ImageAnalysis: Sendable {
    /// The input file as the report identifies it.
    package struct Source: Sendable, Equatable {
        /// Path as given on the command line or by the daemon.
        package var path: String
        /// SHA-256 of the file's bytes, lower-case hex.
        package var sha256: String
        /// Full-resolution size in pixels.
        package var width: Int
        package var height: Int
        /// Micrometres per pixel when the file says so.
        package var pixelSpacing: PixelSpacing?
        /// Set when `pixelSpacing` was not recorded in the file but estimated from the image's
        /// red cells (`RedCellScale`); areas in µm² are then estimates too.
        package var scaleEstimate: RedCellScale.Estimate?
        /// Container format name (as `leuko inspect` prints it), e.g. "TIFF", "PNG".
        package var format: String

        package init(path: String, sha256: String, width: Int, height: Int, pixelSpacing: PixelSpacing?, format: String) {
            self.path = path; self.sha256 = sha256; self.width = width; self.height = height
            self.pixelSpacing = pixelSpacing; self.format = format
        }

        /// A stable DICOM UID for the source image, derived from its content hash under the
        /// UUID-derived root `2.25` (PS3.5 B.2): the same bytes always get the same UID.
        package var instanceUID: String { DicomUID.fromDigest(hex: sha256) }
    }

    /// The model that produced the findings (the report's contributing equipment).
    package struct ModelIdentity: Sendable, Equatable {
        package var name: String
        package var version: String
        /// SHA-256 of the weights file.
        package var weightsSHA256: String

        package init(name: String, version: String, weightsSHA256: String) {
            self.name = name; self.version = version; self.weightsSHA256 = weightsSHA256
        }
    }

    package var source: Source
    package var model: ModelIdentity
    /// Leuko's own version (`leuko --version`).
    package var softwareVersion: String
    /// Cells in report order (numbered 1...n).
    package var cells: [CellFinding]
    /// The image the overlay is drawn on: the stain-normalised-free input, downsampled for
    /// large slides; `overlayScale` is its size over the full-resolution size (1 for fields).
    package var overlayBase: RGBRaster?
    package var overlayScale: Double
    /// When the analysis started, and how long each stage took in milliseconds
    /// (e.g. "decode", "normalize", "saliency", "candidates", "network", "postprocess").
    package var startedAt: Date
    package var stageMilliseconds: [String: Double]
    /// Total wall time in seconds.
    package var processingSeconds: Double
    /// The identity of the request this analysis answers when it is more than the image (the
    /// daemon's job and the input's content hash; see `ReportIdentity`). When set, the
    /// report's SOP Instance UID is derived from it alone, so every attempt of the same job
    /// yields the same document identity; nil for `leuko analyze`, where each run is new.
    package var reportKey: String?

    package init(source: Source, model: ModelIdentity, softwareVersion: String, cells: [CellFinding],
                 overlayBase: RGBRaster?, overlayScale: Double, startedAt: Date,
                 stageMilliseconds: [String: Double], processingSeconds: Double) {
        self.source = source; self.model = model; self.softwareVersion = softwareVersion
        self.cells = cells; self.overlayBase = overlayBase; self.overlayScale = overlayScale
        self.startedAt = startedAt; self.stageMilliseconds = stageMilliseconds
        self.processingSeconds = processingSeconds
    }
}
