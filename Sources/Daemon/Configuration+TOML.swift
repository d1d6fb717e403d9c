import Foundation
import CellModel
import JobQueue
import TOMLKit

extension Configuration {
    /// Every key `leuko.toml` may contain (all top level). `etc/leuko.toml` documents each one.
    package static let keys = [
        "inboxes", "outbox", "database", "model", "workers", "threads_per_worker", "settle_ms",
        "rescan_interval_s", "ignore", "follow_symlinks", "allow_hard_links", "max_attempts", "max_queue_lifetime_days", "lease_s",
        "backoff_base_s", "backoff_factor", "backoff_cap_s", "backoff_jitter", "retention_days", "max_file_mb", "max_pixels",
        "on_success", "report_group", "report_file_mode", "report_dir_mode", "database_mode",
        "shutdown_timeout_s", "status_interval_s", "log_level", "job_time_limit_s", "job_time_limit_s_per_mb",
        "test_time_views", "low_confidence", "low_consistency",
    ]

    /// Reads and checks the configuration file at `path`.
    /// Throws `DaemonError.configuration` naming the file, and the key when one is at fault.
    package static func load(path: String) throws -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
            throw DaemonError(.configuration, "configuration file \(path) \(reason)")
        }
        return try parse(text, source: path)
    }

    /// Parses and checks a configuration document; `source` names it in error messages.
    package static func parse(_ text: String, source: String = "leuko.toml") throws -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw DaemonError(.configuration, "\(source): line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        }
        let r = ConfigurationReader(table: table, source: source)
        try r.rejectUnknownKeys(known: keys)

        guard let inboxes = try r.strings("inboxes", allowEmpty: false) else {
            throw DaemonError(.configuration, "\(source): missing required key 'inboxes' (a list of folders to watch)")
        }
        for inbox in inboxes where !ConfigurationReader.isAbsolutePath(inbox) {
            throw DaemonError(.configuration, "\(source): key 'inboxes': '\(inbox)' is not an absolute path")
        }
        guard let outbox = try r.path("outbox") else {
            throw DaemonError(.configuration, "\(source): missing required key 'outbox' (the folder reports are written to)")
        }
        var c = Configuration(inboxes: inboxes, outbox: outbox)
        try c.checkFolders(source: source)

        c.database = try r.path("database") ?? c.database
        c.model = try r.path("model") ?? c.model
        c.workers = try r.int("workers", in: 1...64) ?? c.workers
        c.threadsPerWorker = try r.int("threads_per_worker", in: 1...256) ?? c.threadsPerWorker
        if let views = try r.int("test_time_views", in: 1...8) {
            guard TestTimeViews.counts.contains(views) else {
                throw DaemonError(.configuration, "\(source): key 'test_time_views': \(views) is not 1, 2, 4 or 8")
            }
            c.testTimeViews = views
        }
        c.lowConfidence = try r.double("low_confidence", in: 0...1) ?? c.lowConfidence
        c.lowConsistency = try r.double("low_consistency", in: 0...1) ?? c.lowConsistency
        c.settleMilliseconds = try r.int("settle_ms", in: 0...3_600_000) ?? c.settleMilliseconds
        c.rescanIntervalSeconds = try r.int("rescan_interval_s", in: 1...86_400) ?? c.rescanIntervalSeconds
        c.ignore = try r.strings("ignore", allowEmpty: true) ?? c.ignore
        for pattern in c.ignore where pattern.isEmpty || pattern.contains("/") {
            throw DaemonError(.configuration, "\(source): key 'ignore': pattern '\(pattern)' must be a non-empty file name pattern without '/'")
        }
        c.followSymlinks = try r.bool("follow_symlinks") ?? c.followSymlinks
        c.allowHardLinks = try r.bool("allow_hard_links") ?? c.allowHardLinks
        c.maxAttempts = try r.int("max_attempts", in: 1...100) ?? c.maxAttempts
        c.maxQueueLifetimeDays = try r.double("max_queue_lifetime_days", in: 0.000_01...365) ?? c.maxQueueLifetimeDays
        c.leaseSeconds = try r.int("lease_s", in: 5...86_400) ?? c.leaseSeconds
        c.backoffBaseSeconds = try r.double("backoff_base_s", in: 0.001...86_400) ?? c.backoffBaseSeconds
        c.backoffFactor = try r.double("backoff_factor", in: 1...100) ?? c.backoffFactor
        c.backoffCapSeconds = try r.double("backoff_cap_s", in: 0.001...604_800) ?? c.backoffCapSeconds
        guard c.backoffCapSeconds >= c.backoffBaseSeconds else {
            throw DaemonError(.configuration, "\(source): key 'backoff_cap_s': \(c.backoffCapSeconds) is less than backoff_base_s (\(c.backoffBaseSeconds))")
        }
        c.backoffJitter = try r.double("backoff_jitter", in: 0...1, upperOpen: true) ?? c.backoffJitter
        c.retentionDays = try r.int("retention_days", in: 0...36_500) ?? c.retentionDays
        c.maxFileMegabytes = try r.int("max_file_mb", in: 1...1_048_576) ?? c.maxFileMegabytes
        c.maxPixels = try r.int("max_pixels", in: 1...1_000_000_000_000) ?? c.maxPixels
        if let value = try r.string("on_success") {
            c.onSuccess = try Self.onSuccess(value, source: source)
            if case .move(let dir) = c.onSuccess, let inbox = c.inboxes.first(where: { Self.overlap(dir, $0) }) {
                throw DaemonError(.configuration, "\(source): key 'on_success': '\(dir)' overlaps inbox '\(inbox)' (moved files would be queued again)")
            }
        }
        c.reportGroup = try r.string("report_group") ?? c.reportGroup
        c.reportFileMode = try r.mode("report_file_mode") ?? c.reportFileMode
        c.reportDirectoryMode = try r.mode("report_dir_mode") ?? c.reportDirectoryMode
        c.databaseMode = try r.mode("database_mode") ?? c.databaseMode
        c.jobTimeLimitSeconds = try r.int("job_time_limit_s", in: 1...604_800) ?? c.jobTimeLimitSeconds
        c.jobTimeLimitSecondsPerMegabyte = try r.double("job_time_limit_s_per_mb", in: 0...3_600) ?? c.jobTimeLimitSecondsPerMegabyte
        c.shutdownTimeoutSeconds = try r.int("shutdown_timeout_s", in: 1...3_600) ?? c.shutdownTimeoutSeconds
        c.statusIntervalSeconds = try r.int("status_interval_s", in: 1...3_600) ?? c.statusIntervalSeconds
        if let level = try r.string("log_level") {
            guard let parsed = LogLevel(rawValue: level) else {
                throw DaemonError(.configuration, "\(source): key 'log_level': expected one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(level)\"")
            }
            c.logLevel = parsed
        }
        // The queue's own checks, here, so that a daemon never meets them once running.
        do { try c.jobQueueOptions.validate() } catch let error as JobQueueError {
            throw DaemonError(.configuration, "\(source): \(error.message)")
        }
        return c
    }

    private static func onSuccess(_ value: String, source: String) throws -> OnSuccess {
        if value == "keep" { return .keep }
        if value.hasPrefix("move:") {
            let dir = String(value.dropFirst(5))
            if ConfigurationReader.isAbsolutePath(dir) { return .move(to: dir) }
        }
        throw DaemonError(.configuration, "\(source): key 'on_success': expected \"keep\" or \"move:/absolute/folder\", got \"\(value)\"")
    }

    /// Inboxes must be distinct and not nested, and the outbox outside every inbox (or the
    /// reports would be queued as inputs).
    private func checkFolders(source: String) throws {
        for (i, a) in inboxes.enumerated() {
            for b in inboxes[(i + 1)...] where Self.overlap(a, b) {
                throw DaemonError(.configuration, "\(source): key 'inboxes': '\(a)' and '\(b)' overlap")
            }
            if Self.overlap(outbox, a) {
                throw DaemonError(.configuration, "\(source): key 'outbox': '\(outbox)' overlaps inbox '\(a)'")
            }
        }
    }

    /// Whether one folder is the other or inside it (textually; trailing slashes ignored).
    static func overlap(_ a: String, _ b: String) -> Bool {
        func trimmed(_ p: String) -> String {
            var p = p
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            return p
        }
        let (a, b) = (trimmed(a), trimmed(b))
        return a == b || a.hasPrefix(b == "/" ? "/" : b + "/") || b.hasPrefix(a == "/" ? "/" : a + "/")
    }
}
