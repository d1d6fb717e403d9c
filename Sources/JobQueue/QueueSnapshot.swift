import Foundation

/// What `leuko status` and the daemon's status line show: counts per state, the job waiting
/// longest, throughput over a trailing window, and the latest errors.
package struct QueueSnapshot: Sendable, Equatable, Codable {
    /// The job waiting longest and for how long.
    package struct Waiting: Sendable, Equatable, Codable {
        package var id: Int64
        package var path: String
        package var state: JobState
        package var enqueuedAt: Date
        /// Seconds since it was enqueued.
        package var ageSeconds: Double
    }

    package var takenAt: Date
    package var counts: JobCounts
    package var oldestWaiting: Waiting?
    package var throughput: Throughput
    package var lastErrors: [JobErrorEntry]
}

extension JobQueue {
    /// A snapshot of the queue: throughput over the last `window` seconds and the newest
    /// `errorLimit` error entries.
    package func snapshot(window: TimeInterval = 3600, errorLimit: Int = 5) async throws -> QueueSnapshot {
        let now = clock.now
        let oldest = try await oldestWaiting()
        return QueueSnapshot(
            takenAt: now,
            counts: try await counts(),
            oldestWaiting: oldest.map {
                QueueSnapshot.Waiting(id: $0.id, path: $0.path, state: $0.state, enqueuedAt: $0.enqueuedAt,
                                      ageSeconds: max(0, now.timeIntervalSince($0.enqueuedAt)))
            },
            throughput: try await throughput(window: window),
            lastErrors: try await lastErrors(limit: errorLimit))
    }
}
