import Foundation
import JobQueue
import Logging
import Testing
import Daemon

/// Runs the whole daemon (real inotify, a `FakeProcessor`) on `BASE/in` -> `BASE/out` with a
/// queue in `BASE/queue.sqlite`, for the tests that drive it through its folders.
enum DaemonHarness {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts the daemon with `extra` configuration lines, runs `act`, waits (up to about 20 s)
    /// until `done` holds for the queue (a test issue when it never does), then shuts down
    /// gracefully. Returns the queue and the paths the processor was given.
    static func run(base: String, extra: String = "", until done: @escaping @Sendable (JobQueue) async throws -> Bool,
                    while act: (JobQueue) async throws -> Void) async throws -> (queue: JobQueue, processed: [String]) {
        let configuration = try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            settle_ms = 50
            \(extra)
            """)
        let processor = FakeProcessor()
        let runner = try DaemonRunner(configuration: configuration, processor: processor,
                                      notifier: SystemdNotifier(environment: [:]), logger: quiet)
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        try await act(runner.queue)
        var reached = false
        for _ in 0..<4000 where !reached {
            reached = try await done(runner.queue)
            if !reached { try? await Task.sleep(for: .milliseconds(5)) }
        }
        let counts = try await runner.queue.counts()
        #expect(reached, "counts: \(counts)")
        await group.triggerGracefulShutdown()
        try await running.value
        return (runner.queue, processor.processed)
    }
}

/// Waiting for a condition in the tests that drive a real daemon process.
enum Polling {
    /// Polls `condition` every 100 ms for up to `seconds`; returns whether it came true.
    static func until(seconds: Int, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
