import Foundation
import Testing
import JobQueue
import TestSupport

/// The contract: every state transition of `JobState`'s diagram, on a real database file.
@Suite struct JobQueueTransitionTests {
    @Test func databaseIsWALWithFullSyncForeignKeysAndBusyTimeout() async throws {
        let f = try QueueFixture()
        let settings = try await f.queue.databaseSettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)  // FULL
        #expect(settings.foreignKeys)
        #expect(settings.busyTimeoutMS == 5000)
    }

    @Test func theClaimWalksAnIndexInClaimOrderInsteadOfSorting() async throws {
        let f = try QueueFixture()
        let plan = try await f.queue.claimQueryPlan()
        #expect(plan.contains("jobs_claim_order"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func reopeningKeepsJobsAndMigrationsRunOnce() async throws {
        let f = try QueueFixture()
        let job = try await f.enqueue("a.tif")
        let again = try f.reopen()
        #expect(try await again.show(id: job.id).job == job)
    }

    @Test func enqueueClaimCompleteGoesQueuedRunningSucceeded() async throws {
        let f = try QueueFixture(leaseDuration: 60)
        let job = try await f.enqueue("a.tif")
        #expect(job.state == .queued && job.attempt == 0 && job.claimToken == nil)
        #expect(job.enqueuedAt == f.clock.now && job.scheduledAt == f.clock.now)

        let claim = try #require(try await f.queue.claim(worker: "w1"))
        #expect(claim.job.id == job.id)
        #expect(claim.job.state == .running && claim.job.attempt == 1)
        #expect(claim.job.worker == "w1" && claim.job.host == "host-a")
        #expect(claim.job.leaseUntil == f.clock.now.addingTimeInterval(60))
        #expect(!claim.token.isEmpty)
        #expect(try await f.queue.claim(worker: "w2") == nil, "a running job is not claimable")

        f.clock.advance(seconds: 5)
        let done = try await f.queue.complete(claim)
        #expect(done.state == .succeeded && done.finishedAt == f.clock.now)
        #expect(done.claimToken == nil && done.leaseUntil == nil)
        #expect(try await f.queue.claim(worker: "w1") == nil)
    }

    @Test func claimTakesHighestPriorityThenEarliestThenLowestID() async throws {
        let f = try QueueFixture()
        let low1 = try await f.enqueue("low1")
        f.clock.advance(seconds: 1)
        let high = try await f.enqueue("high", priority: 5)
        let low2 = try await f.enqueue("low2")
        var order: [Int64] = []
        while let claim = try await f.queue.claim(worker: "w") { order.append(claim.job.id) }
        #expect(order == [high.id, low1.id, low2.id])
    }

    @Test func notBeforeDelaysTheFirstClaim() async throws {
        let f = try QueueFixture()
        let later = f.clock.now.addingTimeInterval(30)
        _ = try await f.queue.enqueue(JobInput(path: "/inbox/x", size: 1, mtimeNanoseconds: 1, notBefore: later))
        #expect(try await f.queue.claim(worker: "w") == nil)
        f.clock.advance(seconds: 30)
        #expect(try await f.queue.claim(worker: "w") != nil)
    }

    @Test func attemptLimitedFailuresRetryWithBackoffThenDeadLetter() async throws {
        let f = try QueueFixture(maxAttempts: 3)
        let job = try await f.enqueue("flaky.tif")
        var expectedDelays: [Double] = [10, 20]
        for attempt in 1...3 {
            let claim = try #require(try await f.queue.claim(worker: "w"), "attempt \(attempt) is due")
            #expect(claim.job.attempt == attempt)
            let after = try await f.queue.fail(claim, .attemptLimited("disk busy \(attempt)"))
            if attempt < 3 {
                let delay = expectedDelays.removeFirst()
                #expect(after.state == .retrying)
                #expect(after.scheduledAt == f.clock.now.addingTimeInterval(delay))
                f.clock.advance(seconds: delay - 0.001)
                #expect(try await f.queue.claim(worker: "w") == nil, "not claimable before its backoff ends")
                f.clock.advance(seconds: 0.001)
            } else {
                #expect(after.state == .failed, "the last attempt dead-letters the job")
                #expect(after.finishedAt == f.clock.now)
            }
        }
        #expect(try await f.queue.claim(worker: "w") == nil, "a failed job is never claimed again")
        let detail = try await f.queue.show(id: job.id)
        #expect(detail.errors.map(\.attempt) == [1, 2, 3])
        #expect(detail.errors.map(\.kind) == [.attemptLimited, .attemptLimited, .attemptLimited])
        #expect(detail.errors.map(\.message) == ["disk busy 1", "disk busy 2", "disk busy 3"])
        #expect(detail.job.lastError == "disk busy 3")
    }

    @Test func permanentFailureFailsAtOnce() async throws {
        let f = try QueueFixture(maxAttempts: 5)
        let job = try await f.enqueue("notanimage.tif")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        let after = try await f.queue.fail(claim, .permanent("not an image: bad magic bytes"))
        #expect(after.state == .failed && after.attempt == 1)
        let detail = try await f.queue.show(id: job.id)
        #expect(detail.errors.count == 1 && detail.errors[0].kind == .permanent)
    }

    @Test func cancelFromEveryLiveStateAndNotFromFinalOnes() async throws {
        let f = try QueueFixture()
        let queued = try await f.enqueue("q")
        #expect(try await f.queue.cancel(id: queued.id).state == .cancelled)

        let retrying = try await f.enqueue("r")
        let claimR = try #require(try await f.queue.claim(worker: "w"))
        #expect(claimR.job.id == retrying.id)
        _ = try await f.queue.fail(claimR, .transient("x"))
        #expect(try await f.queue.cancel(id: retrying.id).state == .cancelled)

        let running = try await f.enqueue("run")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        #expect(claim.job.id == running.id)
        let cancelled = try await f.queue.cancel(id: running.id)
        #expect(cancelled.state == .cancelled && cancelled.claimToken == nil)
        await #expect(throws: JobQueueError.self) { try await f.queue.complete(claim) }

        let done = try await f.enqueue("done")
        let claimD = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.complete(claimD)
        let error = await #expect(throws: JobQueueError.self) { try await f.queue.cancel(id: done.id) }
        #expect(error?.code == .invalidTransition)
        #expect(error?.description.contains("already succeeded") == true)
        let missing = await #expect(throws: JobQueueError.self) { try await f.queue.cancel(id: 999) }
        #expect(missing?.code == .notFound)
    }

    @Test func retryBringsFailedAndCancelledBackWithFreshAttempts() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        let a = try await f.enqueue("a")
        let b = try await f.enqueue("b")
        let claimA = try #require(try await f.queue.claim(worker: "w"))
        _ = try await f.queue.fail(claimA, .attemptLimited("once"))
        #expect(try await f.queue.show(id: a.id).job.state == .failed)
        _ = try await f.queue.cancel(id: b.id)

        let retriedA = try await f.queue.retry(id: a.id)
        #expect(retriedA.state == .queued && retriedA.attempt == 0 && retriedA.finishedAt == nil)
        #expect(try await f.queue.show(id: a.id).errors.count == 1, "history survives a retry")
        #expect(try await f.queue.retry(id: b.id).state == .queued)

        let error = await #expect(throws: JobQueueError.self) { try await f.queue.retry(id: a.id) }
        #expect(error?.code == .invalidTransition)
        let missing = await #expect(throws: JobQueueError.self) { try await f.queue.retry(id: 4242) }
        #expect(missing?.code == .notFound)
    }

    @Test func retryAllFailedRequeuesOnlyFailedJobs() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        for name in ["a", "b", "c"] { try await f.enqueue(name) }
        for _ in 0..<2 {
            let claim = try #require(try await f.queue.claim(worker: "w"))
            _ = try await f.queue.fail(claim, .permanent("bad"))
        }
        #expect(try await f.queue.counts().failed == 2)
        #expect(try await f.queue.retryAllFailed() == 2)
        let counts = try await f.queue.counts()
        #expect(counts.failed == 0 && counts.queued == 3)
    }
}
