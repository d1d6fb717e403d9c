import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Ends the daemon as soon as its queue database can no longer be used, rather than letting
/// the workers meet (and log) the same failure several times a second: the first fatal error
/// any queue operation meets (a corrupt page, a read-only file: `JobQueueError.isFatal`), or,
/// checked every `interval`, a database file deleted, renamed away or replaced since it was
/// opened (`JobQueue.checkFile`). It logs the failure as critical and throws it, which ends
/// the service group and so the daemon, with the exit status of that error.
///
/// At each check it also gives the database and its `-wal`/`-shm` files `database_mode`
/// (SQLite recreates those two, and whoever creates them does so under their own umask);
/// a file it cannot change is logged as a warning once, not at every check.
package struct DatabaseGuardService: Service, CustomStringConvertible {
    let queue: JobQueue
    let store: ConfigurationStore
    let logger: Logger
    let interval: Duration

    package init(queue: JobQueue, store: ConfigurationStore, logger: Logger, interval: Duration = .seconds(5)) {
        self.queue = queue
        self.store = store
        self.logger = logger
        self.interval = interval
    }

    package var description: String { "DatabaseGuardService" }

    package func run() async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [queue] in  // ends quietly when cancelled
                    if let error = try? await queue.firstFatalError() { throw error }
                }
                group.addTask { try await watchFile() }
                _ = try await group.next()  // the file watch ends at graceful shutdown or cancellation
                group.cancelAll()
            }
        } catch let error as JobQueueError {
            logger.critical("\(AdminOutput.oneLine(error.message)); stopping the daemon")
            throw error
        }
    }

    /// Every `interval` until graceful shutdown: the file's identity, then its modes.
    func watchFile() async throws {
        var modeProblem: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try queue.checkFile()
            do {
                try DaemonRunner.applyDatabaseMode(await store.current)
                modeProblem = nil
            } catch {
                let text = "\(error)"
                if text != modeProblem { logger.warning("\(AdminOutput.oneLine(text))") }
                modeProblem = text
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }
}
