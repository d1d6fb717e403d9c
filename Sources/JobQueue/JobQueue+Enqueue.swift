import Foundation
import GRDB

extension JobQueue {
    /// Enqueues one input unless it was seen before (see `enqueue(_:)` for batches).
    @discardableResult
    package func enqueue(_ input: JobInput) async throws -> EnqueueOutcome {
        try await enqueue([input])[0]
    }

    /// Inputs per write transaction in a batched enqueue.
    package static let enqueueChunk = 500

    /// Enqueues many inputs, returning one outcome per input, in order.
    ///
    /// A start-up scan of a full inbox is a few commits, not thousands, and keeps the write
    /// lock short: keys already known are found first on a reader (WAL: no lock), and the
    /// rest are written in transactions of `enqueueChunk` inputs (each checking again). The
    /// batch as a whole is therefore not atomic, which idempotency makes harmless.
    ///
    /// Idempotent: an input whose `(path, size, mtime)` key is known, or whose content hash
    /// matches a known input at the same path, is a `.duplicate` and creates nothing. The same
    /// input twice in one batch is enqueued once.
    package func enqueue(_ inputs: [JobInput]) async throws -> [EnqueueOutcome] {
        for input in inputs {
            guard !input.path.isEmpty else { throw JobQueueError(.invalidOptions, "cannot enqueue an empty path") }
            guard input.size >= 0 else { throw JobQueueError(.invalidOptions, "\(input.path): negative size \(input.size)") }
        }
        var outcomes = try await read { db in
            try inputs.map { input -> EnqueueOutcome? in
                try Row.fetchOne(db, sql: "SELECT job_id FROM input_keys WHERE path = ? AND size = ? AND mtime_ns = ?",
                                 arguments: [input.path, input.size, input.mtimeNanoseconds])
                    .map { .duplicate(existingJobID: $0["job_id"]) }
            }
        }
        let pending = outcomes.indices.filter { outcomes[$0] == nil }
        for start in stride(from: 0, to: pending.count, by: Self.enqueueChunk) {
            let indexes = Array(pending[start..<min(start + Self.enqueueChunk, pending.count)])
            let chunk = indexes.map { inputs[$0] }
            let now = nowMS
            let maxAttempts = options.maxAttempts
            let written = try await immediate { db in
                try chunk.map { input in try Self.enqueueOne(db, input, now: now, maxAttempts: maxAttempts) }
            }
            for (index, outcome) in zip(indexes, written) { outcomes[index] = outcome }
        }
        return outcomes.map { $0! }
    }

    private static func enqueueOne(_ db: Database, _ input: JobInput, now: Int64, maxAttempts: Int) throws -> EnqueueOutcome {
        if let existing = try Row.fetchOne(db, sql: """
            SELECT job_id FROM input_keys WHERE path = ? AND size = ? AND mtime_ns = ?
            """, arguments: [input.path, input.size, input.mtimeNanoseconds]) {
            return .duplicate(existingJobID: existing["job_id"])
        }
        if let hash = input.contentHash, let existing = try Row.fetchOne(db, sql: """
            SELECT job_id FROM input_keys WHERE path = ? AND content_hash = ? ORDER BY first_seen_at LIMIT 1
            """, arguments: [input.path, hash]) {
            // Same content, new mtime (a touch or a re-copy): remember this key too.
            try insertKey(db, input, jobID: existing["job_id"], now: now)
            return .duplicate(existingJobID: existing["job_id"])
        }
        let scheduled = input.notBefore.map { max($0.millisecondsSince1970, now) } ?? now
        guard let job = try Job.fetchOne(db, sql: """
            INSERT INTO jobs (path, size, mtime_ns, content_hash, payload, priority, state, attempt,
                              max_attempts, enqueued_at, lifetime_start, scheduled_at)
            VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
            RETURNING *
            """, arguments: [input.path, input.size, input.mtimeNanoseconds, input.contentHash, input.payload,
                             input.priority, maxAttempts, now, now, scheduled]) else {
            throw JobQueueError(.database, "insert of \(input.path) returned no row")
        }
        try insertKey(db, input, jobID: job.id, now: now)
        // The file at this path is a new version: earlier jobs for it that wait or failed are
        // for content that is gone (a rewrite, a writer that paused past the settle time).
        try db.execute(sql: """
            UPDATE jobs SET state = 'superseded', superseded_by = ?, finished_at = ?
            WHERE path = ? AND id < ? AND state IN ('queued', 'retrying', 'failed')
            """, arguments: [job.id, now, input.path, job.id])
        return .enqueued(job)
    }

    private static func insertKey(_ db: Database, _ input: JobInput, jobID: Int64?, now: Int64) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO input_keys (path, size, mtime_ns, content_hash, job_id, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [input.path, input.size, input.mtimeNanoseconds, input.contentHash, jobID, now])
    }

    /// Records the content hash of a job's input once computed (typically by the worker).
    ///
    /// Returns the id of an *other* job whose input at the same path had the same content
    /// (the caller may then treat this job as a duplicate), or nil when the content is new.
    @discardableResult
    package func setContentHash(jobID: Int64, hash: String) async throws -> Int64? {
        try await immediate { db in
            let job = try Self.fetchJob(db, id: jobID)
            let other = try Int64.fetchOne(db, sql: """
                SELECT job_id FROM input_keys
                WHERE path = ? AND content_hash = ? AND job_id IS NOT NULL AND job_id != ?
                ORDER BY first_seen_at LIMIT 1
                """, arguments: [job.path, hash, jobID])
            try db.execute(sql: "UPDATE jobs SET content_hash = ? WHERE id = ?", arguments: [hash, jobID])
            try db.execute(sql: "UPDATE input_keys SET content_hash = ? WHERE job_id = ?", arguments: [hash, jobID])
            return other
        }
    }
}
