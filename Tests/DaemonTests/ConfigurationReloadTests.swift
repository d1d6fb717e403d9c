import Foundation
import Glibc
import JobQueue
import Logging
import Testing
import TestSupport
import Daemon

/// SIGHUP's reload: what can change live changes at once (also the log level of loggers made
/// before), the keys that need a restart keep their running values, and the log names both.
@Suite struct ConfigurationReloadTests {
    let base: String

    init() throws {
        base = NSTemporaryDirectory() + "leuko-reload-\(UUID().uuidString)"
        for dir in ["in", "out"] { try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true) }
    }

    func writeConfig(_ extra: String, model: String = "/models/a.safetensors") throws {
        try Data("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            model = "\(model)"
            \(extra)
            """.utf8).write(to: URL(fileURLWithPath: base + "/leuko.toml"))
    }

    @Test func everyKeyIsComparedAndTheRestartKeysAreKeys() {
        #expect(Set(Configuration.keyValues.keys) == Set(Configuration.keys))
        #expect(Configuration.restartKeys.isSubset(of: Set(Configuration.keys)))
        let old = Configuration(inboxes: ["/in"], outbox: "/out")
        var new = old
        new.settleMilliseconds = 500
        new.model = "/models/b.safetensors"
        new.onSuccess = .move(to: "/done")
        #expect(new.changes(from: old).map(\.description) == [
            "model (/usr/local/share/leuko/leuko-wbc-v1.safetensors -> /models/b.safetensors)",
            "settle_ms (2000 -> 500)", "on_success (keep -> move:/done)",
        ])
        let kept = new.keepingRestartKeys(of: old)
        #expect(kept.model == old.model && kept.settleMilliseconds == 500 && kept.onSuccess == .move(to: "/done"))
        #expect(kept.changes(from: old).map(\.key) == ["settle_ms", "on_success"])
    }

    @Test func aReloadAppliesLiveKeysAndNamesThoseThatNeedARestart() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try writeConfig("settle_ms = 2000\nmax_attempts = 5\nthreads_per_worker = 1\njob_time_limit_s = 600")
        let initial = try Configuration.load(path: base + "/leuko.toml")
        let threshold = LogThreshold(.info)
        let sink = LineSink()
        let logger = Logger(label: "leuko") { JournalLogHandler(label: $0, threshold: threshold, environment: ["JOURNAL_STREAM": "1:1"], sink: sink.append) }
        let store = ConfigurationStore(initial)
        let queue = try JobQueue(path: initial.database, options: initial.jobQueueOptions)
        let (triggers, _) = AsyncStream.makeStream(of: Void.self)
        let reload = ReloadService(path: base + "/leuko.toml", store: store, queue: queue, notifier: SystemdNotifier(environment: [:]),
                                   logger: logger, logThreshold: threshold, triggers: triggers)

        try writeConfig("""
            settle_ms = 500
            max_attempts = 2
            threads_per_worker = 4
            job_time_limit_s = 90
            log_level = "warning"
            low_confidence = 0.9
            """, model: "/models/b.safetensors")
        let summary = try #require(await reload.reload())
        #expect(summary.applied.map(\.key) == ["settle_ms", "max_attempts", "log_level", "job_time_limit_s", "low_confidence"])
        #expect(summary.needRestart.map(\.key) == ["model", "threads_per_worker"])

        let current = await store.current
        #expect(current.settleMilliseconds == 500 && current.jobTimeLimitSeconds == 90 && current.logLevel == .warning)
        #expect(current.lowConfidence == 0.9, "the review thresholds apply live")
        #expect(current.model == "/models/a.safetensors" && current.threadsPerWorker == 1, "running values stay")
        #expect(queue.options.maxAttempts == 2)
        #expect(threshold.level == .warning)
        #expect(sink.lines == [
            "<5>leuko: configuration reloaded from \(base)/leuko.toml: applied settle_ms (2000 -> 500), max_attempts (5 -> 2), log_level (info -> warning), job_time_limit_s (600 -> 90), low_confidence (0.8 -> 0.9)\n",
            "<4>leuko: configuration reloaded from \(base)/leuko.toml: changed keys that need a restart (running values stay in force until then): model (/models/a.safetensors -> /models/b.safetensors), threads_per_worker (1 -> 4)\n",
        ], "the reload's own report is logged at the level in force before it")

        // The logger made before the reload follows the new level.
        let before = sink.lines.count
        logger.info("not written at level warning")
        logger.warning("written")
        #expect(sink.lines.count == before + 1 && sink.lines.last == "<4>leuko: written\n")

        // Reloading the same file again: nothing new applies; the restart is still pending.
        let again = try #require(await reload.reload())
        #expect(again.applied.isEmpty && again.needRestart.map(\.key) == ["model", "threads_per_worker"])

        // A bad file changes nothing.
        try Data("workers = 0\n".utf8).write(to: URL(fileURLWithPath: base + "/leuko.toml"))
        #expect(await reload.reload() == nil)
        #expect(await store.current == current)
        #expect(sink.lines.last?.hasPrefix("<3>leuko: reload failed, keeping the previous configuration: ") == true)
    }

    /// `allow_hard_links` applies live: the guard is given the configuration current when a
    /// job is claimed, so a hard-linked input refused before the reload is opened after it.
    @Test func allowHardLinksAppliesLive() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try writeConfig("")
        let initial = try Configuration.load(path: base + "/leuko.toml")
        let store = ConfigurationStore(initial)
        let queue = try JobQueue(path: initial.database, options: initial.jobQueueOptions)
        let (triggers, _) = AsyncStream.makeStream(of: Void.self)
        let reload = ReloadService(path: base + "/leuko.toml", store: store, queue: queue, notifier: SystemdNotifier(environment: [:]),
                                   logger: DaemonHarness.quiet, logThreshold: LogThreshold(.info), triggers: triggers)
        try Data("pixels".utf8).write(to: URL(fileURLWithPath: base + "/field.tif"))
        #expect(link(base + "/field.tif", base + "/in/field.tif") == 0)
        #expect { try InputGuard.open(base + "/in/field.tif", initial) } throws: { error in
            (error as? DaemonError)?.message.contains("(allow_hard_links = false)") == true
        }

        try writeConfig("allow_hard_links = true")
        let summary = try #require(await reload.reload())
        #expect(summary.applied.map(\.description) == ["allow_hard_links (false -> true)"] && summary.needRestart.isEmpty)
        let input = try InputGuard.open(base + "/in/field.tif", await store.current)
        #expect(String(decoding: try input.contents(), as: UTF8.self) == "pixels")
    }

    /// Maintenance reads `retention_days` from the store at each turn: a reload that turns
    /// pruning on prunes without a restart.
    @Test func maintenanceFollowsAReloadedRetention() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        var configuration = Configuration(inboxes: [base + "/in"], outbox: base + "/out")
        configuration.retentionDays = 0  // keep forever
        let clock = FakeClock()
        let queue = try JobQueue(path: base + "/queue.sqlite", clock: clock)
        try await queue.enqueue(JobInput(path: base + "/in/old.tif", size: 1, mtimeNanoseconds: 1))
        _ = try await queue.complete(try #require(try await queue.claim(worker: "w")))
        clock.advance(by: .seconds(3 * 86_400))
        let store = ConfigurationStore(configuration)
        let maintenance = MaintenanceService(queue: queue, configuration: configuration, logger: DaemonHarness.quiet,
                                             rescueInterval: .milliseconds(10), pruneInterval: .milliseconds(10), store: store)
        let running = Task { try await maintenance.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await queue.counts().succeeded == 1, "retention_days = 0 keeps it")
        configuration.retentionDays = 1
        await store.update(configuration)
        var pruned = false
        for _ in 0..<2000 where !pruned {
            pruned = try await queue.counts().succeeded == 0
            if !pruned { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(pruned, "pruned after the reload")
    }

    /// While claiming is paused for an environment fault, expired leases are left alone (their
    /// workers keep the outcome until the queue database takes it); once resumed they are
    /// rescued as usual.
    @Test func maintenanceRescuesNoLeaseWhileClaimingIsPaused() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = Configuration(inboxes: [base + "/in"], outbox: base + "/out")
        let clock = FakeClock()
        let queue = try JobQueue(path: base + "/queue.sqlite", clock: clock)
        try await queue.enqueue(JobInput(path: base + "/in/a.tif", size: 1, mtimeNanoseconds: 1))
        _ = try #require(try await queue.claim(worker: "w"))
        clock.advance(by: .seconds(3600))  // the lease is long expired
        let health = HealthMonitor()
        await health.pause("the file system of the queue database is full")
        let maintenance = MaintenanceService(queue: queue, configuration: configuration, logger: DaemonHarness.quiet,
                                             rescueInterval: .milliseconds(10), health: health)
        let running = Task { try await maintenance.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await queue.counts().running == 1, "not rescued while paused")
        await health.resume()
        #expect(try await Polling.until(seconds: 20) { try await queue.counts().retrying == 1 }, "rescued once resumed")
    }

    /// The real binary: SIGHUP re-reads the file, the log names the changed keys by kind.
    @Test(.enabled(if: DaemonEndToEndTests.ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func sighupReloadsTheRunningDaemon() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try writeConfig("settle_ms = 100\nrescan_interval_s = 60", model: DaemonEndToEndTests.model)
        let log = base + "/daemon.log"
        let daemon = try DaemonProcess(binary: ToolRun.leukoBinary!, config: base + "/leuko.toml", environment: [:], logPath: log)
        func logged(_ text: String) async -> Bool {
            for _ in 0..<600 {
                if daemon.logTail(400).contains(text) { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        #expect(await logged("starting"), "\(daemon.logTail())")
        try writeConfig("settle_ms = 300\nrescan_interval_s = 60\nthreads_per_worker = 2\nmax_pixels = 1000",
                        model: DaemonEndToEndTests.model)
        daemon.send(SIGHUP)
        #expect(await logged("applied settle_ms (100 -> 300)"), "\(daemon.logTail())")
        #expect(await logged("changed keys that need a restart (running values stay in force until then): threads_per_worker (1 -> 2), max_pixels (1000000000 -> 1000)"), "\(daemon.logTail())")
        #expect(daemon.isRunning, "a reload does not stop the daemon")
        daemon.send(SIGTERM)
        let stopped = await daemon.wait(timeout: .seconds(60))
        #expect(stopped?.reason == .exit && stopped?.status == 0, "\(daemon.logTail())")
    }
}
