import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Returns jobs with expired leases to the queue (every `rescueInterval`) and prunes old
/// finished jobs (every `pruneInterval`, when `retention_days` > 0), until graceful shutdown.
package struct MaintenanceService: Service, CustomStringConvertible {
    let queue: JobQueue
    let configuration: Configuration
    let logger: Logger
    let rescueInterval: Duration
    let pruneInterval: Duration

    package init(queue: JobQueue, configuration: Configuration, logger: Logger,
                 rescueInterval: Duration? = nil, pruneInterval: Duration = .seconds(3600)) {
        self.queue = queue
        self.configuration = configuration
        self.logger = logger
        self.rescueInterval = rescueInterval ?? min(.seconds(configuration.leaseSeconds) / 2, .seconds(30))
        self.pruneInterval = pruneInterval
    }

    package var description: String { "MaintenanceService" }

    package func run() async throws {
        var sincePrune = pruneInterval  // prune once at start-up
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                for job in try await queue.rescueExpiredLeases() {
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
            try? await cancelWhenGracefulShutdown { [rescueInterval] in try await Task.sleep(for: rescueInterval) }
            sincePrune += rescueInterval
        }
    }
}
