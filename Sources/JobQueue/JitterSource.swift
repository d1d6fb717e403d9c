import Foundation

/// Uniform random numbers in [0, 1) for backoff jitter; injected so schedules are testable.
package protocol JitterSource: Sendable {
    /// The next uniform value in [0, 1).
    func nextUnit() -> Double
}

/// Jitter from the system's random generator (what a daemon uses).
package struct SystemJitter: JitterSource {
    package init() {}
    package func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// A reproducible jitter sequence (SplitMix64) from a seed, for tests and deterministic runs.
///
/// `@unchecked Sendable`: the only mutable state, `state`, is read and written under `lock`.
package final class SeededJitter: JitterSource, @unchecked Sendable {
    private var state: UInt64
    private let lock = NSLock()

    package init(seed: UInt64) { state = seed }

    package func nextUnit() -> Double {
        lock.lock()
        defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }
}

/// Always the same value: `0.5` gives the un-jittered delay (tests of the raw schedule).
package struct ConstantJitter: JitterSource {
    package let value: Double
    package init(_ value: Double) {
        precondition((0..<1).contains(value), "jitter value must be in [0, 1)")
        self.value = value
    }
    package func nextUnit() -> Double { value }
}
