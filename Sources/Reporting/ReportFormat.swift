import Foundation

/// One file kind of the report set; `ReportWriter(formats:)` writes the chosen ones.
///
/// Raw values are the names `leuko analyze --format` accepts (comma-separated).
package enum ReportFormat: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `report.json`: the DICOM Comprehensive SR (TID 1500) in the DICOM JSON model.
    case json
    /// `overlay.png`: contours coloured by type and numbered, with a legend.
    case overlay
    /// `cells/NNN.png`: crop | mask | Grad-CAM per cell.
    case cells
    /// `report.html`: the page a technician reads; links the overlay and cell images when
    /// those are written too.
    case html

    /// Every format: what `leuko analyze` writes by default.
    package static let all: Set<ReportFormat> = Set(allCases)

    /// Parses a comma-separated list such as `json,html`; throws on an unknown name.
    package static func parseList(_ text: String) throws -> Set<ReportFormat> {
        var result: Set<ReportFormat> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let format = ReportFormat(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw ReportingError(.invalidOption, "unknown report format \"\(name)\" (known: \(known))")
            }
            result.insert(format)
        }
        return result
    }

    package static func < (a: ReportFormat, b: ReportFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
