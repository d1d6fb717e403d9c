/// The monotonic time the settler measures quiet periods with; injected so tests move time
/// instead of sleeping.
package protocol WatchClock: Sendable {
    /// Time since an arbitrary fixed origin; never goes backwards.
    var uptime: Duration { get }
}

/// The system's monotonic clock (`ContinuousClock`, which keeps counting during suspend).
package struct SystemWatchClock: WatchClock {
    private let origin = ContinuousClock.now
    package init() {}
    package var uptime: Duration { ContinuousClock.now - origin }
}
