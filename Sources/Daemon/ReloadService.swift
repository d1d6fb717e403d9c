import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Re-reads the configuration file on each trigger (SIGHUP in the daemon) without stopping
/// work: `RELOADING=1`, load and check the file, apply it (queue thresholds at once; the
/// watcher restarts if the inboxes or watch settings changed; workers are added or retire
/// after their current job), then `READY=1`. A file with errors is logged and the previous
/// configuration stays in force. `database` cannot change without a restart.
package struct ReloadService: Service, CustomStringConvertible {
    let path: String
    let store: ConfigurationStore
    let queue: JobQueue
    let notifier: SystemdNotifier
    let logger: Logger
    let triggers: AsyncStream<Void>

    package init(path: String, store: ConfigurationStore, queue: JobQueue, notifier: SystemdNotifier,
                 logger: Logger, triggers: AsyncStream<Void>) {
        self.path = path
        self.store = store
        self.queue = queue
        self.notifier = notifier
        self.logger = logger
        self.triggers = triggers
    }

    package var description: String { "ReloadService" }

    package func run() async throws {
        for await _ in triggers.cancelOnGracefulShutdown() { await reload() }
    }

    /// One reload; returns whether the new configuration was applied.
    @discardableResult
    package func reload() async -> Bool {
        do { try notifier.reloading() } catch { logger.warning("\(error)") }
        defer { do { try notifier.send(["READY=1"]) } catch { logger.warning("\(error)") } }
        do {
            var new = try Configuration.load(path: path)
            let old = await store.current
            if new.database != old.database {
                logger.warning("'database' changes only at restart; still using \(old.database)")
                new.database = old.database
            }
            var options = queue.options
            let wanted = new.jobQueueOptions
            options.leaseDuration = wanted.leaseDuration
            options.maxAttempts = wanted.maxAttempts
            options.backoff = wanted.backoff
            try queue.updateOptions(options)
            await store.update(new)
            logger.notice("configuration reloaded from \(path)")
            return true
        } catch {
            logger.error("reload failed, keeping the previous configuration: \(error)")
            return false
        }
    }
}
