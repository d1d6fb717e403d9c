import Foundation

extension Configuration {
    /// Keys a reload cannot apply: the queue database stays open, the model and the analysis
    /// lanes (`threads_per_worker`, `max_pixels`, `test_time_views`) are built at start-up,
    /// and the stop deadline of the whole service group is fixed when it starts
    /// (`shutdown_timeout_s`). A reload keeps their running values and logs that they need a
    /// restart. Every other key applies live: to jobs claimed after the reload (the review
    /// thresholds among them), to the watcher (restarted when its settings change), the
    /// queue's retry policy, the number of workers, status and maintenance intervals, the
    /// database's mode, and the log level.
    package static let restartKeys: Set<String> = [
        "database", "model", "threads_per_worker", "max_pixels", "shutdown_timeout_s", "test_time_views",
    ]

    /// Each key's value as text, for finding and logging what a reload changed. Every key of
    /// `keys` has an entry (a test checks it).
    package static let keyValues: [String: @Sendable (Configuration) -> String] = [
        "inboxes": { $0.inboxes.joined(separator: ", ") },
        "outbox": { $0.outbox },
        "database": { $0.database },
        "model": { $0.model },
        "workers": { "\($0.workers)" },
        "threads_per_worker": { "\($0.threadsPerWorker)" },
        "settle_ms": { "\($0.settleMilliseconds)" },
        "rescan_interval_s": { "\($0.rescanIntervalSeconds)" },
        "ignore": { $0.ignore.joined(separator: ", ") },
        "follow_symlinks": { "\($0.followSymlinks)" },
        "allow_hard_links": { "\($0.allowHardLinks)" },
        "max_attempts": { "\($0.maxAttempts)" },
        "max_queue_lifetime_days": { "\($0.maxQueueLifetimeDays)" },
        "lease_s": { "\($0.leaseSeconds)" },
        "backoff_base_s": { "\($0.backoffBaseSeconds)" },
        "backoff_factor": { "\($0.backoffFactor)" },
        "backoff_cap_s": { "\($0.backoffCapSeconds)" },
        "backoff_jitter": { "\($0.backoffJitter)" },
        "retention_days": { "\($0.retentionDays)" },
        "max_file_mb": { "\($0.maxFileMegabytes)" },
        "max_pixels": { "\($0.maxPixels)" },
        "test_time_views": { "\($0.testTimeViews)" },
        "low_confidence": { "\($0.lowConfidence)" },
        "low_consistency": { "\($0.lowConsistency)" },
        "on_success": {
            switch $0.onSuccess {
            case .keep: "keep"
            case .move(let folder): "move:" + folder
            }
        },
        "report_group": { $0.reportGroup },
        "report_file_mode": { String($0.reportFileMode, radix: 8) },
        "report_dir_mode": { String($0.reportDirectoryMode, radix: 8) },
        "database_mode": { String($0.databaseMode, radix: 8) },
        "shutdown_timeout_s": { "\($0.shutdownTimeoutSeconds)" },
        "status_interval_s": { "\($0.statusIntervalSeconds)" },
        "log_level": { $0.logLevel.rawValue },
        "job_time_limit_s": { "\($0.jobTimeLimitSeconds)" },
        "job_time_limit_s_per_mb": { "\($0.jobTimeLimitSecondsPerMegabyte)" },
    ]

    /// One changed key: its name and its value before and after.
    package struct Change: Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var old: String
        package var new: String
        package var description: String { "\(key) (\(AdminOutput.oneLine(old)) -> \(AdminOutput.oneLine(new)))" }
    }

    /// The keys whose values differ from `old`'s, in the order of `keys`.
    package func changes(from old: Configuration) -> [Change] {
        Self.keys.compactMap { key in
            guard let text = Self.keyValues[key] else { return nil }
            let (before, after) = (text(old), text(self))
            return before == after ? nil : Change(key: key, old: before, new: after)
        }
    }

    /// This configuration with the `restartKeys` of `running` (what stays in force until a
    /// restart).
    package func keepingRestartKeys(of running: Configuration) -> Configuration {
        var kept = self
        kept.database = running.database
        kept.model = running.model
        kept.threadsPerWorker = running.threadsPerWorker
        kept.maxPixels = running.maxPixels
        kept.testTimeViews = running.testTimeViews
        kept.shutdownTimeoutSeconds = running.shutdownTimeoutSeconds
        return kept
    }
}
