import Analysis
import Foundation
import ImageIO

/// A report set written in full into a hidden staging folder, not yet visible: the daemon's
/// worker checks that its job is still its own before `publish` makes it visible under a
/// folder of its own (`ReportPublication`), or throws it away with `discard`.
package struct StagedReport: Sendable {
    let staging: ReportStaging
    /// Where the report would go first (`ReportPublication`'s `BASE`).
    package let base: String
    /// The hidden folder holding the staged files (to set permissions before publishing).
    package var path: String { staging.path }

    /// Makes the report visible under the first free name of `base`'s sequence; returns it.
    /// On failure the staging folder is removed.
    package func publish() throws -> String {
        do {
            try ReportStaging.syncDirectory(staging.path)
            if FileManager.default.fileExists(atPath: staging.path + "/cells") {
                try ReportStaging.syncDirectory(staging.path + "/cells")
            }
            let folder = try ReportPublication.publish(staging: staging.path, base: base)
            try ReportStaging.syncDirectory(staging.parent)
            return folder
        } catch {
            staging.discard()
            throw ReportWriter.wrap(error, path: base)
        }
    }

    /// Removes the staged files; nothing becomes visible.
    package func discard() { staging.discard() }
}

extension ReportWriter {
    /// Writes the chosen formats of `analysis` and its identity marker into a hidden staging
    /// folder beside `base` (creating `base`'s parents); nothing is visible until the result
    /// is published. Sets `analysis.reportKey` from `identity`, so the SR's instance UID is
    /// the job's.
    package func stage(_ analysis: ImageAnalysis, identity: ReportIdentity, base: String) throws -> StagedReport {
        var analysis = analysis
        analysis.reportKey = identity.key
        try MeasurementReport.validate(analysis)
        var target = base
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let staging = try ReportStaging(target: target, targetMustBeFolder: false)
        do {
            _ = try writeFiles(analysis, into: staging.path)
            try AtomicFile.write(Array((identity.key + "\n").utf8), to: staging.path + "/" + ReportIdentity.fileName)
        } catch {
            staging.discard()
            throw Self.wrap(error, path: target)
        }
        return StagedReport(staging: staging, base: target)
    }
}
