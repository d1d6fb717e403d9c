import Foundation
import JobQueue
import Logging
import Testing
import Daemon

/// Waiting for work that may never end: the waiter can always leave; the work goes on.
@Suite struct RunningAttemptTests {
    /// Work that returns only when `open` is called. `@unchecked Sendable`: `continuation`
    /// is only touched under `lock`.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var opened = false
        func wait() async {
            await withCheckedContinuation { c in
                let now = lock.withLock { () -> Bool in
                    if opened { return true }
                    continuation = c
                    return false
                }
                if now { c.resume() }
            }
        }
        func open() {
            let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                opened = true
                defer { continuation = nil }
                return continuation
            }
            c?.resume()
        }
    }

    @Test func aWaiterThatIsCancelledLeavesAtOnceAndTheWorkGoesOn() async throws {
        let gate = Gate()
        let attempt = RunningAttempt { () async -> Int in
            await gate.wait()  // ignores cancellation
            return 42
        }
        let waiter = Task { await attempt.value() }
        waiter.cancel()
        #expect(await waiter.value == nil, "the waiter left without the value")
        #expect(await attempt.value(within: .milliseconds(50)) == nil, "still running")
        attempt.cancel()
        #expect(await attempt.value(within: .milliseconds(50)) == nil, "cancelling does not stop work that ignores it")
        gate.open()
        #expect(await attempt.eventualValue == 42)
        #expect(await attempt.value() == 42, "a finished attempt's value is there at once")
    }

    @Test func cancellingTheAttemptReachesWorkThatChecks() async throws {
        let attempt = RunningAttempt { () async -> Bool in
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(2)) }
            return true
        }
        #expect(await attempt.value(within: .milliseconds(20)) == nil)
        attempt.cancel()
        #expect(await attempt.value(within: .seconds(60)) == true)
    }

    /// The watchdog is fed while the daemon is healthy, and not while as many analyses are
    /// stuck as there are workers; a stuck analysis that returns makes it healthy again.
    @Test func theWatchdogIsWithheldWhileTheStuckLimitIsReached() async throws {
        let base = NSTemporaryDirectory() + "leuko-health-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let queue = try JobQueue(path: base + "/queue.sqlite")
        let listener = try NotifyListener(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "100000"])
        let health = HealthMonitor()
        await health.setStuckLimit(2)
        await health.stuck(job: 7)
        let status = StatusService(queue: queue, notifier: notifier, health: health, statusInterval: .milliseconds(50),
                                   logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await status.run() }
        defer { running.cancel() }
        /// Messages until `done` holds for them (bounded: about 20 s).
        func collect(until done: ([String]) -> Bool) async -> [String] {
            var messages: [String] = []
            for _ in 0..<2000 where !done(messages) {
                while let message = listener.receive(timeoutMilliseconds: 0) { messages.append(message) }
                if !done(messages) { try? await Task.sleep(for: .milliseconds(10)) }
            }
            return messages
        }
        var messages = await collect { m in m.contains("WATCHDOG=1") && m.contains { $0.hasSuffix("; 1 analysis stuck") } }
        #expect(messages.contains("WATCHDOG=1"), "1 stuck, limit 2: healthy")
        #expect(messages.contains { $0.hasSuffix("; 1 analysis stuck") }, "\(messages)")

        await health.stuck(job: 8)
        // From the first status line that shows 2 stuck on, over several more turns of the
        // loop (each sends a status line), no watchdog ping.
        let twoStuck: (String) -> Bool = { $0.hasSuffix("; 2 analyses stuck") }
        messages = await collect { m in m.filter(twoStuck).count >= 5 }
        let since = try #require(messages.firstIndex(where: twoStuck), "\(messages)")
        #expect(messages.filter(twoStuck).count >= 5)
        #expect(!messages[since...].contains("WATCHDOG=1"), "2 stuck: withheld \(messages)")

        await health.returned(job: 7)
        messages = await collect { m in m.contains("WATCHDOG=1") }
        #expect(messages.contains("WATCHDOG=1"), "fed again once one returned")
    }
}
