import Foundation
import JobQueue
import TestSupport

/// A queue on a temporary database file with a fake clock and un-jittered backoff
/// (`ConstantJitter(0.5)` gives exactly the nominal delay).
struct QueueFixture {
    let dir: TemporaryDirectory
    let clock: FakeClock
    let queue: JobQueue
    var databasePath: String { dir.file("queue.sqlite") }

    init(maxAttempts: Int = 3, leaseDuration: TimeInterval = 60, host: String = "host-a",
         jitter: any JitterSource = ConstantJitter(0.5)) throws {
        dir = try TemporaryDirectory()
        clock = FakeClock()
        var options = JobQueueOptions()
        options.maxAttempts = maxAttempts
        options.leaseDuration = leaseDuration
        options.host = host
        options.backoff = BackoffPolicy(base: 10, factor: 2, cap: 600, jitter: 0.2)
        queue = try JobQueue(path: dir.file("queue.sqlite"), options: options, clock: clock, jitter: jitter)
    }

    /// A second connection to the same file, as another process would open it.
    func reopen(host: String = "host-a", maxAttempts: Int = 3) throws -> JobQueue {
        var options = queue.options
        options.host = host
        options.maxAttempts = maxAttempts
        return try JobQueue(path: databasePath, options: options, clock: clock, jitter: ConstantJitter(0.5))
    }

    /// Enqueues `name` with a size and mtime derived from it and returns the new job.
    @discardableResult
    func enqueue(_ name: String, size: Int64 = 100, mtime: Int64 = 1_000, priority: Int = 0) async throws -> Job {
        let outcome = try await queue.enqueue(JobInput(path: "/inbox/\(name)", size: size, mtimeNanoseconds: mtime, priority: priority))
        guard let job = outcome.job else { throw FixtureError.notEnqueued(name, outcome) }
        return job
    }

    enum FixtureError: Error { case notEnqueued(String, EnqueueOutcome) }
}
