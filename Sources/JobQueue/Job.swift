import Foundation
import GRDB

/// One row of the `jobs` table: an input file and where it is in its life cycle.
///
/// The queue is generic: `path`, `size`, `mtimeNanoseconds` and `contentHash` identify the
/// input (the idempotency key), `payload` is opaque text for the caller (e.g. JSON options).
/// Times are UTC dates at millisecond precision. `claimToken` and `leaseUntil` are set only
/// while the job is `running`.
package struct Job: Sendable, Equatable, Codable, FetchableRecord {
    package var id: Int64
    package var path: String
    package var size: Int64
    package var mtimeNanoseconds: Int64
    package var contentHash: String?
    package var payload: String?
    package var priority: Int
    package var state: JobState
    /// Claims made so far (the running attempt included).
    package var attempt: Int
    package var maxAttempts: Int
    package var enqueuedAt: Date
    /// When the queue lifetime of transient retries began: the enqueue, or an admin's retry.
    package var lifetimeStart: Date
    /// Not claimable before this time (backoff).
    package var scheduledAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    package var leaseUntil: Date?
    package var claimToken: String?
    package var worker: String?
    package var host: String?
    package var lastError: String?
    /// The newer job of the same path that replaced this one (state `superseded`).
    package var supersededBy: Int64?

    package init(row: Row) throws {
        id = row["id"]
        path = row["path"]
        size = row["size"]
        mtimeNanoseconds = row["mtime_ns"]
        contentHash = row["content_hash"]
        payload = row["payload"]
        priority = row["priority"]
        let stateName: String = row["state"]
        guard let state = JobState(rawValue: stateName) else {
            throw JobQueueError(.database, "job \(id) has unknown state '\(stateName)' (database from a newer version?)")
        }
        self.state = state
        attempt = row["attempt"]
        maxAttempts = row["max_attempts"]
        enqueuedAt = Date(millisecondsSince1970: row["enqueued_at"])
        lifetimeStart = Date(millisecondsSince1970: row["lifetime_start"])
        scheduledAt = Date(millisecondsSince1970: row["scheduled_at"])
        startedAt = (row["started_at"] as Int64?).map(Date.init(millisecondsSince1970:))
        finishedAt = (row["finished_at"] as Int64?).map(Date.init(millisecondsSince1970:))
        leaseUntil = (row["lease_until"] as Int64?).map(Date.init(millisecondsSince1970:))
        claimToken = row["claim_token"]
        worker = row["worker"]
        host = row["host"]
        lastError = row["last_error"]
        supersededBy = row["superseded_by"]
    }
}

/// A job a worker holds: the job (state `running`) and the token that proves the claim.
package struct ClaimedJob: Sendable, Equatable {
    package var job: Job
    package var token: String { job.claimToken! }
}
