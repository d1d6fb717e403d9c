import Foundation
import JobQueue
import Logging
import ServiceLifecycle

/// Re-reads the configuration file on each trigger (SIGHUP in the daemon) without stopping
/// work: `RELOADING=1`, load and check the file, apply what can be applied live, then
/// `READY=1`. A file with errors (or an unknown `report_group`) is logged and the previous
/// configuration stays in force.
///
/// Applied at once: the queue's retry policy and lease (`max_attempts`, `lease_s`,
/// `backoff_*`), the log level, the database's mode; through the `ConfigurationStore`: the
/// watcher restarts if the inboxes or watch settings changed, workers are added or retire
/// after their current job, status and maintenance read their intervals, and each job claimed
/// afterwards runs with the new values (time limits, size limit, outbox, permissions,
/// `on_success`). The `Configuration.restartKeys` keep their running values. The log names
/// every changed key: one line for those applied, a warning for those that need a restart.
package struct ReloadService: Service, CustomStringConvertible {
    let path: String
    let store: ConfigurationStore
    let queue: JobQueue
    let notifier: SystemdNotifier
    let logger: Logger
    let logThreshold: LogThreshold
    let triggers: AsyncStream<Void>

    /// What one reload did with the keys that changed.
    package struct Summary: Sendable, Equatable {
        /// Changed keys now in force.
        package var applied: [Configuration.Change]
        /// Changed keys still at their running values until a restart.
        package var needRestart: [Configuration.Change]
    }

    package init(path: String, store: ConfigurationStore, queue: JobQueue, notifier: SystemdNotifier,
                 logger: Logger, logThreshold: LogThreshold, triggers: AsyncStream<Void>) {
        self.path = path
        self.store = store
        self.queue = queue
        self.notifier = notifier
        self.logger = logger
        self.logThreshold = logThreshold
        self.triggers = triggers
    }

    package var description: String { "ReloadService" }

    package func run() async throws {
        for await _ in triggers.cancelOnGracefulShutdown() { await reload() }
    }

    /// One reload; returns what changed, or nil when the file could not be used.
    @discardableResult
    package func reload() async -> Summary? {
        do { try notifier.reloading() } catch { logger.warning("\(error)") }
        defer { do { try notifier.send(["READY=1"]) } catch { logger.warning("\(error)") } }
        do {
            let loaded = try Configuration.load(path: path)
            _ = try ReportPermissions(loaded)  // an unknown report_group
            let old = await store.current
            let changes = loaded.changes(from: old)
            let new = loaded.keepingRestartKeys(of: old)
            if new.databaseMode != old.databaseMode { try DaemonRunner.applyDatabaseMode(new) }
            var options = queue.options
            let wanted = new.jobQueueOptions
            options.leaseDuration = wanted.leaseDuration
            options.maxAttempts = wanted.maxAttempts
            options.maxQueueLifetime = wanted.maxQueueLifetime
            options.backoff = wanted.backoff
            try queue.updateOptions(options)
            await store.update(new)
            let summary = Summary(applied: changes.filter { !Configuration.restartKeys.contains($0.key) },
                                  needRestart: changes.filter { Configuration.restartKeys.contains($0.key) })
            log(summary)  // at the old level, so that raising it does not hide this reload's report
            logThreshold.level = Logger.Level(rawValue: new.logLevel.rawValue) ?? .info
            return summary
        } catch {
            logger.error("reload failed, keeping the previous configuration: \(AdminOutput.oneLine("\(error)"))")
            return nil
        }
    }

    private func log(_ summary: Summary) {
        if summary.applied.isEmpty && summary.needRestart.isEmpty {
            logger.notice("configuration reloaded from \(path): no key changed")
            return
        }
        if !summary.applied.isEmpty {
            logger.notice("configuration reloaded from \(path): applied \(summary.applied.map(\.description).joined(separator: ", "))")
        }
        if !summary.needRestart.isEmpty {
            logger.warning("configuration reloaded from \(path): changed keys that need a restart (running values stay in force until then): \(summary.needRestart.map(\.description).joined(separator: ", "))")
        }
    }
}
