import Foundation
import Testing
import JobQueue
import TestSupport

/// Leases: expiry and rescue, stale workers refused, heartbeats, start-up recovery.
@Suite struct JobQueueLeaseTests {
    @Test func expiredLeaseIsRescuedAndTheStaleWorkersCompletionRefused() async throws {
        let f = try QueueFixture(maxAttempts: 3, leaseDuration: 60)
        let job = try await f.enqueue("slow.tif")
        let stale = try #require(try await f.queue.claim(worker: "w1"))

        f.clock.advance(seconds: 60)
        #expect(try await f.queue.rescueExpiredLeases().isEmpty, "a lease is valid up to its end")
        f.clock.advance(seconds: 0.001)
        let rescued = try await f.queue.rescueExpiredLeases()
        #expect(rescued.map(\.id) == [job.id])
        #expect(rescued[0].state == .retrying && rescued[0].scheduledAt == f.clock.now)
        #expect(rescued[0].claimToken == nil)

        let fresh = try #require(try await f.queue.claim(worker: "w2"))
        #expect(fresh.job.id == job.id && fresh.job.attempt == 2 && fresh.token != stale.token)

        let refused = await #expect(throws: JobQueueError.self) { try await f.queue.complete(stale) }
        #expect(refused?.code == .staleClaim)
        #expect(refused?.description.contains("claim is no longer valid") == true)
        #expect(refused?.description.contains("w2") == true)
        let refusedFail = await #expect(throws: JobQueueError.self) { try await f.queue.fail(stale, .transient("late")) }
        #expect(refusedFail?.code == .staleClaim)
        let refusedBeat = await #expect(throws: JobQueueError.self) { try await f.queue.heartbeat(stale) }
        #expect(refusedBeat?.code == .staleClaim)

        #expect(try await f.queue.complete(fresh).state == .succeeded)
        let history = try await f.queue.show(id: job.id).errors
        #expect(history.map(\.kind) == [.leaseExpired])
        #expect(history[0].attempt == 1 && history[0].message.contains("w1"))
    }

    @Test func staleCompletionAfterRescueButBeforeReclaimIsRefused() async throws {
        let f = try QueueFixture(leaseDuration: 10)
        try await f.enqueue("a")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        f.clock.advance(seconds: 11)
        try await f.queue.rescueExpiredLeases()
        let error = await #expect(throws: JobQueueError.self) { try await f.queue.complete(claim) }
        #expect(error?.code == .staleClaim)
        #expect(try await f.queue.counts().retrying == 1)
    }

    @Test func heartbeatKeepsALongJobFromBeingRescued() async throws {
        let f = try QueueFixture(leaseDuration: 60)
        try await f.enqueue("big.tif")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        for _ in 0..<5 {
            f.clock.advance(seconds: 50)
            let until = try await f.queue.heartbeat(claim)
            #expect(until == f.clock.now.addingTimeInterval(60))
            #expect(try await f.queue.rescueExpiredLeases().isEmpty)
        }
        #expect(try await f.queue.complete(claim).state == .succeeded)
    }

    @Test func leaseExpiryOnTheLastAttemptDeadLetters() async throws {
        let f = try QueueFixture(maxAttempts: 1, leaseDuration: 5)
        let job = try await f.enqueue("crasher.tif")
        _ = try #require(try await f.queue.claim(worker: "w"))
        f.clock.advance(seconds: 6)
        let rescued = try await f.queue.rescueExpiredLeases()
        #expect(rescued.map(\.state) == [.failed])
        #expect(try await f.queue.show(id: job.id).job.lastError?.contains("lease expired") == true)
    }

    @Test func restartRecoversThisHostsRunningJobsOnly() async throws {
        let f = try QueueFixture(leaseDuration: 3600)
        let mine = try await f.enqueue("mine")
        let theirs = try await f.enqueue("theirs")
        let otherHost = try f.reopen(host: "host-b")
        let myClaim = try #require(try await f.queue.claim(worker: "w1"))
        #expect(myClaim.job.id == mine.id)
        let theirClaim = try #require(try await otherHost.claim(worker: "w9"))
        #expect(theirClaim.job.id == theirs.id)

        // A new process on host-a: its lease is still valid, but nobody holds the job.
        let restarted = try f.reopen(host: "host-a")
        let recovered = try await restarted.recoverAfterRestart()
        #expect(recovered.map(\.id) == [mine.id])
        #expect(recovered[0].state == .retrying)
        #expect(try await restarted.show(id: theirs.id).job.state == .running)
        #expect(try await restarted.show(id: mine.id).errors.first?.message.contains("restarted") == true)
        let error = await #expect(throws: JobQueueError.self) { try await f.queue.complete(myClaim) }
        #expect(error?.code == .staleClaim)
        #expect(try await otherHost.complete(theirClaim).state == .succeeded)
    }

    @Test func handingBackRequeuesWithoutCountingTheAttempt() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        let job = try await f.enqueue("a")
        let claim = try #require(try await f.queue.claim(worker: "w"))
        let back = try await f.queue.handBack(claim)
        #expect(back.state == .queued && back.attempt == 0 && back.claimToken == nil)
        #expect(try await f.queue.show(id: job.id).errors.isEmpty)
        let again = try #require(try await f.queue.claim(worker: "w2"), "claimable at once, attempts intact")
        #expect(again.job.attempt == 1)
        let error = await #expect(throws: JobQueueError.self) { try await f.queue.handBack(claim) }
        #expect(error?.code == .staleClaim)
    }
}
