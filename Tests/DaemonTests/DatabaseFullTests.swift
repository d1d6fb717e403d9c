import Daemon
import FolderWatch
import Foundation
import Glibc
import JobQueue
import Logging
import Testing

/// A processor that waits until the test opens its gate, then writes a report.
final class GatedProcessor: JobProcessor, @unchecked Sendable {
    private let lock = NSLock()
    private var open = false
    private var started = 0

    var startedCount: Int { lock.withLock { started } }
    func release() { lock.withLock { open = true } }

    func process(_ input: OpenedInput, report: ReportDestination, configuration: Configuration) async throws -> String {
        lock.withLock { started += 1 }
        while !lock.withLock({ open }) { try await Task.sleep(for: .milliseconds(10)) }
        try FileManager.default.createDirectory(atPath: report.base, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: report.base + "/report.json"))
        return report.base
    }
}

/// The queue database's disk fills while a job runs: its outcome is kept and recorded once
/// space is freed, no attempt is used, claiming pauses and the status line says why. Fault
/// injection with a small tmpfs (needs root, as CI runs).
@Suite(.serialized) struct DatabaseFullTests {
    /// Writes a 10-byte input and queues it as it is (the watcher queues the same key, or may
    /// be slow to under a full parallel test run: then this is the one job).
    static func drop(_ path: String, into queue: JobQueue) async throws {
        try Data(count: 10).write(to: URL(fileURLWithPath: path))
        let st = try #require(FileStat.read(path, followingLinks: false))
        try await queue.enqueue(JobInput(path: path, size: st.size, mtimeNanoseconds: st.mtimeNanoseconds))
    }

    @Test(.enabled(if: EnvironmentFaultTests.canMount, "needs to mount a tmpfs (root); CI runs as root"))
    func aFullDatabaseDiskKeepsTheOutcomeUntilItCanBeRecorded() async throws {
        let base = NSTemporaryDirectory() + "leuko-dbfull-\(UUID().uuidString)"
        for dir in ["in", "out", "db"] { try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true) }
        try #require(mount("tmpfs", base + "/db", "tmpfs", 0, "size=2m") == 0)
        defer {
            umount2(base + "/db", Int32(MNT_DETACH))   // lazily: the queue may still hold its file open
            try? FileManager.default.removeItem(atPath: base)
        }
        let configuration = try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/db/queue.sqlite"
            settle_ms = 50
            max_attempts = 1
            status_interval_s = 1
            """)
        let listener = try NotifyListener(abstract: true)
        let processor = GatedProcessor()
        let runner = try DaemonRunner(configuration: configuration, processor: processor,
                                      notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]),
                                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        let queue = runner.queue
        try await Self.drop(base + "/in/field.tif", into: queue)
        #expect(try await Polling.until(seconds: 60) { processor.startedCount == 1 }, "the job is running")

        // Fill the database's disk: a filler to the last block, then commits until one fails.
        let filler = base + "/db/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 1, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)
        var full = false
        for _ in 0..<10_000 where !full {
            do { try await queue.probeWrite() } catch let error as JobQueueError {
                #expect(error.code == .storageFailed, "\(error)")
                full = true
            }
        }
        try #require(full, "the database disk never filled")

        // The analysis finishes: its success cannot be recorded yet, and must not be lost.
        processor.release()
        var messages: [String] = []
        let paused = try await Polling.until(seconds: 20) {
            while let message = listener.receive(timeoutMilliseconds: 0) { messages.append(message) }
            return messages.contains { $0.contains("PAUSED: the file system of the queue database") }
        }
        #expect(paused, "STATUS says why claiming paused: \(messages.suffix(3))")
        let during = try #require(try await queue.list(limit: 5).first)
        #expect(during.state == .running, "kept, not failed or retried: \(during.state) \(during.lastError ?? "")")

        unlink(filler)  // space again: the outcome is recorded and claiming resumes
        #expect(try await Polling.until(seconds: 30) { try await queue.counts().succeeded == 1 })
        let job = try #require(try await queue.list(limit: 5).first)
        #expect(job.state == .succeeded && job.attempt == 1, "one attempt (max_attempts = 1): \(job.state) \(job.attempt)")
        #expect(try await queue.show(id: job.id).errors.isEmpty, "no failure was recorded against the job")
        try await Self.drop(base + "/in/next.tif", into: queue)
        #expect(try await Polling.until(seconds: 60) { try await queue.counts().succeeded == 2 }, "claiming resumed")
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
