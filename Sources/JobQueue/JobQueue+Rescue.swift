import Foundation
import GRDB

extension JobQueue {
    /// Returns every `running` job whose lease has expired to the queue (`retrying`, due now)
    /// or, when its attempts are used up, dead-letters it (`failed`). Each gets a
    /// `lease_expired` entry in its history. Returns the rescued jobs in their new state.
    ///
    /// Run periodically by a rescuer; a late worker's `complete`/`fail` is then refused.
    @discardableResult
    package func rescueExpiredLeases() async throws -> [Job] {
        let now = nowMS
        return try await immediate { db in
            let expired = try Job.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE state = 'running' AND lease_until < ? ORDER BY id
                """, arguments: [now])
            return try expired.map { job in
                try Self.rescue(db, job, now: now, reason: "lease expired (worker \(job.worker ?? "?") on \(job.host ?? "?") stopped renewing it)")
            }
        }
    }

    /// At start-up: every `running` job claimed by this host (`options.host`) is stale, since
    /// no worker of a new process holds it, whatever its lease says. Rescues them like
    /// `rescueExpiredLeases` and returns them. Jobs of other hosts are left to their leases.
    @discardableResult
    package func recoverAfterRestart() async throws -> [Job] {
        let now = nowMS
        let host = options.host
        return try await immediate { db in
            let stale = try Job.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE state = 'running' AND host = ? ORDER BY id
                """, arguments: [host])
            return try stale.map { job in
                try Self.rescue(db, job, now: now, reason: "worker \(job.worker ?? "?") lost: \(host) restarted while the job ran")
            }
        }
    }

    private static func rescue(_ db: Database, _ job: Job, now: Int64, reason: String) throws -> Job {
        try recordError(db, JobErrorEntry(jobID: job.id, at: Date(millisecondsSince1970: now),
                                          attempt: job.attempt, kind: .leaseExpired, message: reason))
        if let newer = try newerVersion(of: job, db) { return try supersede(db, id: job.id, by: newer, now: now) }
        let exhausted = job.attempt >= job.maxAttempts
        return try release(db, id: job.id, to: exhausted ? .failed : .retrying, scheduledAt: exhausted ? nil : now, now: now)
    }
}
