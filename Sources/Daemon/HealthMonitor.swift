/// Which workers have shown signs of life recently: the watchdog pings systemd only when every
/// registered worker has (so a hung worker loop gets the daemon restarted).
///
/// A worker reports at each loop turn and, while a job runs, at each lease renewal. Time is
/// the monotonic `ContinuousClock`.
package actor HealthMonitor {
    private var lastSeen: [String: ContinuousClock.Instant] = [:]

    package init() {}

    /// Starts tracking `worker`.
    package func register(_ worker: String) { lastSeen[worker] = .now }

    /// Stops tracking `worker` (it finished).
    package func unregister(_ worker: String) { lastSeen[worker] = nil }

    /// `worker` is alive now.
    package func alive(_ worker: String) { if lastSeen[worker] != nil { lastSeen[worker] = .now } }

    /// True when every tracked worker was alive within `window`.
    package func isHealthy(within window: Duration) -> Bool {
        let now = ContinuousClock.now
        return lastSeen.values.allSatisfy { now - $0 <= window }
    }

    /// Workers tracked now.
    package var workerCount: Int { lastSeen.count }
}
