import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Returns jobs with expired leases to the queue (every `rescueInterval`) and prunes old
/// finished jobs (every `pruneInterval`, when `retention_days` > 0), until graceful shutdown.
///
/// While claiming is paused for an environment fault (`HealthMonitor`), leases are not
/// rescued: a worker then cannot renew its lease (the queue database's disk is full) but
/// still holds its job's outcome and records it once the disk clears, and a rescue would
/// count an attempt the machine, not the job, used up.
package struct MaintenanceService: Service, CustomStringConvertible {
    let queue: JobQueue
    let configuration: Configuration
    let logger: Logger
    /// Fixed rescue interval, or nil: half of `lease_s`, at most 30 s.
    let fixedRescueInterval: Duration?
    let pruneInterval: Duration
    /// When given, `lease_s` and `retention_days` are read from it at each turn (reloads apply).
    let store: ConfigurationStore?
    /// When given, no lease is rescued while it reports an environment fault.
    let health: HealthMonitor?

    package init(queue: JobQueue, configuration: Configuration, logger: Logger,
                 rescueInterval: Duration? = nil, pruneInterval: Duration = .seconds(3600), store: ConfigurationStore? = nil,
                 health: HealthMonitor? = nil) {
        self.queue = queue
        self.configuration = configuration
        self.logger = logger
        self.fixedRescueInterval = rescueInterval
        self.pruneInterval = pruneInterval
        self.store = store
        self.health = health
    }

    /// The rescue interval under `configuration`.
    func rescueInterval(_ configuration: Configuration) -> Duration {
        fixedRescueInterval ?? min(.seconds(configuration.leaseSeconds) / 2, .seconds(30))
    }

    package var description: String { "MaintenanceService" }

    package func run() async throws {
        var sincePrune = pruneInterval  // prune once at start-up
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let configuration = await store?.current ?? self.configuration
            let rescueInterval = rescueInterval(configuration)
            let paused = await health?.environmentFault != nil
            do {
                for job in paused ? [] : try await queue.rescueExpiredLeases() {
                    logger.warning("job \(job.id): lease expired, now \(job.state.rawValue): \(AdminOutput.oneLine(job.path))")
                }
                if sincePrune >= pruneInterval, configuration.retentionDays > 0 {
                    let pruned = try await queue.prune(olderThan: TimeInterval(configuration.retentionDays) * 86_400)
                    if pruned > 0 { logger.info("pruned \(pruned) job(s) older than \(configuration.retentionDays) days") }
                    sincePrune = .zero
                }
            } catch {
                logger.error("queue maintenance failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: rescueInterval) }
            sincePrune += rescueInterval
        }
    }
}
