import Foundation
import GRDB
import Testing
import JobQueue
import TestSupport

/// Transient failures are retried for the queue lifetime, not a handful of attempts; a
/// newer version of a file supersedes the jobs of the old one.
@Suite struct JobQueueLifetimeTests {
    @Test func transientFailuresOutliveMaxAttemptsUntilTheQueueLifetimeEnds() async throws {
        let f = try QueueFixture(maxAttempts: 3)
        var options = f.queue.options
        options.maxQueueLifetime = 3600  // an hour; delays 10, 20, 40, … capped at 600 s
        try f.queue.updateOptions(options)
        let job = try await f.enqueue("model-missing.tif")
        var attempts = 0
        var last: Job?
        while let claim = try await f.queue.claim(worker: "w") {
            attempts += 1
            last = try await f.queue.fail(claim, .transient("cannot load the model"))
            if last?.state != .retrying { break }
            f.clock.advance(seconds: last!.scheduledAt.timeIntervalSince(f.clock.now))
        }
        let final = try #require(last)
        #expect(attempts > 3, "transient failures are not bounded by max_attempts (3)")
        #expect(final.state == .failed)
        let elapsed = f.clock.now.timeIntervalSince(job.enqueuedAt)
        #expect(elapsed <= 3600 && elapsed > 3600 - 600, "it gave up when the next try would pass the lifetime: \(elapsed) s")
        #expect(final.lastError?.contains("queue lifetime") == true, "\(final.lastError ?? "")")
        // An admin's retry starts a fresh lifetime.
        let retried = try await f.queue.retry(id: job.id)
        #expect(retried.lifetimeStart == f.clock.now && retried.enqueuedAt == job.enqueuedAt)
        let claim = try #require(try await f.queue.claim(worker: "w"))
        #expect(try await f.queue.fail(claim, .transient("again")).state == .retrying)
    }

    @Test func aNewVersionOfAFileSupersedesItsWaitingAndFailedJobs() async throws {
        let f = try QueueFixture()
        let failed = try await f.enqueue("slide.tif", size: 10, mtime: 1)
        let claim = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.fail(claim, .permanent("truncated: the writer paused"))
        let waiting = try await f.enqueue("slide.tif", size: 20, mtime: 2)
        let other = try await f.enqueue("other.tif")
        #expect(try await f.queue.show(id: failed.id).job.state == .superseded)
        #expect(try await f.queue.show(id: failed.id).job.supersededBy == waiting.id)
        let newest = try await f.enqueue("slide.tif", size: 30, mtime: 3)
        #expect(try await f.queue.show(id: waiting.id).job.state == .superseded)
        #expect(try await f.queue.show(id: waiting.id).job.supersededBy == newest.id)
        #expect(try await f.queue.show(id: other.id).job.state == .queued, "other paths are untouched")
        #expect(try await f.queue.snapshot().counts.superseded == 2)
        await #expect(throws: JobQueueError.self, "a superseded job's file is gone: no retry") {
            try await f.queue.retry(id: failed.id)
        }
    }

    @Test func aRunningJobWhoseFileWasReplacedEndsSupersededNotFailed() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        let old = try await f.enqueue("slide.tif", size: 10, mtime: 1)
        let claim = try #require(try await f.queue.claim(worker: "w"))
        let newer = try await f.enqueue("slide.tif", size: 20, mtime: 2)
        #expect(try await f.queue.show(id: old.id).job.state == .running, "a running job is left to finish")
        let ended = try await f.queue.fail(claim, .permanent("truncated"))
        #expect(ended.state == .superseded && ended.supersededBy == newer.id && ended.claimToken == nil)
        #expect(try await f.queue.show(id: old.id).errors.count == 1, "its error stays in the history")
    }

    @Test func aCompletedJobIsNeverSuperseded() async throws {
        let f = try QueueFixture()
        let first = try await f.enqueue("Image001.png", size: 10, mtime: 1)
        let claim = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.complete(claim)
        _ = try await f.enqueue("Image001.png", size: 11, mtime: 2)
        #expect(try await f.queue.show(id: first.id).job.state == .succeeded, "a reused name is a new slide; the old report stays")
    }

    @Test func supersededJobsArePrunedLikeFinishedOnes() async throws {
        let f = try QueueFixture()
        let old = try await f.enqueue("slide.tif", size: 10, mtime: 1)
        _ = try await f.enqueue("slide.tif", size: 20, mtime: 2)
        f.clock.advance(seconds: 7200)
        #expect(try await f.queue.prune(olderThan: 3600) == 1)
        await #expect(throws: JobQueueError.self) { try await f.queue.show(id: old.id) }
    }

    /// A database made by the v2 schema (as released) migrates to v3 with its jobs, their
    /// error history and the id counter intact.
    @Test func aVersion2DatabaseMigratesKeepingJobsHistoryAndIds() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("queue.sqlite")
        let pool = try DatabasePool(path: path)
        try JobQueueSchema.migrator.migrate(pool, upTo: "v2: claim order index")
        try await pool.write { db in
            for id in 1...3 {
                try db.execute(sql: """
                    INSERT INTO jobs (path, size, mtime_ns, state, attempt, max_attempts, enqueued_at, scheduled_at, finished_at, last_error)
                    VALUES (?, 1, 1, ?, 1, 5, 1000, 1000, ?, ?)
                    """, arguments: ["/in/\(id).tif", id == 2 ? "failed" : "succeeded", 2000, id == 2 ? "bad" : nil])
            }
            try db.execute(sql: "INSERT INTO job_errors (job_id, at, attempt, kind, message) VALUES (2, 1500, 1, 'permanent', 'bad')")
            try db.execute(sql: "DELETE FROM jobs WHERE id = 3")  // pruned: id 3 must not come back
        }
        try pool.close()
        let queue = try JobQueue(path: path)
        let detail = try await queue.show(id: 2)
        #expect(detail.job.state == .failed && detail.job.lifetimeStart == detail.job.enqueuedAt)
        #expect(detail.errors.map(\.message) == ["bad"])
        let next = try #require(try await queue.enqueue(JobInput(path: "/in/new.tif", size: 1, mtimeNanoseconds: 1)).job)
        #expect(next.id == 4, "ids continue after the highest ever used")
        #expect(try await queue.claimQueryPlan().contains("jobs_claim_order"))
    }
}
