import Analysis
import CellModel
import FolderWatch
import Foundation
import ImageIO
import JobQueue
import NN
import Reporting

/// The exit status of every `leuko` command (sysexits.h values), and the one place a library
/// error becomes one (README's "Exit status" table; `ExitStatusTests` holds the same table).
///
/// The same error gives the same status whichever command meets it: a configuration the
/// daemon cannot use is 78 for `leuko daemon` and for an admin command alike, a file that is
/// not an image is 65 for `leuko analyze` and `leuko inspect`.
package enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// Some of several inputs failed (`leuko analyze`, `leuko scale` with several images).
    case partialFailure = 1
    /// Bad command-line use (an option out of range, an unknown format name).
    case usage = 64
    /// An input is not what it claims: not an image, corrupt, truncated, a damaged database.
    case dataError = 65
    /// An input does not exist or cannot be opened; the queue database went away.
    case noInput = 66
    /// Not possible now: a job in a state that does not allow it, a resource ran out.
    case unavailable = 69
    /// A bug or an error nothing else describes.
    case software = 70
    /// An output cannot be created or written.
    case cannotCreate = 73
    /// Input/output failed (the queue database, a disk).
    case ioError = 74
    /// Try again later: another daemon holds the queue, a failure that may heal.
    case temporaryFailure = 75
    /// A file cannot be written for lack of permission (a read-only database).
    case noPermission = 77
    /// The configuration, or the model it names, is unusable.
    case configuration = 78
    /// Interrupted (SIGINT) or cancelled.
    case interrupted = 130

    /// The status for `error` (`software` for an error the table does not know).
    package static func of(_ error: any Error) -> ExitStatus { ofLibraryError(error) ?? .software }

    /// The status for an error of one of Leuko's libraries (or a cancellation), nil for
    /// anything else (an argument parser's usage error or exit request, a foreign error).
    package static func ofLibraryError(_ error: any Error) -> ExitStatus? {
        switch error {
        case let e as DaemonError:
            switch e.code {
            case .configuration: .configuration
            case .output: .cannotCreate
            case .alreadyRunning, .processingFailed: .temporaryFailure
            case .inputRejected: .dataError
            case .systemd: .unavailable
            }
        case let e as JobQueueError:
            switch e.code {
            case .notFound, .fileMoved: .noInput
            case .invalidTransition: .unavailable
            case .invalidOptions: .usage
            case .staleClaim, .database, .storageFailed: .ioError
            case .corrupt: .dataError
            case .readOnly: .noPermission
            }
        case let e as FolderWatchError:
            e.code == .invalidOptions ? .configuration : .ioError
        case let e as AnalysisError:
            switch e.code {
            case .unreadableInput: e.inputCode.map(of(imageCode:)) ?? .dataError
            case .unsupportedImage: .dataError
            case .invalidParameter: .usage
            case .badDataset: .dataError
            case .resourceExhausted: .unavailable
            case .cancelled: .interrupted
            }
        case let e as ImageIOError: of(imageCode: e.code)
        case let e as ReportingError:
            e.code == .invalidOption ? .usage : .cannotCreate
        case let e as CellModelError:
            e.code == .datasetMissing ? .noInput : .dataError
        case is NNError: .configuration
        case let e as AttemptError: of(e.underlying)
        case is CancellationError: .interrupted
        default: nil
        }
    }

    /// The status for an image ImageIO could not read or write.
    package static func of(imageCode code: ImageIOError.Code) -> ExitStatus {
        switch code {
        case .notFound, .notARegularFile, .unreadable: .noInput
        case .writeFailed: .cannotCreate
        case .invalidArgument: .usage
        case .unknownFormat, .unsupported, .tooLarge, .corrupt: .dataError
        }
    }
}
