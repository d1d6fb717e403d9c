import Foundation
import Synchronization
import Tensor

/// Where the time of a network's passes goes, layer by layer and op by op
/// (`leuko bench model --profile`).
///
/// Composite layers wrap each child call in `measure(name, phase) { ... }`; nested calls
/// give paths (`stage3/0/attn/qkv`; a scope's own name may hold a dot, as `mlp.fc1`), and each path collects its inclusive wall
/// time, call count and forward FLOPs per phase. Off by default: a disabled `measure` is one
/// relaxed atomic load and the call itself. Only the thread that called `start` is profiled
/// (the one driving the network; scopes are never opened inside `Parallel` bodies), so other
/// threads running networks at the same time neither show up nor garble the paths.
package final class OpProfile: Sendable {
    /// The process-wide profile the network's layers report to.
    package static let shared = OpProfile()

    package enum Phase: String, Codable, Sendable, CaseIterable {
        case forward, backward
    }

    /// What one path collected in one phase.
    package struct Entry: Sendable, Equatable {
        package var seconds = 0.0
        package var calls = 0
        /// Forward FLOPs of the calls (0 where the scope does not know its work).
        package var flops = 0.0

        package init(seconds: Double = 0, calls: Int = 0, flops: Double = 0) {
            self.seconds = seconds; self.calls = calls; self.flops = flops
        }
    }

    /// A path's entries, in the order paths were first seen.
    package struct Snapshot: Sendable {
        package var order: [String] = []
        package var entries: [String: [Phase: Entry]] = [:]

        package init(order: [String] = [], entries: [String: [Phase: Entry]] = [:]) {
            self.order = order; self.entries = entries
        }

        package func entry(_ path: String, _ phase: Phase) -> Entry { entries[path]?[phase] ?? Entry() }
    }

    private struct State {
        var stack: [String] = []
        var snapshot = Snapshot()
    }

    /// The profiled thread (`pthread_self`), 0 when off.
    private let owner = Atomic<UInt>(0)
    private let state = Mutex(State())

    package init() {}

    /// True on the thread that started the profile, until it stops.
    package var isEnabled: Bool {
        let profiled = owner.load(ordering: .relaxed)
        return profiled != 0 && profiled == UInt(pthread_self())
    }

    /// Clears what was collected and starts collecting on the calling thread.
    package func start() {
        state.withLock { $0 = State() }
        owner.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// Stops collecting and returns what was collected since `start`.
    @discardableResult
    package func stop() -> Snapshot {
        owner.store(0, ordering: .relaxed)
        return state.withLock { $0.snapshot }
    }

    /// Runs `body` as the scope `name` of the current path, timing it when enabled.
    @inline(__always)
    package func measure<T>(_ name: @autoclosure () -> String, _ phase: Phase, flops: @autoclosure () -> Int = 0, _ body: () -> T) -> T {
        guard isEnabled else { return body() }
        let work = Double(flops())
        let path = state.withLock { s -> String in
            s.stack.append(name())
            return s.stack.joined(separator: "/")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        state.withLock { s in
            s.stack.removeLast()
            if s.snapshot.entries[path] == nil { s.snapshot.order.append(path); s.snapshot.entries[path] = [:] }
            var entry = s.snapshot.entries[path]![phase] ?? Entry()
            entry.seconds += seconds
            entry.calls += 1
            entry.flops += work
            s.snapshot.entries[path]![phase] = entry
        }
        return result
    }
}

extension Layer {
    /// `forward` timed as the scope `name` (with this layer's FLOPs) when profiling.
    @inline(__always)
    package func profiledForward(_ name: @autoclosure () -> String, _ input: Tensor) -> Tensor {
        OpProfile.shared.measure(name(), .forward, flops: flops(inputShape: input.shape)) { forward(input) }
    }

    /// `backward` timed as the scope `name` when profiling.
    @inline(__always)
    package func profiledBackward(_ name: @autoclosure () -> String, _ dOutput: Tensor) -> Tensor {
        OpProfile.shared.measure(name(), .backward) { backward(dOutput) }
    }
}
