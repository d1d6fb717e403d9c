import Foundation
import Testing
import JobQueue
import TestSupport

/// Idempotent enqueue on (path, size, mtime) and content hash, and retention pruning.
@Suite struct JobQueueIdempotencyTests {
    @Test func theSameInputIsQueuedOnce() async throws {
        let f = try QueueFixture()
        let input = JobInput(path: "/inbox/a.tif", size: 10, mtimeNanoseconds: 123_456_789)
        let first = try await f.queue.enqueue(input)
        let id = try #require(first.job?.id)
        #expect(try await f.queue.enqueue(input) == .duplicate(existingJobID: id))

        // Rescan after the job finished: still a duplicate.
        let claim = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.complete(claim)
        #expect(try await f.queue.enqueue(input) == .duplicate(existingJobID: id))
        #expect(try await f.queue.counts().total == 1)
    }

    @Test func aChangedSizeOrMtimeIsANewInput() async throws {
        let f = try QueueFixture()
        let a = JobInput(path: "/inbox/a.tif", size: 10, mtimeNanoseconds: 1)
        var b = a; b.size = 11
        var c = a; c.mtimeNanoseconds = 2
        var d = a; d.path = "/inbox/sub/a.tif"
        let outcomes = try await f.queue.enqueue([a, b, c, d, a])
        #expect(outcomes.prefix(4).allSatisfy { $0.job != nil })
        #expect(outcomes[4] == .duplicate(existingJobID: outcomes[0].job?.id), "a repeat inside one batch")
        let counts = try await f.queue.counts()
        #expect(counts.queued == 2 && counts.superseded == 2, "the newest version of /inbox/a.tif and /inbox/sub/a.tif wait; the older versions are superseded")
    }

    @Test func aBatchLargerThanOneTransactionKeepsItsOrderAndDuplicates() async throws {
        let f = try QueueFixture()
        let count = JobQueue.enqueueChunk * 2 + 7
        let early = JobInput(path: "/inbox/17", size: 1, mtimeNanoseconds: 1)
        let earlyID = try #require(try await f.queue.enqueue(early).job?.id)
        var inputs = (0..<count).map { JobInput(path: "/inbox/\($0)", size: 1, mtimeNanoseconds: 1) }
        inputs.append(inputs[600])  // a repeat in a later chunk
        let outcomes = try await f.queue.enqueue(inputs)
        #expect(outcomes.count == count + 1)
        #expect(outcomes[17] == .duplicate(existingJobID: earlyID))
        #expect(outcomes[count] == .duplicate(existingJobID: outcomes[600].job?.id))
        for (input, outcome) in zip(inputs, outcomes) where outcome.job != nil {
            #expect(outcome.job?.path == input.path)
        }
        #expect(try await f.queue.counts().queued == count)
    }

    @Test func sameContentHashAtTheSamePathIsADuplicate() async throws {
        let f = try QueueFixture()
        let original = JobInput(path: "/inbox/a.tif", size: 10, mtimeNanoseconds: 1, contentHash: "sha256:aa")
        let id = try #require(try await f.queue.enqueue(original).job?.id)
        var touched = original; touched.mtimeNanoseconds = 2
        #expect(try await f.queue.enqueue(touched) == .duplicate(existingJobID: id))
        var elsewhere = original; elsewhere.path = "/inbox/copy.tif"
        #expect(try await f.queue.enqueue(elsewhere).job != nil, "another path is another input")
        var changed = touched; changed.contentHash = "sha256:bb"; changed.mtimeNanoseconds = 3
        #expect(try await f.queue.enqueue(changed).job != nil)
    }

    @Test func aHashComputedLaterReportsTheEarlierJob() async throws {
        let f = try QueueFixture()
        let first = try await f.enqueue("a.tif", mtime: 1)
        let second = try await f.enqueue("a.tif", mtime: 2)
        #expect(try await f.queue.setContentHash(jobID: first.id, hash: "h1") == nil)
        #expect(try await f.queue.setContentHash(jobID: second.id, hash: "h1") == first.id)
        #expect(try await f.queue.show(id: second.id).job.contentHash == "h1")
        var third = JobInput(path: "/inbox/a.tif", size: 100, mtimeNanoseconds: 3, contentHash: "h1")
        third.priority = 1
        #expect(try await f.queue.enqueue(third) == .duplicate(existingJobID: first.id))
    }

    @Test func pruneDeletesOldSucceededAndCancelledButKeepsFailedAndRecent() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        let old = try await f.enqueue("old")
        let oldCancelled = try await f.enqueue("oldc")
        let failed = try await f.enqueue("failed")
        let claimOld = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.complete(claimOld)
        _ = try await f.queue.cancel(id: oldCancelled.id)
        let claimFailed = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.fail(claimFailed, .permanent("corrupt"))
        f.clock.advance(seconds: 86_400 * 31)
        let recent = try await f.enqueue("recent")
        let claimRecent = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.complete(claimRecent)

        #expect(try await f.queue.prune(olderThan: 86_400 * 30) == 2)
        for id in [old.id, oldCancelled.id] {
            let error = await #expect(throws: JobQueueError.self) { try await f.queue.show(id: id) }
            #expect(error?.code == .notFound)
        }
        #expect(try await f.queue.show(id: failed.id).errors.count == 1)
        #expect(try await f.queue.show(id: recent.id).job.state == .succeeded)
        #expect(try await f.queue.prune(olderThan: 86_400 * 30) == 0)

        // The pruned input's key survives: a file left in the inbox is not processed again…
        let input = JobInput(path: "/inbox/old", size: 100, mtimeNanoseconds: 1_000)
        #expect(try await f.queue.enqueue(input) == .duplicate(existingJobID: nil))
        // …until its key is forgotten too.
        #expect(try await f.queue.forgetInputKeys(olderThan: 86_400 * 30) == 2)
        #expect(try await f.queue.enqueue(input).job != nil)
    }

    @Test func errorHistoryIsDeletedWithItsJob() async throws {
        let f = try QueueFixture()
        let job = try await f.enqueue("a")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.fail(claim, .permanent("bad"))
        _ = try await f.queue.retry(id: job.id)
        _ = try await f.queue.cancel(id: job.id)
        #expect(try await f.queue.lastErrors().count == 1)
        f.clock.advance(seconds: 10)
        #expect(try await f.queue.prune(olderThan: 5) == 1)
        #expect(try await f.queue.lastErrors().isEmpty, "foreign key ON DELETE CASCADE")
    }

    @Test func badInputsAreClearErrors() async throws {
        let f = try QueueFixture()
        let empty = await #expect(throws: JobQueueError.self) {
            try await f.queue.enqueue(JobInput(path: "", size: 1, mtimeNanoseconds: 1))
        }
        #expect(empty?.code == .invalidOptions)
        let negative = await #expect(throws: JobQueueError.self) {
            try await f.queue.enqueue(JobInput(path: "/x", size: -1, mtimeNanoseconds: 1))
        }
        #expect(negative?.description.contains("negative size") == true)
        #expect(try await f.queue.counts().total == 0)
    }
}
