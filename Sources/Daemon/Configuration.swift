import Analysis
import FolderWatch
import Foundation
import JobQueue

/// The daemon's settings, as read from `leuko.toml` (see `etc/leuko.toml`, which shows every
/// key with its default, and `Configuration+TOML.swift` for the rules of each key).
///
/// Durations are stored in the unit their key names (`settle_ms` -> milliseconds). Paths are
/// absolute. Only `inboxes` and `outbox` are required; everything else has the default shown.
package struct Configuration: Sendable, Equatable {
    /// Folders the scanners write into, watched recursively (`inboxes`).
    package var inboxes: [String]
    /// Where report sets go: `INBOX/sub/dir/name.ext` -> `OUTBOX/sub/dir/name/` (`outbox`).
    package var outbox: String
    /// The queue's SQLite file (`database`).
    package var database = "/var/lib/leuko/queue.sqlite"
    /// The model weights (`model`).
    package var model = "/usr/local/share/leuko/leuko-wbc-v1.safetensors"
    /// Concurrent analyses (`workers`).
    package var workers = 1
    /// Compute threads each worker uses (`threads_per_worker`).
    package var threadsPerWorker = 1
    /// Test-time views per cell, 1, 2, 4 or 8 (`test_time_views`; see `AnalyzerSettings.views`):
    /// more views cost one network pass each.
    package var testTimeViews = 2
    /// A cell whose calibrated probability is below this is flagged for review
    /// (`low_confidence`; see `AnalyzerSettings.lowConfidence` and `leuko eval`'s review curves).
    package var lowConfidence = AnalyzerSettings().lowConfidence
    /// A cell whose Grad-CAM consistency is below this is flagged for review
    /// (`low_consistency`; see `AnalyzerSettings.lowConsistency`).
    package var lowConsistency = AnalyzerSettings().lowConsistency

    /// The review thresholds together (`low_confidence`, `low_consistency`).
    package var review: ReviewThresholds {
        ReviewThresholds(lowConfidence: lowConfidence, lowConsistency: lowConsistency)
    }

    /// Quiet period before a new file is queued, in ms (`settle_ms`).
    package var settleMilliseconds = 2_000
    /// Interval of the full rescan of every inbox, in s (`rescan_interval_s`).
    package var rescanIntervalSeconds = 300
    /// File and folder names never queued (`ignore`).
    package var ignore = IgnoreRules.defaultPatterns
    /// Follow symlinks to files inside the same inbox (`follow_symlinks`).
    package var followSymlinks = false
    /// Process input files that have other names too (a link count above 1), which may lie
    /// outside the inbox (`allow_hard_links`; see `InputGuard`).
    package var allowHardLinks = false
    /// Attempts before a job whose attempts crash or run out of time is dead-lettered as
    /// failed (`max_attempts`).
    package var maxAttempts = 5
    /// Days a job that fails with transient errors (a missing model, a busy database) keeps
    /// being retried before it is failed (`max_queue_lifetime_days`, as Postfix's 5 days).
    package var maxQueueLifetimeDays = 5.0
    /// A worker's lease on a job, renewed while it runs, in s (`lease_s`).
    package var leaseSeconds = 600
    /// Delay after the first failure, in s (`backoff_base_s`).
    package var backoffBaseSeconds = 10.0
    /// Growth of the delay per attempt (`backoff_factor`).
    package var backoffFactor = 2.0
    /// Largest delay, in s (`backoff_cap_s`).
    package var backoffCapSeconds = 3600.0
    /// Relative jitter of each delay (`backoff_jitter`).
    package var backoffJitter = 0.2
    /// Days succeeded, cancelled and superseded jobs are kept; 0 keeps them forever (`retention_days`).
    package var retentionDays = 30
    /// Larger input files fail at once as too large, in MiB (`max_file_mb`).
    package var maxFileMegabytes = 2_048
    /// Images with more pixels (width x height) fail at once as too large (`max_pixels`).
    package var maxPixels = 1_000_000_000
    /// What happens to an input after success (`on_success`).
    package var onSuccess = OnSuccess.keep
    /// Group given to reports so technicians can read them; empty: the daemon's group
    /// (`report_group`).
    package var reportGroup = ""
    /// Permissions of report files (`report_file_mode`, octal).
    package var reportFileMode: UInt16 = 0o640
    /// Permissions of report folders (`report_dir_mode`, octal).
    package var reportDirectoryMode: UInt16 = 0o750
    /// Permissions of the queue database (`database_mode`, octal).
    package var databaseMode: UInt16 = 0o600
    /// A job's time limit, in s: this much for any input (`job_time_limit_s`) ...
    package var jobTimeLimitSeconds = 600
    /// ... plus this much per MiB of input (`job_time_limit_s_per_mb`); see `timeLimitSeconds(forBytes:)`.
    package var jobTimeLimitSecondsPerMegabyte = 8.0
    /// On SIGTERM, how long running jobs may take to finish before they are handed back, in s
    /// (`shutdown_timeout_s`).
    package var shutdownTimeoutSeconds = 30
    /// How often the status line (systemd `STATUS=`) is refreshed, in s (`status_interval_s`).
    package var statusIntervalSeconds = 10
    /// Least severe log level written (`log_level`).
    package var logLevel = LogLevel.info

    /// `on_success`: leave the input where it is, or move it below a folder (mirroring its
    /// path below the inbox).
    package enum OnSuccess: Sendable, Equatable {
        case keep
        case move(to: String)
    }

    /// `log_level` values, as swift-log names them.
    package enum LogLevel: String, Sendable, Equatable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// A configuration with the given required keys and every other key at its default.
    package init(inboxes: [String], outbox: String) {
        self.inboxes = inboxes
        self.outbox = outbox
    }

    /// The queue's options (lease, attempts, backoff) from this configuration.
    package var jobQueueOptions: JobQueueOptions {
        var options = JobQueueOptions()
        options.leaseDuration = TimeInterval(leaseSeconds)
        options.maxAttempts = maxAttempts
        options.maxQueueLifetime = maxQueueLifetimeDays * 86_400
        options.backoff = BackoffPolicy(base: backoffBaseSeconds, factor: backoffFactor,
                                        cap: backoffCapSeconds, jitter: backoffJitter)
        return options
    }

    /// The time limit of a job whose input has `bytes` bytes, in whole seconds (rounded up):
    /// `job_time_limit_s + job_time_limit_s_per_mb x MiB`. A job still running then is
    /// cancelled and fails (retried by the retry policy) with "exceeded the time limit".
    package func timeLimitSeconds(forBytes bytes: Int64) -> Int {
        let perByte = jobTimeLimitSecondsPerMegabyte / 1_048_576
        let extra = (Double(max(bytes, 0)) * perByte).rounded(.up)
        return jobTimeLimitSeconds + Int(min(extra, 1e12))
    }

    /// The watcher's options (settle, rescan, ignore, symlinks) from this configuration.
    package var folderWatchOptions: FolderWatchOptions {
        var options = FolderWatchOptions()
        options.settle = .milliseconds(settleMilliseconds)
        options.rescanInterval = .seconds(rescanIntervalSeconds)
        options.ignorePatterns = ignore
        options.followSymlinksInsideRoot = followSymlinks
        return options
    }
}
