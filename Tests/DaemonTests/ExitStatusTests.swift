import Analysis
import CellModel
import FolderWatch
import Foundation
import ImageIO
import JobQueue
import NN
import Reporting
import Testing
@testable import Daemon

/// README's "Exit codes" table: the same error gives the same status in every command.
@Suite struct ExitStatusTests {
    static let table: [(any Error, Int32)] = [
        (DaemonError(.configuration, "key 'workers'"), 78),
        (NNError(.corruptFile, "bad header"), 78),
        (DaemonError(.alreadyRunning, "another daemon"), 75),
        (DaemonError(.output, "cannot create"), 73),
        (ReportingError(.writeFailed, path: "/out", "short write"), 73),
        (ImageIOError(.writeFailed, path: "/out/x.png", "short write"), 73),
        (ReportingError(.invalidOption, "format 'xml'"), 64),
        (AnalysisError(.invalidParameter, "views 3"), 64),
        (JobQueueError(.invalidOptions, "backup exists"), 64),
        (ImageIOError(.corrupt, path: "/in/x", "truncated"), 65),
        (ImageIOError(.unknownFormat, path: "/in/x", "no magic"), 65),
        (AnalysisError(input: ImageIOError(.tooLarge, path: "/in/x", "16000 x 16000")), 65),
        (AnalysisError(.unsupportedImage, "4 x 4"), 65),
        (JobQueueError(.corrupt, "malformed"), 65),
        (CellModelError(.badIndex, "no class column"), 65),
        (ImageIOError(.notFound, path: "/in/x", "gone"), 66),
        (AnalysisError(input: ImageIOError(.notARegularFile, path: "/in/x", "directory")), 66),
        (JobQueueError(.notFound, "no job 9"), 66),
        (JobQueueError(.fileMoved, "deleted"), 66),
        (CellModelError(.datasetMissing, "no index.csv"), 66),
        (JobQueueError(.invalidTransition, "already succeeded"), 69),
        (AnalysisError(.resourceExhausted, "tile"), 69),
        (JobQueueError(.database, "locked"), 74),
        (JobQueueError(.readOnly, "read-only"), 77),
        (AnalysisError(.cancelled, "interrupted"), 130),
        (CancellationError(), 130),
        (AttemptError(ImageIOError(.corrupt, path: "/in/x", "bad"), message: "x: bad"), 65),
    ]

    @Test func everyRowOfTheTable() {
        for (error, expected) in Self.table {
            #expect(ExitStatus.of(error).rawValue == expected, "\(error)")
            #expect(ExitStatus.ofLibraryError(error) != nil || error is CancellationError)
        }
    }

    @Test func foreignErrorsAreLeftToTheArgumentParser() {
        #expect(ExitStatus.ofLibraryError(NSError(domain: "x", code: 1)) == nil)
        #expect(ExitStatus.of(NSError(domain: "x", code: 1)) == .software)
    }

    /// Through the real binary: commands that had no mapping of their own (train, eval) now end
    /// with the table's status too, and ArgumentParser's own usage errors keep theirs.
    @Test(.enabled(if: ToolRun.leukoBinary != nil, "the leuko product was not built beside the tests"))
    func everyCommandEndsWithTheTablesStatus() throws {
        let missing = "/nonexistent-\(UUID().uuidString)"
        let eval = try ToolRun.run(ToolRun.leukoBinary!, ["eval", "--data", missing])
        #expect(eval.status == 66 && eval.stderr.hasPrefix("leuko: "), "\(eval.status) \(eval.stderr)")
        let weights = try ToolRun.run(ToolRun.leukoBinary!, ["model", "info", "--weights", "/etc/hostname"])
        #expect(weights.status == 78, "a file that is not weights: \(weights.status) \(weights.stderr)")
        let usage = try ToolRun.run(ToolRun.leukoBinary!, ["eval"])
        #expect(usage.status == 64, "a missing option is ArgumentParser's usage error: \(usage.status)")
    }
}
