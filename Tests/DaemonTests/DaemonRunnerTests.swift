import Foundation
import Glibc
import JobQueue
import Logging
import Testing
import Analysis
import Daemon

/// A processor standing in for the analysis: writes `report.json` (the size of the input it
/// read through the opened descriptor) into the report folder; rejects names starting with `corrupt`, fails `flaky*` once, and can block
/// until cancelled; records the review threshold of the configuration each job was given.
/// `@unchecked Sendable`: `calls` and `reviewThresholds` are only touched under `lock`.
final class FakeProcessor: JobProcessor, @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [String] = []
    private var reviewThresholds: [String: ReviewThresholds] = [:]
    let blocks: Bool

    init(blocks: Bool = false) { self.blocks = blocks }

    var processed: [String] { lock.withLock { calls } }

    /// The review thresholds of the configuration the last job on `path` ran with.
    func review(of path: String) -> ReviewThresholds? { lock.withLock { reviewThresholds[path] } }

    func process(_ input: OpenedInput, report: ReportDestination, configuration: Configuration) async throws -> String {
        let outputDirectory = report.base
        let inputPath = input.path
        let name = (inputPath as NSString).lastPathComponent
        let firstTime = lock.withLock { () -> Bool in
            defer { calls.append(inputPath); reviewThresholds[inputPath] = configuration.review }
            return !calls.contains(inputPath)
        }
        if blocks { try await Task.sleep(for: .seconds(600)) }
        if name.hasPrefix("corrupt") { throw DaemonError(.inputRejected, "not an image: bad magic bytes") }
        if name.hasPrefix("flaky"), firstTime { throw DaemonError(.processingFailed, "disk full (simulated)") }
        let size = try input.contents().count  // read as the worker opened it
        if name.hasPrefix("partial"), size < 10 { throw DaemonError(.inputRejected, "truncated: \(size) bytes (simulated)") }
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        try Data("{\"size\": \(size)}".utf8).write(to: URL(fileURLWithPath: outputDirectory + "/report.json"), options: .atomic)
        return outputDirectory
    }
}

/// The daemon's services end to end on temporary folders, with real inotify, a fake
/// processor and a fake systemd notify socket. Waits are polls with a bounded count.
@Suite final class DaemonRunnerTests {
    let base: String
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    init() throws {
        base = NSTemporaryDirectory() + "leuko-daemon-\(UUID().uuidString)"
        for dir in ["in", "out"] { try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true) }
    }

    /// Every test's folder goes, whether or not the test removed it itself.
    deinit { try? FileManager.default.removeItem(atPath: base) }

    func configuration(workers: Int = 2, shutdownTimeout: Int = 5) throws -> Configuration {
        try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            workers = \(workers)
            settle_ms = 100
            backoff_base_s = 0.05
            backoff_cap_s = 0.1
            backoff_jitter = 0
            status_interval_s = 1
            shutdown_timeout_s = \(shutdownTimeout)
            """)
    }

    func write(_ relative: String, bytes: Int = 32) throws {
        let path = base + "/in/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x49, count: bytes).write(to: URL(fileURLWithPath: path))
    }

    func poll(_ polls: Int = 4000, _ condition: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<polls {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return try await condition()
    }

    @Test func filesBecomeReportsFailuresAreRecordedAndSystemdIsTold() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let listener = try NotifyListener(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "400000"])
        try write("before-start.tif")
        let runner = try DaemonRunner(configuration: configuration(), processor: FakeProcessor(), notifier: notifier, logger: quiet)
        try await runner.recover()
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        // The start-up scan has run once the file that was there before is queued. (Waiting for
        // it keeps that scan from catching the half-written file below mid-pause, which would
        // queue its partial version too — correct, but not the case under test here.)
        let queue = runner.queue
        #expect(try await poll { try await queue.counts().total >= 1 })

        try write("a.tif")
        try write("sub/dir/b.png")
        try write("corrupt-1.tif")
        try write("flaky-1.tif")
        try write(".partial-upload.tif")
        // Half-written: the writer pauses (longer than the quiet period) before finishing.
        // It keeps the file open meanwhile (created with open(2), so no early close event).
        let fd = open(base + "/in/slow.tif", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        #expect(Glibc.write(fd, [UInt8](repeating: 1, count: 100), 100) == 100)
        usleep(300_000)
        #expect(Glibc.write(fd, [UInt8](repeating: 2, count: 900), 900) == 900)
        close(fd)

        let done = try await poll { let c = try await queue.counts(); return c.succeeded == 5 && c.failed == 1 }
        let reached = try await queue.counts()
        #expect(done, "counts: \(reached)")
        // A periodic STATUS line (status_interval_s = 1) arrives while running.
        var messages: [String] = []
        let sawStatus = await poll(400) {
            while let message = listener.receive(timeoutMilliseconds: 0) { messages.append(message) }
            return messages.contains { $0.hasPrefix("STATUS=") && $0.contains("5 done") }
        }
        #expect(sawStatus, "\(messages)")
        await group.triggerGracefulShutdown()
        try await running.value

        let counts = try await queue.counts()
        #expect(counts.running == 0 && counts.queued == 0 && counts.retrying == 0)
        for report in ["before-start", "a", "sub/dir/b", "flaky-1", "slow"] {
            #expect(FileManager.default.fileExists(atPath: "\(base)/out/\(report)/report.json"), "\(report)")
        }
        let slow = try String(contentsOfFile: "\(base)/out/slow/report.json", encoding: .utf8)
        #expect(slow == "{\"size\": 1000}", "processed once complete")
        #expect(!FileManager.default.fileExists(atPath: "\(base)/out/corrupt-1"))
        let failed = try await queue.list(state: .failed)
        #expect(failed.map { ($0.path as NSString).lastPathComponent } == ["corrupt-1.tif"])
        #expect(failed.first?.lastError == "not an image: bad magic bytes")
        let flaky = try #require(try await queue.list(state: .succeeded).first { $0.path.hasSuffix("flaky-1.tif") })
        #expect(flaky.attempt == 2)
        let all = try await queue.list()
        #expect(all.count == 6, ".partial-upload.tif is ignored: \(all.map { "\(($0.path as NSString).lastPathComponent) \($0.state) \($0.size)" })")

        while let message = listener.receive(timeoutMilliseconds: 100) { messages.append(message) }
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=") == true, "\(messages.prefix(3))")
        #expect(messages.contains("WATCHDOG=1"))
        #expect(messages.contains("STOPPING=1"))
    }

    @Test func aJobUnfinishedAtTheShutdownDeadlineIsHandedBack() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let runner = try DaemonRunner(configuration: configuration(workers: 1, shutdownTimeout: 1),
                                      processor: FakeProcessor(blocks: true), notifier: SystemdNotifier(environment: [:]), logger: quiet)
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        try write("long.tif")
        let queue = runner.queue
        #expect(try await poll { try await queue.counts().running == 1 })
        let start = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        // The processor would sleep 600 s; the 1 s deadline ends it far sooner. (Generous bound:
        // other test targets' CPU-bound tests can starve the cooperative pool for a minute.)
        #expect(ContinuousClock.now - start < .seconds(300))
        let job = try #require(try await queue.list().first)
        #expect(job.state == .queued && job.attempt == 0 && job.claimToken == nil)
    }

    @Test func jobsLeftRunningByACrashAreRecoveredAtStart() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let config = try configuration()
        // A previous run claimed a job and died (kill -9): the job is still `running`.
        let before = try JobQueue(path: config.database, options: config.jobQueueOptions)
        try await before.enqueue(JobInput(path: "\(base)/in/x.tif", size: 1, mtimeNanoseconds: 1))
        _ = try #require(try await before.claim(worker: "worker-1"))
        let runner = try DaemonRunner(configuration: config, processor: FakeProcessor(), notifier: SystemdNotifier(environment: [:]), logger: quiet)
        try await runner.recover()
        let job = try #require(try await runner.queue.list().first)
        #expect(job.state == .retrying)
        let mode = try FileManager.default.attributesOfItem(atPath: config.database)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aReloadAppliesNewSettingsWithoutStoppingAndABadFileChangesNothing() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/in2", withIntermediateDirectories: true)
        let file = base + "/leuko.toml"
        func writeConfig(inbox: String, workers: Int, maxAttempts: Int, lowConfidence: Double) throws {
            try Data("""
                inboxes = ["\(base)/\(inbox)"]
                outbox = "\(base)/out"
                database = "\(base)/queue.sqlite"
                workers = \(workers)
                max_attempts = \(maxAttempts)
                settle_ms = 50
                low_confidence = \(lowConfidence)
                """.utf8).write(to: URL(fileURLWithPath: file))
        }
        try writeConfig(inbox: "in", workers: 1, maxAttempts: 5, lowConfidence: 0.8)
        let listener = try NotifyListener(abstract: true)
        let processor = FakeProcessor()
        let runner = try DaemonRunner(configuration: Configuration.load(path: file), configurationPath: file,
                                      processor: processor, notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]),
                                      logger: quiet)
        let (triggers, trigger) = AsyncStream.makeStream(of: Void.self)
        let group = runner.serviceGroup(signals: [], reloadTriggers: triggers)
        let running = Task { try await group.run() }
        let queue = runner.queue

        try write("first.tif")
        #expect(try await poll { try await queue.counts().succeeded == 1 })

        try writeConfig(inbox: "in2", workers: 2, maxAttempts: 9, lowConfidence: 0.95)
        trigger.yield()
        #expect(await poll { await runner.store.current.workers == 2 })
        try Data(repeating: 7, count: 10).write(to: URL(fileURLWithPath: base + "/in2/second.tif"))
        #expect(try await poll { try await queue.counts().succeeded == 2 })
        let second = try #require(try await queue.list().first { $0.path.hasSuffix("second.tif") })
        #expect(second.maxAttempts == 9, "new thresholds apply to new jobs")
        #expect(processor.review(of: base + "/in/first.tif")?.lowConfidence == 0.8)
        #expect(processor.review(of: base + "/in2/second.tif")?.lowConfidence == 0.95, "the review threshold applies live")
        #expect(FileManager.default.fileExists(atPath: base + "/out/second/report.json"))

        try Data("workers = 0\n".utf8).write(to: URL(fileURLWithPath: file))
        trigger.yield()
        try Data(repeating: 7, count: 10).write(to: URL(fileURLWithPath: base + "/in2/third.tif"))
        #expect(try await poll { try await queue.counts().succeeded == 3 }, "still working after a bad reload")
        #expect(await runner.store.current.workers == 2 && runner.queue.options.maxAttempts == 9)

        await group.triggerGracefulShutdown()
        try await running.value
        var messages: [String] = []
        while let message = listener.receive(timeoutMilliseconds: 100) { messages.append(message) }
        let reloads = messages.indices.filter { messages[$0].hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }
        #expect(reloads.count == 2, "\(messages)")
        for index in reloads { #expect(messages[(index + 1)...].contains("READY=1"), "READY=1 follows RELOADING=1") }
    }
}

@Suite struct HangupTriggerTests {
    /// SIGHUP to this process becomes a reload trigger (the handler is in place once
    /// `hangupTriggers()` returns, so the signal cannot terminate the test run).
    @Test func aHangupSignalBecomesAReloadTrigger() async throws {
        let triggers = await DaemonRunner.hangupTriggers()
        var iterator = triggers.makeAsyncIterator()
        #expect(kill(getpid(), SIGHUP) == 0)
        let got: Void? = await iterator.next()
        #expect(got != nil)
    }
}
