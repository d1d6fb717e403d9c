import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import UnixSignals

/// Wires the daemon: opens the queue, recovers jobs a previous run left `running`, and builds
/// the service group — status (READY, STATUS, WATCHDOG), maintenance (lease rescue, pruning),
/// the database guard (stops the daemon when its database becomes unusable), the worker pool, ingest (watch -> enqueue), reload (re-read the configuration file on each
/// trigger: SIGHUP by default) and the shutdown announcer (STOPPING).
///
/// Graceful shutdown (SIGTERM/SIGINT, or `triggerGracefulShutdown` in tests) stops the
/// services in reverse order: STOPPING is announced, ingest stops, workers finish or hand
/// back their jobs, then maintenance and status end.
package struct DaemonRunner: Sendable {
    package let configuration: Configuration
    package let queue: JobQueue
    package let store: ConfigurationStore
    /// The file a reload re-reads (nil: no reloading).
    let configurationPath: String?
    let processor: any JobProcessor
    let notifier: SystemdNotifier
    let logger: Logger
    let makeSource: @Sendable () throws -> any FileEventSource
    /// How long a cancelled job attempt may take to stop before it is left behind as stuck.
    let cancelGrace: Duration
    /// The level every daemon logger follows; a reload sets it from `log_level`.
    package let logThreshold: LogThreshold
    /// Held while the runner lives: one daemon per queue database.
    let instanceLock: InstanceLock

    /// Takes the database's `InstanceLock` (throws `DaemonError(.alreadyRunning)` when another
    /// daemon holds it), then opens (creating if needed) the queue database with
    /// `database_mode` permissions, checking it first (`PRAGMA quick_check`, writable): a damaged
    /// file throws `JobQueueError(.corrupt)`, one that cannot be written `.readOnly`.
    /// `logThreshold` is the level the daemon's log handlers follow (a reload changes it).
    package init(configuration: Configuration, configurationPath: String? = nil, processor: any JobProcessor,
                 notifier: SystemdNotifier = SystemdNotifier(), logger: Logger, clock: any JobClock = SystemJobClock(),
                 makeSource: @escaping @Sendable () throws -> any FileEventSource = { try InotifyEventSource() },
                 cancelGrace: Duration = .seconds(10), logThreshold: LogThreshold? = nil) throws {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.store = ConfigurationStore(configuration)
        self.processor = processor
        self.notifier = notifier
        self.logger = logger
        self.makeSource = makeSource
        self.cancelGrace = cancelGrace
        self.logThreshold = logThreshold ?? LogThreshold(Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info)
        _ = try ReportPermissions(configuration)  // an unknown report_group stops start-up
        instanceLock = try InstanceLock(database: configuration.database, mode: mode_t(configuration.databaseMode))
        queue = try JobQueue(path: configuration.database, options: configuration.jobQueueOptions, clock: clock,
                             verifyAtOpen: true)
        try Self.applyDatabaseMode(configuration)
    }

    /// Gives the database and its `-wal`/`-shm` files `database_mode` where they exist and
    /// have another mode (at start-up, on a reload, and at each `DatabaseGuardService` check).
    static func applyDatabaseMode(_ configuration: Configuration) throws {
        let mode = mode_t(configuration.databaseMode)
        for suffix in ["", "-wal", "-shm"] {
            let path = configuration.database + suffix
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o7777 != mode else { continue }
            guard chmod(path, mode) == 0 else {
                throw DaemonError(.output, "cannot set permissions of \(path) to \(String(mode, radix: 8)): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Start-up recovery: jobs this host left `running` go back to the queue.
    package func recover() async throws {
        for job in try await queue.recoverAfterRestart() {
            logger.warning("job \(job.id) was running when the daemon stopped; now \(job.state.rawValue)")
        }
    }

    /// Reload triggers from SIGHUP (the handler is installed now, so a SIGHUP no longer
    /// terminates the process).
    package static func hangupTriggers() async -> AsyncStream<Void> {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            for await _ in signals { continuation.yield() }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The service group; `signals` end it gracefully, each element of `reloadTriggers`
    /// re-reads `configurationPath`.
    package func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint], reloadTriggers: AsyncStream<Void>? = nil) -> ServiceGroup {
        let health = HealthMonitor()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StatusService(queue: queue, notifier: notifier, health: health,
                                         statusInterval: .seconds(configuration.statusIntervalSeconds), logger: logger,
                                         store: store)),
            .init(service: MaintenanceService(queue: queue, configuration: configuration, logger: logger, store: store,
                                              health: health)),
            .init(service: DatabaseGuardService(queue: queue, store: store, logger: logger)),
        ]
        services.append(.init(service: WorkerPoolService(queue: queue, processor: processor, store: store,
                                                         health: health, logger: logger, cancelGrace: cancelGrace),
                              successTerminationBehavior: .gracefullyShutdownGroup))
        services.append(.init(service: IngestService(queue: queue, store: store, logger: logger, makeSource: makeSource)))
        if let configurationPath, let reloadTriggers {
            services.append(.init(service: ReloadService(path: configurationPath, store: store, queue: queue, notifier: notifier,
                                                         logger: logger, logThreshold: logThreshold, triggers: reloadTriggers),
                                  successTerminationBehavior: .ignore))
        }
        services.append(.init(service: ShutdownAnnouncer(notifier: notifier, logger: logger),
                              successTerminationBehavior: .ignore))
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.shutdownTimeoutSeconds + 15)
        return ServiceGroup(configuration: group)
    }
}
