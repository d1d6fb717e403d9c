import Foundation
import GRDB

/// Admin operations: listing, inspection, retry and cancel. All are safe while workers run
/// (each write is one immediate transaction; reads see a consistent WAL snapshot).
extension JobQueue {
    /// Jobs in `state` (all states when nil), newest first, at most `limit`.
    package func list(state: JobState? = nil, limit: Int = 100) async throws -> [Job] {
        try await read { db in
            if let state {
                return try Job.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [state.rawValue, limit])
            }
            return try Job.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }

    /// One job with its error history, or `notFound`.
    package func show(id: Int64) async throws -> JobDetail {
        try await read { db in
            let job = try Self.fetchJob(db, id: id)
            let errors = try JobErrorEntry.fetchAll(db, sql: "SELECT * FROM job_errors WHERE job_id = ? ORDER BY at, id",
                                                    arguments: [id])
            return JobDetail(job: job, errors: errors)
        }
    }

    /// Puts a `failed` or `cancelled` job back in the queue, due now, with a fresh set of
    /// `maxAttempts` attempts and a fresh queue lifetime (its error history is kept). Other
    /// states (a `superseded` job's file is gone): `invalidTransition`.
    @discardableResult
    package func retry(id: Int64) async throws -> Job {
        let now = nowMS
        let maxAttempts = options.maxAttempts
        return try await immediate { db in
            let job = try Self.fetchJob(db, id: id)
            guard job.state == .failed || job.state == .cancelled else {
                throw JobQueueError(.invalidTransition, "job \(id) is \(job.state.rawValue); only failed or cancelled jobs can be retried")
            }
            return try Self.requeue(db, id: id, now: now, maxAttempts: maxAttempts)
        }
    }

    /// Retries every `failed` job; returns how many were re-queued.
    @discardableResult
    package func retryAllFailed() async throws -> Int {
        let now = nowMS
        let maxAttempts = options.maxAttempts
        return try await immediate { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', attempt = 0, max_attempts = ?, scheduled_at = ?,
                    lifetime_start = ?, started_at = NULL, finished_at = NULL
                WHERE state = 'failed'
                """, arguments: [maxAttempts, now, now])
            return db.changesCount
        }
    }

    private static func requeue(_ db: Database, id: Int64, now: Int64, maxAttempts: Int) throws -> Job {
        guard let job = try Job.fetchOne(db, sql: """
            UPDATE jobs SET state = 'queued', attempt = 0, max_attempts = ?, scheduled_at = ?,
                lifetime_start = ?, started_at = NULL, finished_at = NULL
            WHERE id = ? RETURNING *
            """, arguments: [maxAttempts, now, now, id]) else {
            throw JobQueueError(.notFound, "no job with id \(id)")
        }
        return job
    }

    /// Cancels a `queued`, `retrying` or `running` job. A running job's worker is not
    /// interrupted, but its claim is void: its `complete`/`fail` will be refused.
    /// Final states: `invalidTransition`.
    @discardableResult
    package func cancel(id: Int64) async throws -> Job {
        let now = nowMS
        return try await immediate { db in
            let job = try Self.fetchJob(db, id: id)
            guard !job.state.isFinal else {
                throw JobQueueError(.invalidTransition, "job \(id) is already \(job.state.rawValue); only queued, retrying or running jobs can be cancelled")
            }
            return try Self.release(db, id: id, to: .cancelled, scheduledAt: nil, now: now)
        }
    }

    /// Number of jobs per state (every state present, zeros included).
    package func counts() async throws -> JobCounts {
        try await read { db in
            var counts = JobCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                let name: String = row["state"]
                if let state = JobState(rawValue: name) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// The job waiting longest (`queued` or `retrying`, by enqueue time), or nil.
    package func oldestWaiting() async throws -> Job? {
        try await read { db in
            try Job.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE state IN ('queued', 'retrying') ORDER BY enqueued_at, id LIMIT 1
                """)
        }
    }

    /// Jobs that reached `succeeded` or `failed` within the last `window` seconds.
    package func throughput(window: TimeInterval) async throws -> Throughput {
        guard window > 0, window.isFinite else { throw JobQueueError(.invalidOptions, "throughput window must be > 0 seconds, got \(window)") }
        let since = nowMS - Int64(window * 1000)
        return try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(state = 'succeeded'), 0) AS ok, COALESCE(SUM(state = 'failed'), 0) AS bad
                FROM jobs WHERE finished_at >= ? AND state IN ('succeeded', 'failed')
                """, arguments: [since])!
            let ok: Int = row["ok"]
            return Throughput(windowSeconds: window, succeeded: ok, failed: row["bad"],
                              succeededPerMinute: Double(ok) / (window / 60))
        }
    }

    /// The most recent error entries across all jobs, newest first.
    package func lastErrors(limit: Int = 10) async throws -> [JobErrorEntry] {
        try await read { db in
            try JobErrorEntry.fetchAll(db, sql: "SELECT * FROM job_errors ORDER BY at DESC, id DESC LIMIT ?", arguments: [limit])
        }
    }
}
