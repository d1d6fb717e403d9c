import Analysis
import Foundation
import ImageIO
import JobQueue
import Reporting
import Testing
@testable import Daemon

/// README's "Why a job fails" table, row by row: what each failure means for the job.
@Suite struct FailureClassTests {
    static let table: [(String, any Error, FailureClass)] = [
        ("not an image", ImageIOError(.unknownFormat, path: "/in/x", "no magic"), .permanent),
        ("truncated or corrupt", ImageIOError(.corrupt, path: "/in/x", "truncated"), .permanent),
        ("over the limits", ImageIOError(.tooLarge, path: "/in/x", "16000 x 16000"), .permanent),
        ("unsupported layout", ImageIOError(.unsupported, path: "/in/x", "planar"), .permanent),
        ("gone or unreadable", ImageIOError(.unreadable, path: "/in/x", "EACCES"), .permanent),
        ("missing", ImageIOError(.notFound, path: "/in/x", "gone"), .permanent),
        ("a directory", ImageIOError(.notARegularFile, path: "/in/x", "directory"), .permanent),
        ("decoder wrapped by the analyzer", AnalysisError(input: ImageIOError(.corrupt, path: "/in/x", "bad")), .permanent),
        ("too small to analyse", AnalysisError(.unsupportedImage, "4 x 4"), .permanent),
        ("refused by the input checks", DaemonError(.inputRejected, "a symlink out of the inbox"), .permanent),
        ("out of memory", AnalysisError(.resourceExhausted, "the memory limit cannot hold a tile"), .attemptLimited),
        ("a bad analyzer setting", AnalysisError(.invalidParameter, "views 3"), .transient),
        ("cancelled", AnalysisError(.cancelled, "cancelled"), .transient),
        ("a report not written", ReportingError(.writeFailed, path: "/out/x", "short write"), .transient),
        ("the model not loaded", DaemonError(.processingFailed, "cannot load the model"), .transient),
        ("a busy database", JobQueueError(.database, "database is locked"), .transient),
        ("a task cancelled", CancellationError(), .transient),
        ("a write to a full disk", POSIXError(.ENOSPC), .environment),
        ("over quota", POSIXError(.EDQUOT), .environment),
        ("a read-only file system", POSIXError(.EROFS), .environment),
        ("a failing disk", POSIXError(.EIO), .environment),
        ("the processor's wrapper keeps the class", AttemptError(AnalysisError(.resourceExhausted, "m"), message: "x: m"), .attemptLimited),
        ("and the errno", AttemptError(POSIXError(.ENOSPC), message: "x: full"), .environment),
        ("anything else may heal", NSError(domain: "other", code: 1), .transient),
    ]

    @Test func everyRowOfTheTable() {
        for (row, error, expected) in Self.table {
            #expect(FailureClass.of(error) == expected, "\(row): \(error)")
        }
    }

    @Test func theEnvironmentIsAskedOnlyAboutFailuresThatMayHeal() {
        var asked = 0
        let probe: () -> String? = { asked += 1; return "the outbox /out is full" }
        #expect(FailureClass.of(ImageIOError(.corrupt, path: "/in/x", "bad"), environmentFault: probe) == .permanent)
        #expect(asked == 0, "a bad file is the file's fault whatever the disk says")
        #expect(FailureClass.of(ReportingError(.writeFailed, path: "/out/x", "short write"), environmentFault: probe) == .environment)
        #expect(FailureClass.of(AnalysisError(.resourceExhausted, "m"), environmentFault: probe) == .environment)
        #expect(asked == 2)
        #expect(FailureClass.of(ReportingError(.writeFailed, path: "/out/x", "short write"), environmentFault: { nil }) == .transient)
    }

    @Test func eachClassBecomesItsJobFailure() {
        #expect(FailureClass.permanent.jobFailure("m") == .permanent("m"))
        #expect(FailureClass.transient.jobFailure("m") == .transient("m"))
        #expect(FailureClass.attemptLimited.jobFailure("m") == .attemptLimited("m"))
        #expect(FailureClass.environment.jobFailure("m") == nil, "the job goes back, it does not fail")
    }
}
