import Foundation
import FolderWatch
import JobQueue

/// A clock that moves only when a test says so: wall time for `JobQueue`, monotonic time for
/// `FolderWatch`, both advanced together by `advance(by:)`.
///
/// Starts at 2026-01-01T00:00:00Z; wall time has millisecond resolution (wall) and zero (monotonic). `@unchecked Sendable`: the
/// offset is only read and written under `lock`.
package final class FakeClock: JobClock, WatchClock, @unchecked Sendable {
    private let start: Date
    private var offset: Duration = .zero
    private let lock = NSLock()

    package init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { self.start = start }

    /// Whole milliseconds (the queue's resolution), computed as `JobQueue` converts stored
    /// times, so a time read back from the database equals the clock's `now` exactly.
    package var now: Date {
        let (s, attos) = lock.withLock { offset.components }
        return Date(millisecondsSince1970: start.millisecondsSince1970 + s * 1000 + attos / 1_000_000_000_000_000)
    }

    package var uptime: Duration { lock.withLock { offset } }

    /// Moves time forward (never backward).
    package func advance(by delta: Duration) {
        precondition(delta >= .zero, "a clock does not go backwards")
        lock.withLock { offset += delta }
    }

    /// Moves time forward by `seconds`.
    package func advance(seconds: Double) { advance(by: .milliseconds(Int64((seconds * 1000).rounded()))) }
}
