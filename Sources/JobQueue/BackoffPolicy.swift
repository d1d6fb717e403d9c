import Foundation

/// How long a job waits before its next attempt: exponential, capped, with jitter.
///
/// The delay after failed attempt `n` (1-based) is `min(cap, base * factor^(n-1))`, then
/// multiplied by `1 + jitter * (2u - 1)` for a uniform `u` in [0, 1): with the defaults
/// 10 s, 20 s, 40 s, 80 s … up to 1 h (Postfix's `maximal_backoff_time` is 4000 s), each ±20 %. Jitter spreads retries of jobs that
/// failed together (a full disk, a missing model) so they do not return in lock-step.
package struct BackoffPolicy: Sendable, Equatable, Codable {
    /// Delay after the first failure, in seconds (> 0).
    package var base: TimeInterval
    /// Growth per attempt (>= 1).
    package var factor: Double
    /// Largest delay before jitter, in seconds (>= base).
    package var cap: TimeInterval
    /// Relative jitter amplitude in [0, 1).
    package var jitter: Double

    package init(base: TimeInterval = 10, factor: Double = 2, cap: TimeInterval = 3600, jitter: Double = 0.2) {
        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
    }

    /// Throws `JobQueueError.invalidOptions` naming the first bad field.
    package func validate() throws {
        guard base > 0, base.isFinite else { throw JobQueueError(.invalidOptions, "backoff base must be > 0 seconds, got \(base)") }
        guard factor >= 1, factor.isFinite else { throw JobQueueError(.invalidOptions, "backoff factor must be >= 1, got \(factor)") }
        guard cap >= base, cap.isFinite else { throw JobQueueError(.invalidOptions, "backoff cap must be >= base (\(base) s), got \(cap)") }
        guard (0..<1).contains(jitter) else { throw JobQueueError(.invalidOptions, "backoff jitter must be in [0, 1), got \(jitter)") }
    }

    /// The un-jittered delay after failed attempt `attempt` (1-based), in seconds.
    package func nominalDelay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(attempt, 1) - 1)
        let raw = base * pow(factor, exponent)
        return raw.isFinite ? min(cap, raw) : cap
    }

    /// The jittered delay after failed attempt `attempt`, drawing one value from `source`.
    package func delay(afterAttempt attempt: Int, jitter source: any JitterSource) -> TimeInterval {
        let u = source.nextUnit()
        return nominalDelay(afterAttempt: attempt) * (1 + jitter * (2 * u - 1))
    }
}
