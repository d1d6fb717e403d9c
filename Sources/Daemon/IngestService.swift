import FolderWatch
import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Watches the inboxes and queues every settled file (watch -> enqueue), until graceful
/// shutdown. Files that settle together (a start-up scan) are queued in one transaction; if
/// the queue refuses them, the watcher forgets them so the next rescan offers them again.
package struct IngestService: Service, CustomStringConvertible {
    let queue: JobQueue
    let configuration: Configuration
    let logger: Logger
    let makeSource: @Sendable () throws -> any FileEventSource

    package init(queue: JobQueue, configuration: Configuration, logger: Logger,
                 makeSource: @escaping @Sendable () throws -> any FileEventSource = { try InotifyEventSource() }) {
        self.queue = queue
        self.configuration = configuration
        self.logger = logger
        self.makeSource = makeSource
    }

    package var description: String { "IngestService" }

    package func run() async throws {
        let logger = self.logger
        let watcher = try FolderWatcher(
            roots: configuration.inboxes, options: configuration.folderWatchOptions, source: makeSource(),
            onDiagnostic: { diagnostic in
                logger.log(level: diagnostic.isWarning ? .warning : .debug, "\(AdminOutput.oneLine(diagnostic.description))")
            })
        let queue = self.queue
        await cancelWhenGracefulShutdown {
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
}
