import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// One worker: claim a job, run the processor on it while renewing its lease, then complete
/// or fail it; repeat until graceful shutdown, or until a reload lowers `workers` below its
/// index. Each job is handled with the configuration current when it was claimed.
///
/// On graceful shutdown the worker stops claiming; a job in progress gets
/// `shutdown_timeout_s` to finish and is then cancelled and handed back to the queue (its
/// attempt not counted). A job whose lease is lost (the rescuer took it, an admin cancelled
/// it) is abandoned and its result dropped. Inputs are checked before the processor runs:
/// redirected out of their inbox (`InputGuard`), vanished, unreadable, not regular or larger
/// than `max_file_mb` fail at once. After success
/// the report set gets its configured permissions and group (`ReportPermissions`).
package struct WorkerService: Service, CustomStringConvertible {
    package let index: Int
    package var name: String { "worker-\(index)" }
    let queue: JobQueue
    let processor: any JobProcessor
    let store: ConfigurationStore
    let health: HealthMonitor
    let logger: Logger
    /// How long an idle worker waits before looking for work again.
    let pollInterval: Duration

    package init(index: Int, queue: JobQueue, processor: any JobProcessor, store: ConfigurationStore,
                 health: HealthMonitor, logger: Logger, pollInterval: Duration = .milliseconds(250)) {
        self.index = index
        self.queue = queue
        self.processor = processor
        self.store = store
        self.health = health
        self.logger = logger
        self.pollInterval = pollInterval
    }

    package var description: String { "WorkerService(\(name))" }

    package func run() async throws {
        await health.register(name)
        defer { Task { [health, name] in await health.unregister(name) } }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let configuration = await store.current
            if index > configuration.workers {
                logger.info("\(name) retires: workers = \(configuration.workers)")
                break
            }
            await health.alive(name)
            let claim: ClaimedJob?
            do {
                claim = try await queue.claim(worker: name)
            } catch {
                logger.error("cannot claim a job: \(error)")
                claim = nil
            }
            if let claim {
                await work(on: claim, configuration: configuration)
            } else {
                try? await cancelWhenGracefulShutdown { [pollInterval] in try await Task.sleep(for: pollInterval) }
            }
        }
    }

    private enum Outcome: Sendable {
        case finished(JobFailure?)
        case leaseLost(String)
        case deadline
        case ignored
    }

    private func work(on claim: ClaimedJob, configuration: Configuration) async {
        let job = claim.job
        logger.info("job \(job.id) attempt \(job.attempt): \(AdminOutput.oneLine(job.path))")
        let leaseRenewal = min(Duration.seconds(configuration.leaseSeconds) / 3, .seconds(5))
        let shutdownTimeout = Duration.seconds(configuration.shutdownTimeoutSeconds)
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { .finished(await self.attempt(job, configuration)) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: leaseRenewal)
                    if Task.isCancelled { break }
                    do {
                        try await self.queue.heartbeat(claim)
                        await self.health.alive(self.name)
                    } catch let error as JobQueueError where error.code == .staleClaim {
                        return .leaseLost(error.message)
                    } catch {
                        self.logger.warning("job \(job.id): cannot renew the lease: \(error)")
                    }
                }
                return .ignored
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                    try await Task.sleep(for: shutdownTimeout)
                    return .deadline
                } catch {
                    return .ignored
                }
            }
            var result = Outcome.ignored
            while let next = await group.next() {
                if case .ignored = next { continue }
                result = next
                break
            }
            group.cancelAll()
            return result
        }
        await settle(claim, outcome, configuration)
    }

    private func settle(_ claim: ClaimedJob, _ outcome: Outcome, _ configuration: Configuration) async {
        let id = claim.job.id
        do {
            switch outcome {
            case .finished(nil):
                try await queue.complete(claim)
                logger.info("job \(id) succeeded")
                moveAfterSuccess(claim.job.path, configuration)
            case .finished(let failure?):
                let job = try await queue.fail(claim, failure)
                let level: Logger.Level = job.state == .failed ? .error : .warning
                logger.log(level: level, "job \(id) \(job.state == .failed ? "failed" : "will be retried") (\(failure.kind.rawValue)): \(AdminOutput.oneLine(failure.message))")
            case .leaseLost(let reason):
                logger.warning("job \(id) abandoned: \(reason)")
            case .deadline:
                try await queue.handBack(claim)
                logger.notice("job \(id) handed back: not finished within the shutdown deadline")
            case .ignored:
                try await queue.handBack(claim)
            }
        } catch let error as JobQueueError where error.code == .staleClaim {
            logger.warning("job \(id): \(error.message)")
        } catch {
            logger.error("job \(id): cannot record the outcome: \(error)")
        }
    }

    /// Runs the checks and the processor; returns nil on success or the failure to record.
    private func attempt(_ job: Job, _ configuration: Configuration) async -> JobFailure? {
        let path = job.path
        if let refusal = InputGuard.refusal(for: path, configuration) { return .permanent(refusal) }
        guard let stat = FileStat.read(path, followingLinks: true) else {
            return .permanent("input file vanished or cannot be examined: \(AdminOutput.oneLine(path))")
        }
        guard stat.kind == .regular else { return .permanent("input is not a regular file") }
        let limit = Int64(configuration.maxFileMegabytes) * 1_048_576
        guard stat.size <= limit else {
            return .permanent("input too large: \(stat.size) bytes, limit \(configuration.maxFileMegabytes) MiB (max_file_mb)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return .permanent("input cannot be read by the daemon: permission denied")
        }
        let outputDirectory: String
        do {
            outputDirectory = try Self.reportDirectory(for: path, configuration)
        } catch {
            return .permanent("\(error)")
        }
        do {
            try await processor.process(inputPath: path, outputDirectory: outputDirectory)
            try ReportPermissions(configuration).apply(to: outputDirectory, outbox: configuration.outbox)
            return nil
        } catch let error as DaemonError where error.code == .inputRejected {
            // A file rewritten since it was queued (a writer that paused longer than settle_ms)
            // may be complete now: retry rather than dead-letter it.
            if let now = FileStat.read(path, followingLinks: true), now.size != job.size || now.mtimeNanoseconds != job.mtimeNanoseconds {
                return .transient("\(error.message) (the file changed after it was queued, so it may have been incomplete)")
            }
            return .permanent(error.message)
        } catch let error as DaemonError {
            return .transient(error.message)
        } catch {
            return .transient("\(error)")
        }
    }

    /// The report folder: mirrored below the outbox from the input's inbox, or below
    /// `OUTBOX/_manual/` for a file queued by hand from elsewhere.
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
            for candidate in [inbox, real] where path.hasPrefix(candidate.hasSuffix("/") ? candidate : candidate + "/") {
                return candidate
            }
        }
        return nil
    }

    /// `on_success = "move:DIR"`: moves the input below DIR, mirroring its path below the inbox.
    private func moveAfterSuccess(_ path: String, _ configuration: Configuration) {
        guard case .move(let target) = configuration.onSuccess else { return }
        let inbox = Self.inbox(containing: path, in: configuration.inboxes)
        let relative = inbox.map { String(path.dropFirst($0.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
            ?? (path as NSString).lastPathComponent
        let destination = target + "/" + relative.split(separator: "/").map { OutputLocation.sanitise(String($0)) }.joined(separator: "/")
        do {
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            guard rename(path, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            logger.warning("cannot move \(AdminOutput.oneLine(path)) to \(AdminOutput.oneLine(destination)): \(error)")
        }
    }
}
