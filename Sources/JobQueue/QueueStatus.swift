import Foundation

/// Number of jobs in each state; encodes as `{"queued": n, "running": n, …}` with all seven keys.
package struct JobCounts: Sendable, Equatable, Codable {
    package var queued = 0, running = 0, succeeded = 0, retrying = 0, failed = 0, cancelled = 0, superseded = 0

    package init() {}

    package subscript(state: JobState) -> Int {
        get {
            switch state {
            case .queued: queued
            case .running: running
            case .succeeded: succeeded
            case .retrying: retrying
            case .failed: failed
            case .cancelled: cancelled
            case .superseded: superseded
            }
        }
        set {
            switch state {
            case .queued: queued = newValue
            case .running: running = newValue
            case .succeeded: succeeded = newValue
            case .retrying: retrying = newValue
            case .failed: failed = newValue
            case .cancelled: cancelled = newValue
            case .superseded: superseded = newValue
            }
        }
    }

    /// All jobs.
    package var total: Int { JobState.allCases.reduce(0) { $0 + self[$1] } }
}

/// Jobs finished within a trailing window ending now.
package struct Throughput: Sendable, Equatable, Codable {
    /// The window's length in seconds.
    package var windowSeconds: Double
    package var succeeded: Int
    package var failed: Int
    /// Succeeded jobs per minute over the window.
    package var succeededPerMinute: Double
}

/// A job with its full error history (oldest first), as `leuko queue show` prints it.
package struct JobDetail: Sendable, Equatable {
    package var job: Job
    package var errors: [JobErrorEntry]
}
