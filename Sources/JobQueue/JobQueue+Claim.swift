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

    /// Records a failed attempt and decides the job's next state: `failed` at once for a
    /// permanent error or when the attempts are used up (dead letter), otherwise `retrying`
    /// after the backoff delay. Throws `staleClaim` if the claim is no longer valid.
    @discardableResult
    package func fail(_ claim: ClaimedJob, _ failure: JobFailure) async throws -> Job {
        let now = nowMS
        let (id, token) = (claim.job.id, claim.token)
        let backoff = options.backoff
        let jitter = self.jitter
        return try await immediate { db in
            guard let job = try Job.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE id = ? AND claim_token = ? AND state = 'running'
                """, arguments: [id, token]) else {
                throw try Self.staleClaimError(db, id: id, action: "fail")
            }
            let kind: JobErrorEntry.Kind = failure.kind == .permanent ? .permanent : .transient
            try Self.recordError(db, JobErrorEntry(jobID: id, at: Date(millisecondsSince1970: now),
                                                   attempt: job.attempt, kind: kind, message: failure.message))
            if failure.kind == .permanent || job.attempt >= job.maxAttempts {
                return try Self.release(db, id: id, to: .failed, scheduledAt: nil, now: now)
            }
            let delay = backoff.delay(afterAttempt: job.attempt, jitter: jitter)
            return try Self.release(db, id: id, to: .retrying, scheduledAt: now + Int64(delay * 1000), now: now)
        }
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
