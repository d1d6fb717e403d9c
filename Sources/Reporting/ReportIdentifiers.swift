import Analysis
import Crypto
import Foundation

/// The DICOM UIDs of one report, all derived from the analysis (stable: the same analysis
/// always gets the same UIDs) under the UUID-derived root `2.25` (see `DicomUID`).
///
/// - study: one per source image (its content hash), so every report on the same image
///   shares a study with the image.
/// - source series/instance: the source image's own (minted: scanner PNG/TIFF/JPEG files have
///   no UIDs); the instance UID is `ImageAnalysis.Source.instanceUID`.
/// - series: one per (image, model weights, software version).
/// - instance: with `ImageAnalysis.reportKey` (the daemon's jobs), derived from that key alone,
///   so a job attempted again after a crash gets the same document identity; without it
///   (`leuko analyze`), it also depends on when the analysis started and how many cells it
///   found, so a rerun is a new document.
/// - device: the algorithm (weights hash, model name and version).
/// - cell `n`: the instance UID with `.n` appended (the tracking UID of measurement group n).
struct ReportIdentifiers: Sendable, Equatable {
    let studyUID: String
    let seriesUID: String
    let instanceUID: String
    let sourceSeriesUID: String
    let sourceInstanceUID: String
    let deviceUID: String

    init(_ analysis: ImageAnalysis) {
        let source = analysis.source.sha256
        let model = analysis.model
        let started = Int64((analysis.startedAt.timeIntervalSince1970 * 1000).rounded())
        studyUID = Self.uid("leuko/study/\(source)")
        sourceSeriesUID = Self.uid("leuko/source-series/\(source)")
        sourceInstanceUID = analysis.source.instanceUID
        seriesUID = Self.uid("leuko/sr-series/\(source)/\(model.weightsSHA256)/\(analysis.softwareVersion)")
        if let key = analysis.reportKey {
            instanceUID = Self.uid("leuko/sr-job/\(key)")
        } else {
            instanceUID = Self.uid("leuko/sr/\(source)/\(model.weightsSHA256)/\(analysis.softwareVersion)/\(started)/\(analysis.cells.count)")
        }
        deviceUID = Self.uid("leuko/device/\(model.weightsSHA256)/\(model.name)/\(model.version)")
    }

    /// The tracking UID of the measurement group of cell `number`.
    func cellUID(_ number: Int) -> String { DicomUID.child(of: instanceUID, index: number) }

    private static func uid(_ text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return DicomUID.fromDigest(hex: digest)
    }
}
