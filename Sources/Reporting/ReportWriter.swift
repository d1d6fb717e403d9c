import Analysis
import Foundation
import ImageIO

/// Writes the report set of one `ImageAnalysis` into a folder: `report.json`, `overlay.png`,
/// `cells/NNN.png`, `report.html` (whichever `formats` names).
///
/// Nothing half-written is ever visible, by this procedure:
/// 1. the analysis is validated first (no file is touched when it cannot be reported);
/// 2. every file is written into a hidden staging folder beside the target
///    (`PARENT/.NAME.tmp-PID-N-R`), each one fsync'ed (`AtomicFile`);
/// 3. if the target does not exist (or is an empty folder), the staging folder is renamed to
///    it in one step and the parent is fsync'ed: readers see no report or the whole report;
/// 4. if the target already holds files (a rerun into the same folder), each staged file is
///    renamed over its namesake (each file is replaced atomically; `report.json` last), and
///    stale `cells/NNN.png` of an earlier run with more cells are removed when `cells` is
///    written. Other files in the folder are left alone.
/// On any error the staging folder is removed and a `ReportingError` is thrown; the target is
/// untouched unless step 4 had begun. A process killed mid-write can leave only the hidden
/// staging folder (dot-prefixed, which folder watchers ignore).
package struct ReportWriter: Sendable {
    package var formats: Set<ReportFormat>

    package init(formats: Set<ReportFormat> = ReportFormat.all) {
        self.formats = formats
    }

    /// Writes the chosen formats of `analysis` into `directory` (created with its parents).
    package func write(_ analysis: ImageAnalysis, to directory: URL) throws {
        try MeasurementReport.validate(analysis)
        let target = directory.standardizedFileURL.path
        let staging = try ReportStaging(target: target)
        do {
            let names = try writeFiles(analysis, into: staging.path)
            try staging.commit(files: names, replacingCells: formats.contains(.cells))
        } catch {
            staging.discard()
            throw Self.wrap(error, path: target)
        }
    }

    /// Writes each format into `folder`; returns the relative paths written, `report.json` last.
    func writeFiles(_ analysis: ImageAnalysis, into folder: String) throws -> [String] {
        var written: [String] = []
        var cellFiles: [Int: String] = [:]
        if formats.contains(.cells) {
            let cells = analysis.cells.filter { $0.images != nil }
            if !cells.isEmpty {
                try FileManager.default.createDirectory(atPath: folder + "/cells", withIntermediateDirectories: false)
            }
            for cell in cells {
                let name = Self.cellFileName(cell.number)
                try ImageWriter.writePNG(CellTileRenderer.render(cell), to: folder + "/" + name)
                cellFiles[cell.number] = name
                written.append(name)
            }
        }
        if formats.contains(.overlay) {
            try ImageWriter.writePNG(OverlayRenderer.render(analysis).image, to: folder + "/overlay.png")
            written.append("overlay.png")
        }
        if formats.contains(.html) {
            let page = HTMLReport(analysis: analysis, overlay: formats.contains(.overlay) ? "overlay.png" : nil,
                                  cellImages: cellFiles, reportJSON: formats.contains(.json) ? "report.json" : nil)
            try AtomicFile.write(Array(page.render().utf8), to: folder + "/report.html")
            written.append("report.html")
        }
        if formats.contains(.json) {
            try AtomicFile.write(MeasurementReport.json(for: analysis), to: folder + "/report.json")
            written.append("report.json")
        }
        return written
    }

    /// `cells/007.png` (at least three digits).
    package static func cellFileName(_ number: Int) -> String {
        let digits = String(number)
        return "cells/" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits + ".png"
    }

    static func wrap(_ error: Error, path: String) -> ReportingError {
        if let error = error as? ReportingError { return error }
        if let error = error as? ImageIOError { return ReportingError(.writeFailed, error.description) }
        return ReportingError(.writeFailed, path: path, "\(error)")
    }
}
