/// Which workers have shown signs of life recently, and which analyses were left behind
/// stuck: the watchdog pings systemd only while the daemon is healthy, so systemd restarts a
/// daemon whose worker loop hung or that has too many stuck analyses.
///
/// A worker reports at each loop turn and, while a job runs, at each lease renewal. An
/// analysis is stuck when it was cancelled (time limit, shutdown) and did not return within
/// the grace period: its worker moved on to other jobs, but its thread still runs. It stops
/// counting when it returns at last. The daemon is unhealthy once `stuckLimit` analyses (the
/// number of workers) are stuck at the same time — each may be burning a core or holding
/// memory, and only a restart reclaims them. Time is the monotonic `ContinuousClock`.
package actor HealthMonitor {
    private var lastSeen: [String: ContinuousClock.Instant] = [:]
    private var stuckJobs: [Int64: ContinuousClock.Instant] = [:]
    private var stuckLimit = 1
    /// Why claiming is paused (the outbox is full or read-only), or nil.
    package private(set) var environmentFault: String?
    /// When a worker last probed the environment while paused.
    private var lastProbe: ContinuousClock.Instant?

    package init() {}

    /// Starts tracking `worker`.
    package func register(_ worker: String) { lastSeen[worker] = .now }

    /// Stops tracking `worker` (it finished).
    package func unregister(_ worker: String) { lastSeen[worker] = nil }

    /// `worker` is alive now.
    package func alive(_ worker: String) { if lastSeen[worker] != nil { lastSeen[worker] = .now } }

    /// Stuck analyses that make the daemon unhealthy (at least 1).
    package func setStuckLimit(_ limit: Int) { stuckLimit = max(limit, 1) }

    /// Job `id`'s analysis was cancelled and has not returned.
    package func stuck(job id: Int64) { stuckJobs[id] = .now }

    /// Job `id`'s stuck analysis has returned after all.
    package func returned(job id: Int64) { stuckJobs[id] = nil }

    /// Analyses stuck now.
    package var stuckCount: Int { stuckJobs.count }

    /// True when every tracked worker was alive within `window` and fewer than the limit of
    /// analyses are stuck.
    package func isHealthy(within window: Duration) -> Bool {
        let now = ContinuousClock.now
        return stuckJobs.count < stuckLimit && lastSeen.values.allSatisfy { now - $0 <= window }
    }

    /// Pauses claiming: the environment (not an input) is at fault. Returns whether it was
    /// not paused already.
    @discardableResult
    package func pause(_ reason: String) -> Bool {
        defer { environmentFault = reason }
        return environmentFault == nil
    }

    /// Resumes claiming; returns the reason it was paused for, if it was.
    @discardableResult
    package func resume() -> String? {
        defer { environmentFault = nil }
        return environmentFault
    }

    /// Whether the calling worker should probe the environment now: true at most once per
    /// `interval` across all workers, so a paused daemon with many workers probes the disks
    /// at one worker's pace.
    package func takeProbeTurn(every interval: Duration) -> Bool {
        let now = ContinuousClock.now
        if let last = lastProbe, now - last < interval { return false }
        lastProbe = now
        return true
    }

    /// Workers tracked now.
    package var workerCount: Int { lastSeen.count }
}
