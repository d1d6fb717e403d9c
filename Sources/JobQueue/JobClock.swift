import Foundation

/// Where the queue reads the time from: injected so tests move time instead of sleeping.
///
/// The queue stores times as whole milliseconds since 1970 (UTC); leases, backoff and
/// retention all compare against `now`. A wall clock (not a monotonic one) because the times
/// are persisted and read by other processes (`leuko status`).
package protocol JobClock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The system's wall clock.
package struct SystemJobClock: JobClock {
    package init() {}
    package var now: Date { Date() }
}

extension Date {
    /// Milliseconds since 1970 (rounded to the nearest), as stored in the queue's time columns.
    package var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// The date of a stored millisecond timestamp.
    package init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}
