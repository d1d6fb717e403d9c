import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// One worker: claim a job, run the processor on it while renewing its lease, then complete
/// or fail it; repeat until graceful shutdown, or until a reload lowers `workers` below its
/// index. Each job is handled with the configuration current when it was claimed.
///
/// Each attempt has a time limit (`Configuration.timeLimitSeconds(forBytes:)`). The lease is
/// renewed while the attempt runs, so a hung analysis would otherwise hold the job and the
/// worker forever: at the limit the attempt is cancelled and the job fails with "exceeded the
/// time limit of N s" (retried by the retry policy). The attempt runs in a task of its own
/// (`RunningAttempt`), so the worker does not wait for it: it waits `cancelGrace` for the
/// attempt to stop, then leaves it behind as stuck (`HealthMonitor`) and claims the next job.
///
/// On graceful shutdown the worker stops claiming; a job in progress gets
/// `shutdown_timeout_s` to finish and is then cancelled and handed back to the queue (its
/// attempt not counted). A job whose lease is lost (the rescuer took it, an admin cancelled
/// it) is abandoned and its result dropped. Inputs are checked and opened before the processor
/// runs (`InputGuard.open`; the processor reads only that descriptor): redirected out of their
/// inbox, swapped while being opened, vanished, unreadable, not regular or larger than
/// `max_file_mb` fail at once. After success
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
    /// How long a cancelled attempt may take to return before it is left behind as stuck.
    let cancelGrace: Duration
    /// How often a paused worker probes the outbox (`OutboxProbe`).
    let environmentProbeInterval: Duration

    package init(index: Int, queue: JobQueue, processor: any JobProcessor, store: ConfigurationStore,
                 health: HealthMonitor, logger: Logger, pollInterval: Duration = .milliseconds(250),
                 cancelGrace: Duration = .seconds(10), environmentProbeInterval: Duration = .seconds(5)) {
        self.index = index
        self.queue = queue
        self.processor = processor
        self.store = store
        self.health = health
        self.logger = logger
        self.pollInterval = pollInterval
        self.cancelGrace = cancelGrace
        self.environmentProbeInterval = environmentProbeInterval
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
            if await health.environmentFault != nil {
                await waitForTheEnvironment(configuration)
                continue
            }
            let claim: ClaimedJob?
            do {
                claim = try await queue.claim(worker: name)
            } catch let error as JobQueueError where error.code == .storageFailed {
                await pauseForTheDatabase(error.message)
                claim = nil
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

    /// While claiming is paused for an environment fault: probes the outbox and the queue
    /// database every `environmentProbeInterval` (one worker at a time,
    /// `HealthMonitor.takeProbeTurn`) and resumes claiming once both take writes again.
    private func waitForTheEnvironment(_ configuration: Configuration) async {
        if await health.takeProbeTurn(every: environmentProbeInterval),
           OutboxProbe.fault(in: configuration.outbox) == nil, await databaseTakesWrites() {
            if let reason = await health.resume() {
                logger.notice("claiming resumed: the outbox and the queue database take writes again (was: \(reason))")
            }
            return
        }
        try? await cancelWhenGracefulShutdown { [environmentProbeInterval] in try await Task.sleep(for: environmentProbeInterval) }
    }

    /// Whether the queue database commits a write now (false only for a full or failing disk).
    private func databaseTakesWrites() async -> Bool {
        do {
            try await queue.probeWrite()
            return true
        } catch let error as JobQueueError where error.code == .storageFailed {
            return false
        } catch {
            return true  // busy or the like: not the disk
        }
    }

    /// Pauses claiming because the queue database's disk is full or failing.
    private func pauseForTheDatabase(_ reason: String) async {
        if await health.pause(reason) {
            logger.error("claiming paused: \(AdminOutput.oneLine(reason)); probing every \(environmentProbeInterval) until it clears")
        }
    }

    /// How an attempt ended, as far as the worker is concerned.
    enum Outcome: Sendable {
        /// The processor returned: nil on success, else the failure to record.
        case finished(JobFailure?)
        /// The attempt failed because the outbox cannot take a report (full, read-only, I/O
        /// errors): the job goes back to the queue without using an attempt and claiming pauses.
        case environment(String)
        /// The lease was taken away (rescued, cancelled by an admin): the result is dropped.
        case leaseLost(String)
        /// Graceful shutdown and `shutdown_timeout_s` passed: the job goes back to the queue.
        case deadline
        /// The job's time limit (in s) passed; `abandoned` when its analysis did not stop.
        case timeLimit(seconds: Int, abandoned: Bool)
        /// Nothing to record (a racer that lost, or the worker itself was cancelled).
        case ignored
    }

    private func work(on claim: ClaimedJob, configuration: Configuration) async {
        let job = claim.job
        let limit = configuration.timeLimitSeconds(forBytes: job.size)
        logger.info("job \(job.id) attempt \(job.attempt): \(AdminOutput.oneLine(job.path)) (time limit \(limit) s)")
        let running = RunningAttempt { await self.attempt(claim, configuration) }
        var outcome = await withTaskCancellationHandler {
            await firstEvent(of: running, claim, timeLimit: limit, configuration)
        } onCancel: {
            running.cancel()
        }
        switch outcome {
        case .finished, .environment: break
        default:
            outcome = await stop(running, job: job, after: outcome)
        }
        await settle(claim, outcome, configuration)
    }

    /// Waits for whichever comes first: the attempt's result, a lost lease, the shutdown
    /// deadline or the time limit. Renews the lease meanwhile. Returns without waiting for
    /// the attempt when something else came first.
    private func firstEvent(of running: RunningAttempt<AttemptResult>, _ claim: ClaimedJob, timeLimit: Int,
                            _ configuration: Configuration) async -> Outcome {
        let job = claim.job
        let leaseRenewal = min(Duration.seconds(configuration.leaseSeconds) / 3, .seconds(5))
        let shutdownTimeout = Duration.seconds(configuration.shutdownTimeoutSeconds)
        return await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                switch await running.value() {
                case nil: return .ignored
                case .finished(let failure)?: return .finished(failure)
                case .environment(let reason)?: return .environment(reason)
                }
            }
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
            group.addTask {
                do {
                    try await Task.sleep(for: .seconds(timeLimit))
                    return .timeLimit(seconds: timeLimit, abandoned: false)
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
    }

    /// Cancels an attempt that something else overtook and gives it `cancelGrace` to return.
    /// One that returns success in time is recorded as such (its report set is complete);
    /// one that does not return is left running, reported stuck, and watched until it does.
    private func stop(_ running: RunningAttempt<AttemptResult>, job: Job, after outcome: Outcome) async -> Outcome {
        running.cancel()
        let late = await running.value(within: cancelGrace)
        switch (late, outcome) {
        case (.some(.finished(.none)), .timeLimit), (.some(.finished(.none)), .deadline):
            logger.notice("job \(job.id): finished as it was being stopped; its report set is complete")
            return .finished(nil)
        case (.some, _):
            return outcome
        case (.none, _):
            logger.error("job \(job.id): its analysis did not stop within \(cancelGrace) of being cancelled; left behind, still running (it holds a thread and its memory until it returns)")
            let (health, logger) = (self.health, self.logger)
            await health.stuck(job: job.id)
            let started = ContinuousClock.now
            Task {
                _ = await running.eventualValue
                await health.returned(job: job.id)
                logger.notice("job \(job.id): the analysis left behind returned after \(ContinuousClock.now - started)")
            }
            if case .timeLimit(let seconds, _) = outcome { return .timeLimit(seconds: seconds, abandoned: true) }
            return outcome
        }
    }

    /// Records how the attempt ended. When the queue database's disk is full or failing, the
    /// outcome is kept and recorded again every `environmentProbeInterval` (claiming paused)
    /// until it can be, so the job neither uses an attempt nor loses its result; at shutdown
    /// it is left running, and the next start takes it up again.
    private func settle(_ claim: ClaimedJob, _ outcome: Outcome, _ configuration: Configuration) async {
        while true {
            do {
                try await settleOnce(claim, outcome, configuration)
                return
            } catch let error as JobQueueError where error.code == .storageFailed {
                await pauseForTheDatabase(error.message)
                await health.alive(name)
                if Task.isCancelled || Task.isShuttingDownGracefully {
                    logger.warning("job \(claim.job.id): its outcome could not be recorded before shutdown (\(AdminOutput.oneLine(error.message))); it runs again at the next start")
                    return
                }
                try? await cancelWhenGracefulShutdown { [environmentProbeInterval] in try await Task.sleep(for: environmentProbeInterval) }
            } catch let error as JobQueueError where error.code == .staleClaim {
                logger.warning("job \(claim.job.id): \(error.message)")
                return
            } catch {
                logger.error("job \(claim.job.id): cannot record the outcome: \(error)")
                return
            }
        }
    }

    private func settleOnce(_ claim: ClaimedJob, _ outcome: Outcome, _ configuration: Configuration) async throws {
        let id = claim.job.id
        switch outcome {
        case .finished(nil):
            try await queue.complete(claim)
            logger.info("job \(id) succeeded")
            moveAfterSuccess(claim.job, configuration)
        case .finished(let failure?):
            try await record(claim, failure)
        case .environment(let reason):
            try await queue.handBack(claim)
            if await health.pause(reason) {
                logger.error("claiming paused: \(reason); job \(id) went back to the queue (no attempt used); probing every \(environmentProbeInterval) until it clears")
            } else {
                logger.warning("job \(id) went back to the queue: \(reason)")
            }
        case .timeLimit(let seconds, let abandoned):
            let detail = abandoned ? "; the analysis did not stop when cancelled and was left behind" : ""
            try await record(claim, .attemptLimited("exceeded the time limit of \(seconds) s (job_time_limit_s, job_time_limit_s_per_mb)\(detail)"))
        case .leaseLost(let reason):
            logger.warning("job \(id) abandoned: \(reason)")
        case .deadline:
            try await queue.handBack(claim)
            logger.notice("job \(id) handed back: not finished within the shutdown deadline")
        case .ignored:
            try await queue.handBack(claim)
        }
    }

    private func record(_ claim: ClaimedJob, _ failure: JobFailure) async throws {
        let job = try await queue.fail(claim, failure)
        let what: String = switch job.state {
        case .failed: "failed"
        case .superseded: "superseded by job \(job.supersededBy ?? 0) (a newer version of its file)"
        default: "will be retried"
        }
        logger.log(level: job.state == .failed ? .error : .warning,
                   "job \(job.id) \(what) (\(failure.kind.rawValue)): \(AdminOutput.oneLine(failure.message))")
    }
}
