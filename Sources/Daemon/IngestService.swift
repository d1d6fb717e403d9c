import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Watches the inboxes and queues every settled file (watch -> enqueue), until graceful
/// shutdown. Files that settle together (a start-up scan) are queued in one transaction; if
/// the queue refuses them, the watcher forgets them so the next rescan offers them again.
/// A reload that changes the inboxes or the watch settings restarts the watcher (with a
/// full scan; files already queued are recognised as duplicates). If the kernel's events
/// cannot be had at all, the inboxes are covered by the periodic rescan alone.
package struct IngestService: Service, CustomStringConvertible {
    let queue: JobQueue
    let store: ConfigurationStore
    let logger: Logger
    let makeSource: @Sendable () throws -> any FileEventSource

    package init(queue: JobQueue, store: ConfigurationStore, logger: Logger,
                 makeSource: @escaping @Sendable () throws -> any FileEventSource = { try InotifyEventSource() }) {
        self.queue = queue
        self.store = store
        self.logger = logger
        self.makeSource = makeSource
    }

    package var description: String { "IngestService" }

    package func run() async throws {
        var configuration = await store.current
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let changes = await store.changes()
            let watching = configuration
            let restart: Configuration? = try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Configuration?.self) { group in
                    group.addTask {
                        try await self.watch(watching)
                        return nil
                    }
                    group.addTask {
                        for await new in changes
                        where new.inboxes != watching.inboxes || new.folderWatchOptions != watching.folderWatchOptions {
                            return new
                        }
                        return nil
                    }
                    let first = try await group.next() ?? nil
                    group.cancelAll()
                    return first
                }
            }
            guard let restart else { return }
            logger.notice("watch settings changed; restarting the watcher on \(restart.inboxes.count) inbox(es)")
            configuration = restart
        }
    }

    /// Runs one watcher over `configuration`'s inboxes until cancelled.
    private func watch(_ configuration: Configuration) async throws {
        let logger = self.logger
        let source: any FileEventSource
        do {
            source = try makeSource()
        } catch {
            logger.warning("no file events (\(error)); finding files by rescanning every \(configuration.rescanIntervalSeconds) s")
            source = ScanOnlyEventSource(reason: "\(error)")
        }
        let watcher = try FolderWatcher(
            roots: configuration.inboxes, options: configuration.folderWatchOptions, source: source,
            onDiagnostic: { diagnostic in
                logger.log(level: diagnostic.isWarning ? .warning : .debug, "\(AdminOutput.oneLine(diagnostic.description))")
            })
        let queue = self.queue
        await watcher.run(emitBatch: { batch in
            let inputs = batch.map {
                JobInput(path: $0.path, size: $0.size, mtimeNanoseconds: $0.mtimeNanoseconds)
            }
            do {
                let outcomes = try await queue.enqueue(inputs)
                for case .enqueued(let job) in outcomes {
                    logger.info("queued job \(job.id): \(AdminOutput.oneLine(job.path))")
                }
            } catch {
                logger.error("cannot queue \(inputs.count) file(s), will offer them again at the next rescan: \(error)")
                await watcher.forgetEmitted(inputs.map(\.path))
            }
        })
    }
}
