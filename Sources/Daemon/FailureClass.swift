import Analysis
import Foundation
import ImageIO
import JobQueue
import Reporting

/// What a failed job attempt says about the job, decided in one place (README's "Why a job
/// fails" table; `FailureClassTests` holds the same table).
///
/// The daemon only queues a file once it has settled, so a file that cannot be decoded then
/// (truncated, corrupt, not an image) is the file's fault for good; if it is rewritten, the
/// new version is a new job and the old one becomes `superseded`.
package enum FailureClass: String, Sendable, CaseIterable {
    /// The input can never be analysed: the job fails at once.
    case permanent
    /// May heal by waiting (a missing model file, a report that could not be written):
    /// retried with backoff for `max_queue_lifetime_days`.
    case transient
    /// May be the input's fault or the machine's (out of memory, the time limit): retried
    /// with backoff up to `max_attempts` attempts.
    case attemptLimited
    /// The machine's fault (outbox full, read-only, failing): the job goes back to the queue
    /// without using an attempt and claiming pauses until the fault clears.
    case environment

    /// The class of `error`. `environmentFault` is asked (it may probe the disk) only when the
    /// error may heal: a non-nil answer makes the failure the environment's.
    package static func of(_ error: any Error, environmentFault: () -> String? = { nil }) -> FailureClass {
        let base = baseClass(error)
        guard base == .transient || base == .attemptLimited else { return base }
        if let errno = errnoCode(error), environmentErrnos.contains(errno) { return .environment }
        return environmentFault() != nil ? .environment : base
    }

    /// The class before the environment is consulted.
    static func baseClass(_ error: any Error) -> FailureClass {
        switch error {
        case let e as AttemptError: return baseClass(e.underlying)
        case let e as DaemonError:
            switch e.code {
            case .inputRejected: return .permanent
            case .processingFailed, .configuration, .output, .systemd, .alreadyRunning: return .transient
            }
        case let e as AnalysisError:
            switch e.code {
            case .unreadableInput: return e.inputCode.map(of(imageCode:)) ?? .permanent
            case .unsupportedImage: return .permanent
            case .resourceExhausted: return .attemptLimited
            case .invalidParameter, .badDataset, .cancelled: return .transient
            }
        case let e as ImageIOError: return of(imageCode: e.code)
        case let e as JobQueueError where e.code == .storageFailed: return .environment
        default: return .transient  // a report not written, a busy database, a cancellation, …
        }
    }

    /// ImageIO's reasons for a settled file: all the file's fault but a failed write.
    static func of(imageCode code: ImageIOError.Code) -> FailureClass {
        switch code {
        case .notFound, .notARegularFile, .unreadable, .unknownFormat, .unsupported, .tooLarge, .corrupt, .invalidArgument:
            .permanent
        case .writeFailed: .transient
        }
    }

    /// errno values that are the machine's fault: no space, over quota, read-only, I/O error.
    static let environmentErrnos: Set<Int32> = [ENOSPC, EDQUOT, EROFS, EIO]

    /// The errno an error carries, when it carries one.
    static func errnoCode(_ error: any Error) -> Int32? {
        if let attempt = error as? AttemptError { return errnoCode(attempt.underlying) }
        if let posix = error as? POSIXError { return posix.code.rawValue }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }

    /// The failure to record for a job, with `message`; nil for `environment` (the job is
    /// handed back, not failed).
    package func jobFailure(_ message: String) -> JobFailure? {
        switch self {
        case .permanent: .permanent(message)
        case .transient: .transient(message)
        case .attemptLimited: .attemptLimited(message)
        case .environment: nil
        }
    }
}
