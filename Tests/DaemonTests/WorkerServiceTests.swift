import Foundation
import JobQueue
import Logging
import Testing
import Daemon
import FolderWatch

/// The worker's checks and side paths, through the whole daemon on temporary folders.
@Suite final class WorkerServiceTests {
    let base: String
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    init() throws {
        base = NSTemporaryDirectory() + "leuko-worker-\(UUID().uuidString)"
        for dir in ["in", "out", "elsewhere"] {
            try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
        }
    }

    /// Every test's folder goes, whether or not the test removed it itself.
    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Runs the daemon with `extra` configuration lines until `done` holds for the queue.
    func runDaemon(_ extra: String, until done: @escaping @Sendable (JobQueue) async throws -> Bool,
                   while act: (JobQueue) async throws -> Void) async throws -> JobQueue {
        try await DaemonHarness.run(base: base, extra: extra, until: done, while: act).queue
    }

    @Test func tooLargeAndVanishedInputsFailAtOnceWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let queue = try await runDaemon("max_file_mb = 1", until: { try await $0.counts().failed == 2 }) { queue in
            try Data(count: 1_048_577).write(to: URL(fileURLWithPath: base + "/in/huge.tif"))
            try await queue.enqueue(JobInput(path: base + "/in/gone.tif", size: 5, mtimeNanoseconds: 1))
        }
        let failed = try await queue.list(state: .failed).sorted { $0.path < $1.path }
        #expect(failed.map(\.attempt) == [1, 1], "no retries")
        #expect(failed[0].lastError?.contains("vanished") == true)
        #expect(failed[1].lastError?.contains("too large: 1048577 bytes, limit 1 MiB (max_file_mb)") == true)
    }

    /// A writer that paused past `settle_ms`: its half-written file is queued and fails, then
    /// the complete file is a new version of the path; the old job ends `superseded`, not
    /// failed, and the complete one succeeds (hole 7's stale failed job).
    @Test func aHalfWrittenFileFailsThenItsCompleteVersionSupersedesIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = base + "/in/partial-slide.tif"  // FakeProcessor rejects "partial*" files under 10 bytes
        let queue = try await runDaemon("", until: {
            let counts = try await $0.counts()
            return counts.succeeded == 1 && counts.superseded == 1
        }) { queue in
            try Data(count: 4).write(to: URL(fileURLWithPath: path))
            // Queued as it is now, by the watcher or (the same key, a duplicate then) by hand.
            let st = try #require(FileStat.read(path, followingLinks: false))
            try await queue.enqueue(JobInput(path: path, size: st.size, mtimeNanoseconds: st.mtimeNanoseconds))
            #expect(try await Polling.until(seconds: 60) { try await queue.counts().failed == 1 })
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(count: 8))
            try handle.close()
        }
        let jobs = try await queue.list().sorted { $0.id < $1.id }
        #expect(jobs.map(\.state) == [.superseded, .succeeded])
        #expect(jobs[0].supersededBy == jobs[1].id && jobs[0].lastError?.contains("truncated: 4 bytes") == true)
        #expect(try await queue.counts().failed == 0, "no stale failed job is left for an admin to chase")
    }

    @Test func aFileQueuedByHandFromElsewhereReportsUnderManual() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = base + "/elsewhere/by-hand.png"
        try Data(count: 10).write(to: URL(fileURLWithPath: path))
        _ = try await runDaemon("", until: { try await $0.counts().succeeded == 1 }) { queue in
            try await queue.enqueue(JobInput(path: path, size: 10, mtimeNanoseconds: 1))
        }
        #expect(FileManager.default.fileExists(atPath: base + "/out/_manual/by-hand/report.json"))
    }

    @Test func onSuccessMoveMovesTheInputMirroringItsFolders() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        _ = try await runDaemon("on_success = \"move:\(base)/done\"", until: { try await $0.counts().succeeded == 1 }) { _ in
            try FileManager.default.createDirectory(atPath: base + "/in/day1", withIntermediateDirectories: true)
            try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/day1/field.tif"))
        }
        #expect(FileManager.default.fileExists(atPath: base + "/done/day1/field.tif"))
        #expect(!FileManager.default.fileExists(atPath: base + "/in/day1/field.tif"))
        #expect(FileManager.default.fileExists(atPath: base + "/out/day1/field/report.json"))
    }

    @Test func reportFoldersKeepTheExtensionWhenStemsClash() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        _ = try await runDaemon("", until: { try await $0.counts().succeeded == 2 }) { _ in
            try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/slide.tif"))
            try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/slide.png"))
        }
        // Each was processed while the other was in the folder: both keep their extension.
        #expect(FileManager.default.fileExists(atPath: base + "/out/slide.tif/report.json"))
        #expect(FileManager.default.fileExists(atPath: base + "/out/slide.png/report.json"))
    }

    @Test func withoutInotifyFilesAreFoundByThePeriodicRescan() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            settle_ms = 20
            rescan_interval_s = 1
            """)
        let runner = try DaemonRunner(configuration: configuration, processor: FakeProcessor(),
                                      notifier: SystemdNotifier(environment: [:]), logger: quiet,
                                      makeSource: { throw FolderWatchError(.sourceFailed, "inotify_init1 failed (test)") })
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/first.tif"))
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        func poll(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<2000 { if try await condition() { return true }; try? await Task.sleep(for: .milliseconds(5)) }
            return try await condition()
        }
        #expect(try await poll { try await runner.queue.counts().total == 1 }, "the start-up scan has run")
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/later.tif"))  // no event will come
        #expect(try await poll { try await runner.queue.counts().succeeded == 2 }, "found by a rescan")
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
