import Foundation

/// Measures the queue's write costs (for `leuko bench queue`) on a fresh database file:
/// enqueue one job per transaction (what the watcher does file by file), enqueue in batches
/// (a start-up scan), and a claim + complete cycle per job (what workers do). Each commit
/// waits for the disk with `synchronous=FULL`, so these are disk-bound figures.
package enum QueueBenchmark {
    package struct Result: Sendable, Codable {
        package var jobs: Int
        package var synchronous: String
        package var enqueueSinglePerSecond: Double
        package var enqueueBatchPerSecond: Double
        package var batchSize: Int
        package var claimCompletePerSecond: Double
        package var duplicateEnqueuePerSecond: Double
    }

    package static func run(jobs: Int, batchSize: Int, synchronous: JobQueueOptions.Synchronous,
                            in directory: String) async throws -> Result {
        precondition(jobs > 0 && batchSize > 0)
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
            for start in stride(from: 0, to: jobs, by: batchSize) {
                _ = try await queue.enqueue((start..<min(start + batchSize, jobs)).map { input("batch", $0) })
            }
        }
        let duplicates = try await time {
            for i in 0..<jobs { try await queue.enqueue(input("single", i)) }
        }
        let cycle = try await time {
            for _ in 0..<jobs {
                guard let claim = try await queue.claim(worker: "bench") else { break }
                try await queue.complete(claim)
            }
        }
        return Result(jobs: jobs, synchronous: synchronous.rawValue,
                      enqueueSinglePerSecond: Double(jobs) / single, enqueueBatchPerSecond: Double(jobs) / batch,
                      batchSize: batchSize, claimCompletePerSecond: Double(jobs) / cycle,
                      duplicateEnqueuePerSecond: Double(jobs) / duplicates)
    }

    private static func time(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let d = (ContinuousClock.now - start).components
        return Double(d.seconds) + Double(d.attoseconds) * 1e-18
    }
}
