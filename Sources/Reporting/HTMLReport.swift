import Analysis
import CellModel
import Foundation

/// `report.html`: the one page a technician reads. Self-contained (inline CSS, no script);
/// pictures are referenced relatively (`overlay.png`, `cells/NNN.png`) and only when they
/// were written. Sections: source, differential count (WBCs only), cells flagged for review,
/// the overlay, then the gallery grouped by type (network class order) with flagged cells
/// first, each card showing number, probability, runner-up and flags.
///
/// Every piece of text from the analysis (file names above all) goes through `HTMLText.escape`.
struct HTMLReport {
    let analysis: ImageAnalysis
    /// Relative path of the overlay, nil when not written.
    let overlay: String?
    /// Relative path of each cell's tile by cell number (only cells that have one).
    let cellImages: [Int: String]
    /// Relative path of report.json, nil when not written.
    let reportJSON: String?

    func render() -> String {
        let summary = ReportSummary(analysis)
        let name = URL(fileURLWithPath: analysis.source.path).lastPathComponent
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Leuko report: \(e(name))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <h1>White blood cell report</h1>
        <p class="status">Unverified: produced by software, to be reviewed by a qualified person.</p>

        """
        html += sourceSection(summary)
        html += differentialSection(summary)
        if let overlay {
            html += "<h2>Overlay</h2>\n<figure><a href=\"\(e(overlay))\"><img class=\"overlay\" src=\"\(e(overlay))\" alt=\"cells outlined and numbered on the image\"></a>"
            if abs(analysis.overlayScale - 1) > 1e-9 {
                html += "<figcaption>Downsampled to \(e(String(format: "%.3g", analysis.overlayScale * 100))) % of full resolution.</figcaption>"
            }
            html += "</figure>\n"
        }
        html += gallerySection()
        html += "</body>\n</html>\n"
        return html
    }

    /// The pixel size and where it comes from.
    static func pixelSpacingText(_ s: ImageAnalysis.Source) -> String {
        guard let spacing = s.pixelSpacing else { return "not recorded (areas in pixels)" }
        let value = String(format: "%.4g x %.4g µm", spacing.x, spacing.y)
        guard let estimate = s.scaleEstimate else { return value + " (recorded in the file)" }
        return value + String(format: ", estimated from %d red cells (typical diameter %.1f pixels taken as 7.5 µm): areas are estimates",
                              estimate.cells, estimate.medianDiameter)
    }

    private func sourceSection(_ summary: ReportSummary) -> String {
        let s = analysis.source
        var rows: [(String, String)] = [
            ("File", s.path),
            ("SHA-256", s.sha256),
            ("Format", s.format),
            ("Size", "\(s.width) x \(s.height) pixels"),
            ("Pixel spacing", Self.pixelSpacingText(s)),
            ("Model", "\(analysis.model.name) \(analysis.model.version)"),
            ("Leuko", analysis.softwareVersion),
            ("Started", summary.startedAt),
            ("Processing time", String(format: "%.2f s", analysis.processingSeconds)),
        ]
        if let reportJSON { rows.append(("DICOM SR", reportJSON)) }
        let body = rows.map { "<tr><th>\(e($0.0))</th><td>\(e($0.1))</td></tr>" }.joined(separator: "\n")
        return "<h2>Source</h2>\n<table class=\"source\">\n\(body)\n</table>\n"
    }

    private func differentialSection(_ summary: ReportSummary) -> String {
        var html = "<h2>Differential count</h2>\n<table class=\"differential\">\n"
        html += "<tr><th>Type</th><th>Count</th><th>%</th></tr>\n"
        for row in summary.differential {
            let cellClass = CellClass(rawValue: row.type)!
            html += "<tr><td><span class=\"swatch\" style=\"background:\(CellPalette.hex(cellClass))\"></span>"
            html += "\(e(CellPalette.displayName(cellClass)))</td><td>\(row.count)</td>"
            html += "<td>\(e(MeasurementReport.formatPercent(row.percent)))</td></tr>\n"
        }
        html += "<tr class=\"total\"><td>White blood cells counted</td><td>\(summary.wbcCounted)</td><td>\(summary.wbcCounted > 0 ? "100" : "0")</td></tr>\n"
        html += "</table>\n"
        html += "<p>\(summary.cellsDetected) cells detected; \(summary.cellsDetected - summary.wbcCounted) not counted (not a white blood cell).</p>\n"
        let flagged = summary.flaggedCells
        html += "<p class=\"flagged\"><strong>\(flagged) \(flagged == 1 ? "cell" : "cells") flagged for review</strong>"
        if !summary.flaggedCellNumbers.isEmpty {
            html += ": " + summary.flaggedCellNumbers.map { "#\($0)" }.joined(separator: ", ")
        }
        html += ".</p>\n"
        return html
    }

    /// Types in class order; within a type, flagged cells first, then by number.
    private func gallerySection() -> String {
        guard !analysis.cells.isEmpty else { return "<h2>Cells</h2>\n<p>No cells were found.</p>\n" }
        var html = "<h2>Cells</h2>\n"
        for cellClass in CellClass.allCases {
            let cells = analysis.cells.filter { $0.cellClass == cellClass }
                .sorted { ($0.flags.isEmpty ? 1 : 0, $0.number) < ($1.flags.isEmpty ? 1 : 0, $1.number) }
            guard !cells.isEmpty else { continue }
            html += "<h3><span class=\"swatch\" style=\"background:\(CellPalette.hex(cellClass))\"></span>"
            html += "\(e(CellPalette.displayName(cellClass))) (\(cells.count))</h3>\n<div class=\"gallery\">\n"
            for cell in cells { html += card(cell) }
            html += "</div>\n"
        }
        return html
    }

    private func card(_ cell: CellFinding) -> String {
        let colour = CellPalette.hex(cell.cellClass)
        var html = "<div class=\"card\(cell.flags.isEmpty ? "" : " flagged")\" style=\"border-color:\(colour)\">\n"
        if let image = cellImages[cell.number] {
            html += "<img src=\"\(e(image))\" alt=\"cell \(cell.number): crop, mask, Grad-CAM\">\n"
        }
        html += "<div class=\"caption\"><strong>#\(cell.number)</strong> \(e(CellPalette.displayName(cell.cellClass)))"
        html += " \(percent(cell.probability))</div>\n"
        if let runnerUp = cell.runnerUp {
            html += "<div>runner-up: \(e(CellPalette.displayName(runnerUp.cellClass))) \(percent(runnerUp.probability))</div>\n"
        }
        if let consistency = cell.consistency {
            html += "<div>consistency: \(percent(consistency))</div>\n"
        }
        if !cell.flags.isEmpty {
            html += "<div class=\"flags\">" + cell.flags.sorted().map { "<span class=\"flag\">\(e($0.rawValue))</span>" }.joined(separator: " ") + "</div>\n"
        }
        return html + "</div>\n"
    }

    private func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

    private func e(_ text: String) -> String { HTMLText.escape(text) }

    static let css = """
    body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1100px}
    h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em;border-bottom:1px solid #ccc}
    .status{color:#a40;font-weight:bold}
    table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
    table.source td{font-family:monospace;word-break:break-all}
    table.differential td:nth-child(n+2){text-align:right}
    tr.total td{font-weight:bold;border-top:2px solid #888}
    .swatch{display:inline-block;width:0.9em;height:0.9em;margin-right:0.4em;vertical-align:middle;border:1px solid #666}
    .flagged strong{color:#a40}
    img.overlay{max-width:100%;min-width:min(100%,600px);border:1px solid #999}
    .gallery{display:flex;flex-wrap:wrap;gap:10px}
    .card{border:3px solid;padding:4px;font-size:0.85em;width:400px}
    .card.flagged{background:#fff4e0}
    .card img{display:block;width:100%;image-rendering:pixelated}
    .flag{display:inline-block;background:#a40;color:#fff;padding:0 4px;margin:2px 2px 0 0;border-radius:3px}
    """
}

/// Escapes text for HTML element content and quoted attribute values.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
