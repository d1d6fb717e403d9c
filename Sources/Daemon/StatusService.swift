import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Talks to systemd: `READY=1` once running, a `STATUS=` line with the queue counts every
/// `status_interval_s`, and `WATCHDOG=1` at half the watchdog timeout while every worker is
/// alive and fewer analyses are stuck than there are workers (`HealthMonitor`), so a hung
/// worker loop or a pile of analyses that ignore cancellation gets the daemon restarted. Runs
/// until graceful shutdown (it is the last service stopped, so it keeps the watchdog fed while
/// workers finish).
package struct StatusService: Service, CustomStringConvertible {
    let queue: JobQueue
    let notifier: SystemdNotifier
    let health: HealthMonitor
    let statusInterval: Duration
    let logger: Logger
    /// When given, `status_interval_s` is read from it at each turn (reloads apply).
    let store: ConfigurationStore?

    package init(queue: JobQueue, notifier: SystemdNotifier, health: HealthMonitor, statusInterval: Duration, logger: Logger,
                 store: ConfigurationStore? = nil) {
        self.queue = queue
        self.notifier = notifier
        self.health = health
        self.statusInterval = statusInterval
        self.logger = logger
        self.store = store
    }

    package var description: String { "StatusService" }

    /// The line systemd shows, e.g. `3 queued, 1 running, 0 retrying, 2 failed; 12 done in 1h`,
    /// with `; 1 analysis stuck` appended while analyses are left behind, and `; PAUSED: why`
    /// while claiming is paused for an environment fault (a full or read-only outbox).
    package static func statusLine(_ s: QueueSnapshot, stuck: Int = 0, paused: String? = nil) -> String {
        let c = s.counts
        return "\(c.queued) queued, \(c.running) running, \(c.retrying) retrying, \(c.failed) failed; "
            + "\(s.throughput.succeeded) done in \(AdminOutput.age(s.throughput.windowSeconds))"
            + (stuck > 0 ? "; \(stuck) \(stuck == 1 ? "analysis" : "analyses") stuck" : "")
            + (paused.map { "; PAUSED: \($0)" } ?? "")
    }

    package func run() async throws {
        var sinceStatus = Duration.zero
        var ready = false
        var withholding = false
        while !Task.isCancelled {
            var statusInterval = self.statusInterval
            if let store { statusInterval = .seconds(await store.current.statusIntervalSeconds) }
            let tick = min(statusInterval, notifier.watchdogPingInterval ?? statusInterval)
            let stuck = await health.stuckCount
            let paused = await health.environmentFault
            if !ready || sinceStatus >= statusInterval {
                let line = (try? await queue.snapshot()).map { Self.statusLine($0, stuck: stuck, paused: paused) } ?? "queue unavailable"
                do {
                    if ready { try notifier.status(line) } else { try notifier.ready(status: line) }
                    ready = true
                } catch {
                    logger.warning("\(error)")
                }
                sinceStatus = .zero
            }
            if let watchdog = notifier.watchdogInterval {
                let healthy = await health.isHealthy(within: watchdog)
                if healthy {
                    do { try notifier.watchdog() } catch { logger.warning("\(error)") }
                } else if !withholding {
                    logger.critical("unhealthy (a worker loop is not responding, or \(stuck) stuck \(stuck == 1 ? "analysis" : "analyses") reached the limit of one per worker): no longer telling systemd's watchdog, which will restart the daemon")
                }
                withholding = !healthy
            }
            if Task.isShuttingDownGracefully { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
            sinceStatus += tick
        }
    }
}

/// The first service to hear of a graceful shutdown (it is last in the group): tells systemd
/// `STOPPING=1` and the log, then returns.
package struct ShutdownAnnouncer: Service, CustomStringConvertible {
    let notifier: SystemdNotifier
    let logger: Logger

    package init(notifier: SystemdNotifier, logger: Logger) {
        self.notifier = notifier
        self.logger = logger
    }

    package var description: String { "ShutdownAnnouncer" }

    package func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled
        }
        logger.notice("stopping: no new jobs are claimed; running jobs finish or are handed back")
        do { try notifier.stopping() } catch { logger.warning("\(error)") }
    }
}
