import Dispatch

/// Wall time per named stage, summed over repeated calls (e.g. once per tile).
///
/// Milliseconds, from the monotonic clock. Not thread-safe: each worker keeps its own and
/// they are merged with `add(_:)`.
package struct StageTimer: Sendable {
    package private(set) var milliseconds: [String: Double] = [:]

    package init() {}

    /// Runs `body` and adds its duration to `stage`.
    package mutating func time<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { milliseconds[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        return try body()
    }

    /// Adds another timer's totals.
    package mutating func add(_ other: StageTimer) {
        for (stage, ms) in other.milliseconds { milliseconds[stage, default: 0] += ms }
    }
}
