import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import UnixSignals

/// Wires the daemon: opens the queue, recovers jobs a previous run left `running`, and builds
/// the service group — status (READY, STATUS, WATCHDOG), maintenance (lease rescue, pruning),
/// `workers` workers, ingest (watch -> enqueue) and the shutdown announcer (STOPPING).
///
/// Graceful shutdown (SIGTERM/SIGINT, or `triggerGracefulShutdown` in tests) stops the
/// services in reverse order: STOPPING is announced, ingest stops, workers finish or hand
/// back their jobs, then maintenance and status end.
package struct DaemonRunner: Sendable {
    package let configuration: Configuration
    package let queue: JobQueue
    let processor: any JobProcessor
    let notifier: SystemdNotifier
    let logger: Logger
    let makeSource: @Sendable () throws -> any FileEventSource

    /// Opens (creating if needed) the queue database with `database_mode` permissions.
    package init(configuration: Configuration, processor: any JobProcessor, notifier: SystemdNotifier = SystemdNotifier(),
                 logger: Logger, clock: any JobClock = SystemJobClock(),
                 makeSource: @escaping @Sendable () throws -> any FileEventSource = { try InotifyEventSource() }) throws {
        self.configuration = configuration
        self.processor = processor
        self.notifier = notifier
        self.logger = logger
        self.makeSource = makeSource
        queue = try JobQueue(path: configuration.database, options: configuration.jobQueueOptions, clock: clock)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: configuration.database + suffix) {
            guard chmod(configuration.database + suffix, mode_t(configuration.databaseMode)) == 0 else {
                throw DaemonError(.output, "cannot set permissions of \(configuration.database + suffix): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Start-up recovery: jobs this host left `running` go back to the queue.
    package func recover() async throws {
        for job in try await queue.recoverAfterRestart() {
            logger.warning("job \(job.id) was running when the daemon stopped; now \(job.state.rawValue)")
        }
    }

    /// The service group; `signals` end it gracefully.
    package func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint]) -> ServiceGroup {
        let health = HealthMonitor()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StatusService(queue: queue, notifier: notifier, health: health,
                                         statusInterval: .seconds(configuration.statusIntervalSeconds), logger: logger)),
            .init(service: MaintenanceService(queue: queue, configuration: configuration, logger: logger)),
        ]
        for index in 1...configuration.workers {
            let worker = WorkerService(name: "worker-\(index)", queue: queue, processor: processor,
                                       configuration: configuration, health: health, logger: logger)
            services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: IngestService(queue: queue, configuration: configuration, logger: logger,
                                                     makeSource: makeSource)))
        services.append(.init(service: ShutdownAnnouncer(notifier: notifier, logger: logger),
                              successTerminationBehavior: .ignore))
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.shutdownTimeoutSeconds + 15)
        return ServiceGroup(configuration: group)
    }
}
