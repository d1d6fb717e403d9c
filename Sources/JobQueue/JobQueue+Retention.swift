import Foundation
import GRDB

extension JobQueue {
    /// Deletes `succeeded`, `cancelled` and `superseded` jobs that finished before `now - age` seconds, with
    /// their error history. `failed` jobs stay until an admin retries or cancels them.
    /// Their input keys are kept (so a file left in the inbox is not processed again); see
    /// `forgetInputKeys`. Returns the number of jobs deleted.
    @discardableResult
    package func prune(olderThan age: TimeInterval) async throws -> Int {
        guard age >= 0, age.isFinite else { throw JobQueueError(.invalidOptions, "retention age must be >= 0 seconds, got \(age)") }
        let cutoff = nowMS - Int64(age * 1000)
        return try await immediate { db in
            try db.execute(sql: """
                DELETE FROM jobs WHERE state IN ('succeeded', 'cancelled', 'superseded') AND finished_at < ?
                """, arguments: [cutoff])
            return db.changesCount
        }
    }

    /// Deletes input keys whose job was pruned and that were first seen before `now - age`
    /// seconds: a file with such a key would be queued again. Returns the number deleted.
    @discardableResult
    package func forgetInputKeys(olderThan age: TimeInterval) async throws -> Int {
        guard age >= 0, age.isFinite else { throw JobQueueError(.invalidOptions, "key age must be >= 0 seconds, got \(age)") }
        let cutoff = nowMS - Int64(age * 1000)
        return try await immediate { db in
            try db.execute(sql: "DELETE FROM input_keys WHERE job_id IS NULL AND first_seen_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
