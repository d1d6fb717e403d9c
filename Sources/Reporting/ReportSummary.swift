import Analysis
import CellModel
import Foundation

/// The numbers a lab reads first, computed once from an `ImageAnalysis`: the differential count
/// over white blood cells only (cells without `not_a_wbc`), the cells flagged for review and
/// the processing time. `report.json` carries the same numbers; `leuko analyze --json-summary`
/// prints this struct as JSON.
///
/// JSON keys (snake_case): `source` (path), `source_sha256`, `sop_instance_uid` (of
/// report.json), `model`, `model_version`, `software_version`, `started_at` (ISO 8601, UTC),
/// `cells_detected` (all cells, WBC or not), `wbc_counted` (cells in the differential),
/// `differential` (one entry per cell type in the network's class order: `type`, `count`,
/// `percent` of `wbc_counted`, rounded to 0.01, 0 when nothing was counted), `flagged_cells`
/// (cells with at least one flag), `flagged_cell_numbers`, `flag_counts` (every flag name ->
/// number of cells carrying it), `processing_seconds`, `stage_milliseconds`, and, from
/// `leuko analyze` only, `peak_rss_bytes` (the process's peak resident memory while this
/// image was analysed and its reports written).
package struct ReportSummary: Codable, Sendable, Equatable {
    /// One row of the differential count.
    package struct TypeCount: Codable, Sendable, Equatable {
        /// The cell type's report name (`CellClass.rawValue`).
        package var type: String
        package var count: Int
        /// Share of `wbc_counted` in percent, rounded to two decimals.
        package var percent: Double
    }

    package var source: String
    package var sourceSHA256: String
    package var sopInstanceUID: String
    package var model: String
    package var modelVersion: String
    package var softwareVersion: String
    package var startedAt: String
    package var cellsDetected: Int
    package var wbcCounted: Int
    package var differential: [TypeCount]
    package var flaggedCells: Int
    package var flaggedCellNumbers: [Int]
    package var flagCounts: [String: Int]
    package var processingSeconds: Double
    package var stageMilliseconds: [String: Double]
    /// Set by `leuko analyze` (nil, and left out of the JSON, elsewhere).
    package var peakResidentBytes: Int?
    /// µm per pixel (nil when neither recorded nor estimated), and whether it was estimated
    /// from the red cells rather than read from the file.
    package var micronsPerPixel: Double?
    package var scaleEstimated: Bool

    enum CodingKeys: String, CodingKey {
        case source
        case sourceSHA256 = "source_sha256"
        case sopInstanceUID = "sop_instance_uid"
        case model
        case modelVersion = "model_version"
        case softwareVersion = "software_version"
        case startedAt = "started_at"
        case cellsDetected = "cells_detected"
        case wbcCounted = "wbc_counted"
        case differential
        case flaggedCells = "flagged_cells"
        case flaggedCellNumbers = "flagged_cell_numbers"
        case flagCounts = "flag_counts"
        case processingSeconds = "processing_seconds"
        case stageMilliseconds = "stage_milliseconds"
        case peakResidentBytes = "peak_rss_bytes"
        case micronsPerPixel = "microns_per_pixel"
        case scaleEstimated = "scale_estimated"
    }

    /// The summary of `analysis`.
    package init(_ analysis: ImageAnalysis) {
        let counted = analysis.cells.filter(\.countsAsWBC)
        let total = counted.count
        differential = CellClass.allCases.map { cellClass in
            let count = counted.filter { $0.cellClass == cellClass }.count
            let percent = total > 0 ? (Double(count) * 10_000 / Double(total)).rounded() / 100 : 0
            return TypeCount(type: cellClass.rawValue, count: count, percent: percent)
        }
        let flagged = analysis.cells.filter { !$0.flags.isEmpty }
        source = analysis.source.path
        micronsPerPixel = analysis.source.pixelSpacing.map { ($0.x + $0.y) / 2 }
        scaleEstimated = analysis.source.scaleEstimate != nil
        sourceSHA256 = analysis.source.sha256
        sopInstanceUID = ReportIdentifiers(analysis).instanceUID
        model = analysis.model.name
        modelVersion = analysis.model.version
        softwareVersion = analysis.softwareVersion
        startedAt = ReportSummary.iso8601(analysis.startedAt)
        cellsDetected = analysis.cells.count
        wbcCounted = total
        flaggedCells = flagged.count
        flaggedCellNumbers = flagged.map(\.number).sorted()
        flagCounts = Dictionary(uniqueKeysWithValues: CellFlag.allCases.map { flag in
            (flag.rawValue, analysis.cells.filter { $0.flags.contains(flag) }.count)
        })
        processingSeconds = analysis.processingSeconds
        stageMilliseconds = analysis.stageMilliseconds
    }

    /// The row of one type.
    package func count(of cellClass: CellClass) -> TypeCount {
        differential.first { $0.type == cellClass.rawValue }!
    }

    /// Pretty-printed JSON with sorted keys and unescaped slashes (file paths stay readable).
    package func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw ReportingError(.invalidAnalysis, "the summary cannot be encoded as JSON: \(error)")
        }
    }

    /// `2026-11-27T16:05:19.250Z` (UTC, milliseconds).
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
