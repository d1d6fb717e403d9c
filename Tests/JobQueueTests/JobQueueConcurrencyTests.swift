import Foundation
import Testing
import JobQueue
import TestSupport

/// Several connections (as several processes would have) claiming from one file at once.
@Suite struct JobQueueConcurrencyTests {
    @Test func concurrentClaimersNeverShareAJob() async throws {
        let f = try QueueFixture()
        let inputs = (0..<60).map { JobInput(path: "/inbox/\($0)", size: 1, mtimeNanoseconds: 1) }
        _ = try await f.queue.enqueue(inputs)
        let queues = [f.queue, try f.reopen(), try f.reopen()]
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<6 {
                let queue = queues[worker % queues.count]
                group.addTask {
                    var mine: [Int64] = []
                    while let claim = try await queue.claim(worker: "w\(worker)") {
                        mine.append(claim.job.id)
                        _ = try await queue.complete(claim)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed).count == 60, "each job claimed exactly once")
        #expect(try await f.queue.counts().succeeded == 60)
    }
}
