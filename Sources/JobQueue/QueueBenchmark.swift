import Foundation

/// Measures the queue's write costs (for `leuko bench queue`) on a fresh database file:
/// enqueue one job per transaction (what the watcher does file by file) and its duplicate
/// check, a claim + complete cycle per job (what workers do) — `singleJobs` each — and a
/// batched enqueue of `batchJobs` inputs plus the same batch again as duplicates (a start-up
/// scan of a full inbox, and a restart over one already queued). Each commit waits for the
/// disk with `synchronous=FULL`, so these are disk-bound figures.
package enum QueueBenchmark {
    package struct Result: Sendable, Codable {
        package var singleJobs: Int
        package var batchJobs: Int
        package var synchronous: String
        package var enqueueSinglePerSecond: Double
        package var enqueueBatchPerSecond: Double
        package var batchSize: Int
        package var claimCompletePerSecond: Double
        package var duplicateEnqueuePerSecond: Double
        package var duplicateBatchPerSecond: Double
    }

    package static func run(singleJobs jobs: Int, batchJobs: Int, batchSize: Int, synchronous: JobQueueOptions.Synchronous,
                            in directory: String) async throws -> Result {
        precondition(jobs > 0 && batchJobs > 0 && batchSize > 0)
        let path = (directory as NSString).appendingPathComponent("leuko-queue-bench-\(UUID().uuidString).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var options = JobQueueOptions()
        options.synchronous = synchronous
        let queue = try JobQueue(path: path, options: options)
        func input(_ group: String, _ i: Int) -> JobInput {
            JobInput(path: "/inbox/\(group)/field-\(i).tif", size: Int64(1000 + i), mtimeNanoseconds: Int64(i))
        }
        let single = try await time {
            for i in 0..<jobs { try await queue.enqueue(input("single", i)) }
        }
        let batch = try await time {
            for start in stride(from: 0, to: batchJobs, by: batchSize) {
                _ = try await queue.enqueue((start..<min(start + batchSize, batchJobs)).map { input("batch", $0) })
            }
        }
        let all = (0..<batchJobs).map { input("batch", $0) }
        let duplicateBatch = try await time { _ = try await queue.enqueue(all) }
        let duplicates = try await time {
            for i in 0..<jobs { try await queue.enqueue(input("single", i)) }
        }
        let cycle = try await time {
            for _ in 0..<jobs {
                guard let claim = try await queue.claim(worker: "bench") else { break }
                try await queue.complete(claim)
            }
        }
        return Result(singleJobs: jobs, batchJobs: batchJobs, synchronous: synchronous.rawValue,
                      enqueueSinglePerSecond: Double(jobs) / single, enqueueBatchPerSecond: Double(batchJobs) / batch,
                      batchSize: batchSize, claimCompletePerSecond: Double(jobs) / cycle,
                      duplicateEnqueuePerSecond: Double(jobs) / duplicates,
                      duplicateBatchPerSecond: Double(batchJobs) / duplicateBatch)
    }

    private static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let d = (ContinuousClock.now - start).components
        return Double(d.seconds) + Double(d.attoseconds) * 1e-18
    }
}
