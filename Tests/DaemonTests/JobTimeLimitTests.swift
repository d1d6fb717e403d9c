import Dispatch
import Foundation
import JobQueue
import Logging
import Testing
import Daemon

/// A processor whose inputs named `hang*` never finish by themselves: `cooperative` ones spin
/// on their own thread until their task is cancelled (as the analyzer does between tiles);
/// the others block their thread on a semaphore that ignores cancellation, until `release()`.
/// Other inputs get a `report.json`. `@unchecked Sendable`: `sawCancellation` is under `lock`.
final class HangingProcessor: JobProcessor, @unchecked Sendable {
    let cooperative: Bool
    private let lock = NSLock()
    private var cancelled = 0
    private let gate = DispatchSemaphore(value: 0)
    private let executor = DedicatedThreadExecutor(label: "test.hanging")

    init(cooperative: Bool) { self.cooperative = cooperative }

    /// How many hung calls saw their task cancelled.
    var sawCancellation: Int { lock.withLock { cancelled } }

    /// Lets every blocked call return (it then throws).
    func release() { for _ in 0..<8 { gate.signal() } }

    func process(_ input: OpenedInput, report: ReportDestination, configuration: Configuration) async throws -> String {
        let outputDirectory = report.base
        if (input.path as NSString).lastPathComponent.hasPrefix("hang") {
            try await withTaskExecutorPreference(executor) {
                if cooperative {
                    while !Task.isCancelled { usleep(2_000) }
                    lock.withLock { cancelled += 1 }
                    throw CancellationError()
                }
                gate.wait()
                throw DaemonError(.processingFailed, "released")
            }
        }
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: outputDirectory + "/report.json"), options: .atomic)
        return outputDirectory
    }
}

/// The job time limit: a hung analysis is cancelled at its limit, the job fails (or is retried)
/// with the reason, and the worker serves the next job even when the analysis never returns.
@Suite final class JobTimeLimitTests {
    let base: String
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    init() throws {
        base = NSTemporaryDirectory() + "leuko-limit-\(UUID().uuidString)"
        for dir in ["in", "out"] { try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true) }
    }

    /// Every test's folder goes, whether or not the test removed it itself.
    deinit { try? FileManager.default.removeItem(atPath: base) }

    func poll(_ polls: Int = 4000, _ condition: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<polls {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return try await condition()
    }

    func runner(_ processor: any JobProcessor, extra: String, notifier: SystemdNotifier = SystemdNotifier(environment: [:])) throws -> DaemonRunner {
        let configuration = try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            workers = 1
            settle_ms = 20
            job_time_limit_s = 1
            job_time_limit_s_per_mb = 0
            status_interval_s = 1
            \(extra)
            """)
        return try DaemonRunner(configuration: configuration, processor: processor, notifier: notifier, logger: quiet,
                                cancelGrace: .milliseconds(300))
    }

    @Test func aHungAnalysisIsCancelledAtItsLimitAndTheJobFailsWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let processor = HangingProcessor(cooperative: true)
        let runner = try runner(processor, extra: "max_attempts = 1")
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        let queue = runner.queue
        let start = ContinuousClock.now
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/hang.tif"))
        #expect(try await poll { try await queue.counts().failed == 1 })
        #expect(ContinuousClock.now - start >= .seconds(1), "not before the limit")
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/next.tif"))
        #expect(try await poll { try await queue.counts().succeeded == 1 }, "the worker went on")
        await group.triggerGracefulShutdown()
        try await running.value

        let job = try #require(try await queue.list(state: .failed).first)
        #expect(job.attempt == 1)
        #expect(job.lastError == "exceeded the time limit of 1 s (job_time_limit_s, job_time_limit_s_per_mb)", "\(job.lastError ?? "")")
        #expect(processor.sawCancellation == 1, "the processor's work saw the cancellation")
        #expect(FileManager.default.fileExists(atPath: base + "/out/next/report.json"))
    }

    @Test func anAnalysisThatIgnoresCancellationIsLeftBehindAndTheWorkerServesTheNextJob() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let processor = HangingProcessor(cooperative: false)
        defer { processor.release() }
        let listener = try NotifyListener(abstract: true)
        let runner = try runner(processor, extra: "max_attempts = 3\nbackoff_base_s = 600",
                                notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]))
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        let queue = runner.queue
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/hang.tif"))
        #expect(try await poll { try await queue.counts().retrying == 1 }, "failed at the limit, to be retried")
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/next.tif"))
        #expect(try await poll { try await queue.counts().succeeded == 1 }, "the only worker is free although the hung thread is not")
        let job = try #require(try await queue.list(state: .retrying).first)
        #expect(job.lastError?.hasPrefix("exceeded the time limit of 1 s") == true)
        #expect(job.lastError?.contains("did not stop when cancelled and was left behind") == true, "\(job.lastError ?? "")")

        // systemd's status line reports the stuck analysis until it returns.
        var messages: [String] = []
        func sawStatus(_ predicate: (String) -> Bool) async -> Bool {
            await poll(600) {
                while let message = listener.receive(timeoutMilliseconds: 0) { messages.append(message) }
                return messages.contains { $0.contains("STATUS=") && predicate($0) }
            }
        }
        #expect(await sawStatus { $0.hasSuffix("; 1 analysis stuck") }, "\(messages)")
        processor.release()
        messages.removeAll()
        #expect(await sawStatus { !$0.contains("stuck") }, "no longer stuck once it returned: \(messages)")
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await queue.list(state: .retrying).first?.id == job.id, "the late return changed nothing")
    }

    @Test func theLimitGrowsWithTheInputSize() throws {
        var c = Configuration(inboxes: ["/in"], outbox: "/out")
        #expect(c.timeLimitSeconds(forBytes: 0) == 600)
        #expect(c.timeLimitSeconds(forBytes: 150 * 1_048_576) == 600 + 1200, "a compressed gigapixel slide: 30 min")
        c.jobTimeLimitSeconds = 5
        c.jobTimeLimitSecondsPerMegabyte = 0.5
        #expect(c.timeLimitSeconds(forBytes: 1) == 6, "rounded up")
        #expect(c.timeLimitSeconds(forBytes: 4 * 1_048_576) == 7)
        c.jobTimeLimitSecondsPerMegabyte = 0
        #expect(c.timeLimitSeconds(forBytes: 1 << 40) == 5)
        let parsed = try Configuration.parse("""
            inboxes = ["/in"]
            outbox = "/out"
            job_time_limit_s = 90
            job_time_limit_s_per_mb = 2
            """)
        #expect(parsed.jobTimeLimitSeconds == 90 && parsed.jobTimeLimitSecondsPerMegabyte == 2)
        for bad in ["job_time_limit_s = 0", "job_time_limit_s_per_mb = -1", "job_time_limit_s = \"1h\""] {
            #expect { try Configuration.parse("inboxes = [\"/in\"]\noutbox = \"/out\"\n" + bad) } throws: { error in
                "\(error)".contains("key '\(bad.prefix { $0 != " " })'")
            }
        }
    }
}
