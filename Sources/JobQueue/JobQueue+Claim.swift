import Foundation
import GRDB

extension JobQueue {
    /// Claims the next due job for `worker`, or returns nil when none is due.
    ///
    /// One `BEGIN IMMEDIATE` transaction, one statement (`UPDATE … RETURNING`): the job with
    /// the highest priority, then the earliest `scheduled_at`, then the lowest id, among
    /// `queued`/`retrying` jobs due now, becomes `running` with a fresh claim token, a lease of
    /// `leaseDuration`, and `attempt + 1`. Two workers can never claim the same job.
    package func claim(worker: String) async throws -> ClaimedJob? {
        let now = nowMS
        let lease = now + Int64(options.leaseDuration * 1000)
        let token = UUID().uuidString
        let host = options.host
        let job = try await immediate { db in
            try Job.fetchOne(db, sql: """
                UPDATE jobs
                SET state = 'running', attempt = attempt + 1, lease_until = ?, claim_token = ?,
                    worker = ?, host = ?, started_at = ?
                WHERE id = (\(JobQueueSchema.claimPickSQL))
                RETURNING *
                """, arguments: [lease, token, worker, host, now, now])
        }
        return job.map(ClaimedJob.init(job:))
    }

    /// Extends a running job's lease by `leaseDuration` from now. Throws `staleClaim` if the
    /// token no longer holds the job (the worker must stop and drop its result).
    @discardableResult
    package func heartbeat(_ claim: ClaimedJob) async throws -> Date {
        let now = nowMS
        let lease = now + Int64(options.leaseDuration * 1000)
        let (id, token) = (claim.job.id, claim.token)
        try await immediate { db in
            try db.execute(sql: """
                UPDATE jobs SET lease_until = ? WHERE id = ? AND claim_token = ? AND state = 'running'
                """, arguments: [lease, id, token])
            if db.changesCount == 0 { throw try Self.staleClaimError(db, id: id, action: "renew the lease of") }
        }
        return Date(millisecondsSince1970: lease)
    }

    /// Marks a claimed job `succeeded`. Throws `staleClaim` if the claim is no longer valid
    /// (lease expired and rescued, re-claimed by another worker, or cancelled): that worker's
    /// result must not count.
    @discardableResult
    package func complete(_ claim: ClaimedJob) async throws -> Job {
        let now = nowMS
        let (id, token) = (claim.job.id, claim.token)
        return try await immediate { db in
            guard let job = try Job.fetchOne(db, sql: """
                UPDATE jobs SET state = 'succeeded', finished_at = ?, lease_until = NULL, claim_token = NULL
                WHERE id = ? AND claim_token = ? AND state = 'running'
                RETURNING *
                """, arguments: [now, id, token]) else {
                throw try Self.staleClaimError(db, id: id, action: "complete")
            }
            return job
        }
    }

    /// Records a failed attempt and decides the job's next state: `superseded` when a newer
    /// version of its path is queued; `failed` (dead letter) at once for a permanent error,
    /// when an attempt-limited error used up the attempts, or when a transient error's next
    /// try would fall after the queue lifetime; otherwise `retrying` after the backoff delay.
    /// Throws `staleClaim` if the claim is no longer valid.
    @discardableResult
    package func fail(_ claim: ClaimedJob, _ failure: JobFailure) async throws -> Job {
        let now = nowMS
        let (id, token) = (claim.job.id, claim.token)
        let backoff = options.backoff
        let lifetimeMS = Int64(options.maxQueueLifetime * 1000)
        let jitter = self.jitter
        return try await immediate { db in
            guard let job = try Job.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE id = ? AND claim_token = ? AND state = 'running'
                """, arguments: [id, token]) else {
                throw try Self.staleClaimError(db, id: id, action: "fail")
            }
            let kind: JobErrorEntry.Kind = switch failure.kind {
            case .permanent: .permanent
            case .transient: .transient
            case .attemptLimited: .attemptLimited
            }
            try Self.recordError(db, JobErrorEntry(jobID: id, at: Date(millisecondsSince1970: now),
                                                   attempt: job.attempt, kind: kind, message: failure.message))
            if let newer = try Self.newerVersion(of: job, db) {
                return try Self.supersede(db, id: id, by: newer, now: now)
            }
            let retryAt = now + Int64(backoff.delay(afterAttempt: job.attempt, jitter: jitter) * 1000)
            switch failure.kind {
            case .permanent:
                return try Self.release(db, id: id, to: .failed, scheduledAt: nil, now: now)
            case .attemptLimited where job.attempt >= job.maxAttempts:
                return try Self.release(db, id: id, to: .failed, scheduledAt: nil, now: now)
            case .transient where retryAt > job.lifetimeStart.millisecondsSince1970 + lifetimeMS:
                let days = Double(lifetimeMS) / 86_400_000
                try db.execute(sql: "UPDATE jobs SET last_error = ? WHERE id = ?", arguments: [
                    "\(failure.message) (gave up after \(job.attempt) attempts: the queue lifetime of \(days.formatted(.number.precision(.fractionLength(0...2)))) days is over)", id])
                return try Self.release(db, id: id, to: .failed, scheduledAt: nil, now: now)
            case .transient, .attemptLimited:
                return try Self.release(db, id: id, to: .retrying, scheduledAt: retryAt, now: now)
            }
        }
    }

    /// The id of the newest job queued after `job` for the same path (a newer version of
    /// the file), or nil.
    static func newerVersion(of job: Job, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM jobs WHERE path = ? AND id > ?", arguments: [job.path, job.id])
    }

    /// Ends job `id` as `superseded` by job `newer`.
    static func supersede(_ db: Database, id: Int64, by newer: Int64, now: Int64) throws -> Job {
        guard let job = try Job.fetchOne(db, sql: """
            UPDATE jobs SET state = 'superseded', superseded_by = ?, lease_until = NULL, claim_token = NULL,
                finished_at = ?
            WHERE id = ?
            RETURNING *
            """, arguments: [newer, now, id]) else {
            throw JobQueueError(.notFound, "no job with id \(id)")
        }
        return job
    }

    /// Gives a claimed job back unprocessed (graceful shutdown before it finished): the job
    /// becomes `queued`, due now, and the attempt is not counted. Throws `staleClaim` if the
    /// claim is no longer valid.
    @discardableResult
    package func handBack(_ claim: ClaimedJob) async throws -> Job {
        let now = nowMS
        let (id, token) = (claim.job.id, claim.token)
        return try await immediate { db in
            guard let job = try Job.fetchOne(db, sql: """
                UPDATE jobs SET state = 'queued', attempt = MAX(attempt - 1, 0), lease_until = NULL,
                    claim_token = NULL, scheduled_at = ?
                WHERE id = ? AND claim_token = ? AND state = 'running'
                RETURNING *
                """, arguments: [now, id, token]) else {
                throw try Self.staleClaimError(db, id: id, action: "hand back")
            }
            return job
        }
    }

    /// Ends a running attempt: clears the claim and moves the job to `state`.
    static func release(_ db: Database, id: Int64, to state: JobState, scheduledAt: Int64?, now: Int64) throws -> Job {
        precondition(state == .failed || state == .retrying || state == .cancelled)
        guard let job = try Job.fetchOne(db, sql: """
            UPDATE jobs SET state = ?, lease_until = NULL, claim_token = NULL,
                scheduled_at = COALESCE(?, scheduled_at),
                finished_at = CASE WHEN ? IN ('failed', 'cancelled') THEN ? ELSE NULL END
            WHERE id = ?
            RETURNING *
            """, arguments: [state.rawValue, scheduledAt, state.rawValue, now, id]) else {
            throw JobQueueError(.notFound, "no job with id \(id)")
        }
        return job
    }

    /// The error for a token that no longer holds job `id`, saying what happened to it.
    static func staleClaimError(_ db: Database, id: Int64, action: String) throws -> JobQueueError {
        let job = try fetchJob(db, id: id)
        return JobQueueError(.staleClaim, """
            refused to \(action) job \(id): this worker's claim is no longer valid (the job is now \
            \(job.state.rawValue), attempt \(job.attempt)\(job.worker.map { ", last claimed by \($0)" } ?? "")); \
            its lease expired or it was cancelled, so this result is dropped
            """)
    }
}
