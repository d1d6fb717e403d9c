import FolderWatch
import Foundation
import JobQueue
import Logging
import Reporting

/// How one attempt ended, from the worker's side.
enum AttemptResult: Sendable {
    /// nil on success, else the failure to record against the job.
    case finished(JobFailure?)
    /// The environment failed (`OutboxProbe`), not the input.
    case environment(String)
}

/// The worker's side paths around the processor: the input checks, where the report set
/// goes, and what happens to the input after success.
extension WorkerService {
    /// Runs the checks, opens the input (`InputGuard.open`) and runs the processor on it;
    /// returns nil on success or the failure to record. A job whose report an earlier attempt
    /// already published (a crash between publishing and recording success) succeeds at once,
    /// without a second report.
    func attempt(_ claim: ClaimedJob, _ configuration: Configuration) async -> AttemptResult {
        guard let error = await attemptOnce(claim, configuration) else { return .finished(nil) }
        let message = Self.message(of: error)
        // A failure that may heal is first checked against the machine: with the outbox full
        // or read-only, the job is not at fault and must not use up its attempts.
        var outboxFault: String?
        let failureClass = FailureClass.of(error, environmentFault: {
            outboxFault = OutboxProbe.fault(in: configuration.outbox)
            return outboxFault
        })
        guard let failure = failureClass.jobFailure(message) else {
            let detail = "job \(claim.job.id): \(AdminOutput.oneLine(message))"
            return .environment(outboxFault.map { "\($0) (\(detail))" } ?? detail)
        }
        return .finished(failure)
    }

    /// The words a failure is recorded with.
    static func message(of error: any Error) -> String {
        switch error {
        case let error as AttemptError: error.message
        case let error as DaemonError: error.message
        default: "\(error)"
        }
    }

    /// One attempt; nil on success, else the error (sorted by `FailureClass`).
    private func attemptOnce(_ claim: ClaimedJob, _ configuration: Configuration) async -> (any Error)? {
        let job = claim.job
        let input: OpenedInput
        do {
            input = try InputGuard.open(job.path, configuration)
        } catch {
            return error
        }
        let outputDirectory: String
        do {
            outputDirectory = try Self.reportDirectory(for: job.path, configuration)
        } catch {
            return DaemonError(.inputRejected, "\(error)")
        }
        let identity = Self.reportIdentity(of: job, configuration)
        if let published = ReportPublication.published(base: outputDirectory, identity: identity) {
            logger.notice("job \(job.id): its report was already published by an earlier attempt: \(AdminOutput.oneLine(published))")
            return nil
        }
        do {
            let permissions = try ReportPermissions(configuration)
            let outbox = configuration.outbox
            let (queue, logger) = (self.queue, self.logger)
            let destination = ReportDestination(
                base: outputDirectory, identity: identity,
                prepare: { staged in try permissions.apply(to: staged, outbox: outbox) },
                stillOwned: {
                    do {
                        _ = try await queue.heartbeat(claim)
                        return true
                    } catch let error as JobQueueError where error.code == .staleClaim {
                        logger.warning("job \(job.id): no longer this worker's (\(error.message)); its report is not published")
                        return false
                    } catch {
                        // The database may be busy: the report's identity keeps it exactly-once.
                        return true
                    }
                })
            let published = try await processor.process(input, report: destination, configuration: configuration)
            logger.info("job \(job.id): report published in \(AdminOutput.oneLine(published))")
            Self.faultAfterPublishing()
            return nil
        } catch {
            return error
        }
    }

    /// Fault injection for the end-to-end tests: with `LEUKO_TEST_KILL_AFTER_PUBLISH=1` in its
    /// environment the daemon kills itself (SIGKILL) right after publishing a report and before
    /// recording success, the window that exactly-once publication must survive.
    static func faultAfterPublishing() {
        if ProcessInfo.processInfo.environment["LEUKO_TEST_KILL_AFTER_PUBLISH"] == "1" { kill(getpid(), SIGKILL) }
    }

    /// The identity of `job`'s report: the job in this queue database and its input.
    static func reportIdentity(of job: Job, _ configuration: Configuration) -> ReportIdentity {
        ReportIdentity(job: job.id, queue: configuration.database, size: job.size,
                       mtimeNanoseconds: job.mtimeNanoseconds, contentHash: job.contentHash)
    }

    /// The first report folder name tried (`ReportPublication`): mirrored below the outbox
    /// from the input's inbox, or below `OUTBOX/_manual/` for a file queued by hand from elsewhere.
    static func reportDirectory(for path: String, _ configuration: Configuration) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let inbox = inbox(containing: path, in: configuration.inboxes) {
            return try OutputLocation.reportDirectory(for: path, inbox: inbox, outbox: configuration.outbox, siblings: siblings)
        }
        return try OutputLocation.reportDirectory(for: path, inbox: folder, outbox: configuration.outbox + "/_manual",
                                                  siblings: siblings)
    }

    /// The inbox (configured, or its real path) that contains `path`.
    static func inbox(containing path: String, in inboxes: [String]) -> String? {
        for inbox in inboxes {
            let real = URL(fileURLWithPath: inbox).resolvingSymlinksInPath().path
            for candidate in [inbox, real] where PathText.isInside(path, candidate) {
                return candidate
            }
        }
        return nil
    }

    /// `on_success = "move:DIR"`: moves the input below DIR, mirroring its path below the inbox
    /// (`InputMover`: no link followed, nothing replaced). A file queued from outside every
    /// inbox is not moved.
    func moveAfterSuccess(_ job: Job, _ configuration: Configuration) {
        guard case .move(let target) = configuration.onSuccess else { return }
        guard let inbox = Self.inbox(containing: job.path, in: configuration.inboxes) else {
            logger.warning("job \(job.id): \(AdminOutput.oneLine(job.path)) is not inside an inbox; not moved")
            return
        }
        let relative = PathText.components(PathText.relative(job.path, to: inbox) ?? "")
        do {
            let moved = try InputMover.move(relative, inbox: inbox, to: target, size: job.size, mtimeNanoseconds: job.mtimeNanoseconds)
            logger.info("job \(job.id): input moved to \(AdminOutput.oneLine(moved))")
        } catch {
            logger.warning("job \(job.id): cannot move \(AdminOutput.oneLine(job.path)) to \(AdminOutput.oneLine(target)): \(error)")
        }
    }
}
