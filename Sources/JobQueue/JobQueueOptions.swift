import Foundation

/// The queue's tunables; everything has a default a daemon can run with.
package struct JobQueueOptions: Sendable, Equatable {
    /// How long a claim stays valid without a heartbeat, in seconds. A worker that runs longer
    /// must call `heartbeat` before it runs out, or the rescuer hands its job to another worker.
    package var leaseDuration: TimeInterval = 300
    /// Attempts (claims) a job gets before it is dead-lettered as `failed` (>= 1) when its
    /// attempts end in crashes (an expired lease) or `attemptLimited` failures.
    package var maxAttempts: Int = 5
    /// How long `transient` failures are retried, in seconds from the job's `lifetimeStart`
    /// (Postfix's `maximal_queue_lifetime`, 5 days): a fault that heals within it costs no job.
    package var maxQueueLifetime: TimeInterval = 5 * 86_400
    /// Delay between attempts after a transient error.
    package var backoff = BackoffPolicy()
    /// This machine's name, stored with each claim; at start-up every `running` job of this
    /// host is stale (`recoverAfterRestart`). Defaults to `gethostname`.
    package var host: String = JobQueueOptions.currentHost()
    /// SQLite's `synchronous` setting. `full` by default: with WAL, `normal` can lose the last
    /// committed transactions on power loss (the database stays consistent), which here would
    /// silently undo an admin's cancel or a job's completion; `full` costs one extra fsync per
    /// commit, negligible at files-per-minute rates.
    package var synchronous: Synchronous = .full
    /// How long a connection waits for another process's write lock before failing, in seconds.
    package var busyTimeout: TimeInterval = 5

    /// SQLite `PRAGMA synchronous` values the queue accepts.
    package enum Synchronous: String, Sendable, Equatable { case normal = "NORMAL", full = "FULL" }

    package init() {}

    /// Throws `JobQueueError.invalidOptions` naming the first bad field.
    package func validate() throws {
        guard leaseDuration > 0, leaseDuration.isFinite else {
            throw JobQueueError(.invalidOptions, "lease duration must be > 0 seconds, got \(leaseDuration)")
        }
        guard maxAttempts >= 1 else { throw JobQueueError(.invalidOptions, "max attempts must be >= 1, got \(maxAttempts)") }
        guard maxQueueLifetime > 0, maxQueueLifetime.isFinite else {
            throw JobQueueError(.invalidOptions, "max queue lifetime must be > 0 seconds, got \(maxQueueLifetime)")
        }
        guard busyTimeout >= 0, busyTimeout.isFinite else {
            throw JobQueueError(.invalidOptions, "busy timeout must be >= 0 seconds, got \(busyTimeout)")
        }
        guard !host.isEmpty else { throw JobQueueError(.invalidOptions, "host name must not be empty") }
        try backoff.validate()
    }

    /// The machine's host name, or "localhost" when it cannot be read.
    package static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
