import Foundation
import Testing
import JobQueue
import TestSupport

/// Status and inspection: counts, listing, oldest waiting, throughput, last errors, options.
@Suite struct JobQueueAdminTests {
    @Test func countsListAndOldestWaiting() async throws {
        let f = try QueueFixture(maxAttempts: 2)
        let first = try await f.enqueue("1")
        f.clock.advance(seconds: 1)
        for name in ["2", "3", "4", "5"] { try await f.enqueue(name) }
        let c1 = try #require(try await f.queue.claim(worker: "w"))  // 1 -> running
        _ = try await f.queue.fail(c1, .transient("t"))               // 1 -> retrying
        let c2 = try #require(try await f.queue.claim(worker: "w"))  // 2 -> running
        _ = try await f.queue.complete(c2)                            // 2 -> succeeded
        let c3 = try #require(try await f.queue.claim(worker: "w"))  // 3 -> running
        _ = try await f.queue.fail(c3, .permanent("p"))               // 3 -> failed
        _ = try #require(try await f.queue.claim(worker: "w"))       // 4 -> running
        let five = try await f.queue.list(state: .queued)
        _ = try await f.queue.cancel(id: five[0].id)                  // 5 -> cancelled

        var expected = JobCounts()
        expected.retrying = 1; expected.succeeded = 1; expected.failed = 1; expected.running = 1; expected.cancelled = 1
        #expect(try await f.queue.counts() == expected)
        #expect(try await f.queue.oldestWaiting()?.id == first.id)
        #expect(try await f.queue.list().count == 5)
        #expect(try await f.queue.list(limit: 2).count == 2)
        #expect(try await f.queue.list(state: .failed).map(\.path) == ["/inbox/3"])
        #expect(try await f.queue.list(state: .queued).isEmpty)
    }

    @Test func countsEncodeWithAllSevenStates() throws {
        var counts = JobCounts()
        counts.failed = 2
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(counts)) as? [String: Int]
        #expect(json == ["queued": 0, "running": 0, "succeeded": 0, "retrying": 0, "failed": 2, "cancelled": 0, "superseded": 0])
    }

    @Test func throughputCountsJobsFinishedInTheWindow() async throws {
        let f = try QueueFixture(maxAttempts: 1)
        for i in 0..<6 { try await f.enqueue("f\(i)") }
        for i in 0..<6 {
            let claim = try #require(try await f.queue.claim(worker: "w"))
            if i == 5 { _ = try await f.queue.fail(claim, .permanent("bad")) } else { _ = try await f.queue.complete(claim) }
            f.clock.advance(seconds: 30)
        }
        // Finished at t = 0, 30, 60, 90, 120 (ok) and 150 (failed); now is t = 180.
        let lastTwoMinutes = try await f.queue.throughput(window: 120)
        #expect(lastTwoMinutes.succeeded == 3 && lastTwoMinutes.failed == 1)  // t >= 60
        #expect(lastTwoMinutes.succeededPerMinute == 1.5)
        let all = try await f.queue.throughput(window: 3600)
        #expect(all.succeeded == 5 && all.failed == 1)
        await #expect(throws: JobQueueError.self) { try await f.queue.throughput(window: 0) }
    }

    @Test func lastErrorsAreNewestFirstAcrossJobs() async throws {
        let f = try QueueFixture(maxAttempts: 5)
        try await f.enqueue("a")
        try await f.enqueue("b")
        for message in ["e1", "e2", "e3"] {
            f.clock.advance(seconds: 3600)
            let claim = try #require(try await f.queue.claim(worker: "w"))
            _ = try await f.queue.fail(claim, .transient(message))
        }
        #expect(try await f.queue.lastErrors(limit: 2).map(\.message) == ["e3", "e2"])
        #expect(try await f.queue.lastErrors().count == 3)
    }

    @Test func optionsCanBeReplacedWhileOpenExceptConnectionSettings() async throws {
        let f = try QueueFixture(maxAttempts: 3)
        var options = f.queue.options
        options.maxAttempts = 7
        options.leaseDuration = 5
        try f.queue.updateOptions(options)
        let job = try await f.enqueue("a")
        #expect(job.maxAttempts == 7)
        let claim = try #require(try await f.queue.claim(worker: "w"))
        #expect(claim.job.leaseUntil == f.clock.now.addingTimeInterval(5))
        options.host = "elsewhere"
        #expect(throws: JobQueueError.self) { try f.queue.updateOptions(options) }
        options = f.queue.options
        options.maxAttempts = 0
        #expect(throws: JobQueueError.self) { try f.queue.updateOptions(options) }
        #expect(f.queue.options.maxAttempts == 7)
    }

    @Test func invalidOptionsNameTheField() throws {
        let dir = try TemporaryDirectory()
        var options = JobQueueOptions()
        options.maxAttempts = 0
        #expect { try JobQueue(path: dir.file("q.sqlite"), options: options) } throws: { error in
            (error as? JobQueueError)?.description.contains("max attempts") == true
        }
        options = JobQueueOptions()
        options.backoff.jitter = 1.5
        #expect { try JobQueue(path: dir.file("q.sqlite"), options: options) } throws: { error in
            (error as? JobQueueError)?.description.contains("jitter") == true
        }
    }

    @Test func anUnopenableDatabaseIsAnErrorNamingThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/queue.sqlite"
        #expect { try JobQueue(path: path) } throws: { error in
            guard let error = error as? JobQueueError else { return false }
            return error.code == .database && error.description.contains(path)
        }
    }
}
