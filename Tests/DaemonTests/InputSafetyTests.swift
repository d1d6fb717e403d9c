import Foundation
import Glibc
import JobQueue
import Logging
import Testing
import Daemon

/// Issue 7's security items, through the whole daemon (real inotify, a fake processor) on
/// temporary folders: links never lead a worker out of its inbox, hostile names stay inside
/// the outbox, names that are not UTF-8 are skipped without harm, and no code path of the
/// daemon's targets starts a shell or another program.
@Suite struct InputSafetyTests {
    let base: String

    init() throws {
        base = NSTemporaryDirectory() + "leuko-safety-\(UUID().uuidString)"
        for dir in ["in", "out", "elsewhere"] {
            try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
        }
        try Data("secret".utf8).write(to: URL(fileURLWithPath: base + "/elsewhere/secret.tif"))
    }

    /// Runs the daemon until `done` holds; returns the queue and what the processor was given.
    func runDaemon(_ extra: String = "", until done: @escaping @Sendable (JobQueue) async throws -> Bool,
                   while act: (JobQueue) async throws -> Void) async throws -> (JobQueue, [String]) {
        try await DaemonHarness.run(base: base, extra: extra, until: done, while: act)
    }

    @Test func aFileSwappedForASymlinkAfterQueueingIsFailedNotFollowed() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let link = base + "/in/swapped.tif"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: base + "/elsewhere/secret.tif")
        let (queue, processed) = try await runDaemon(until: { try await $0.counts().failed == 1 }) { queue in
            // As if it had been a regular file when the watcher queued it.
            try await queue.enqueue(JobInput(path: link, size: 6, mtimeNanoseconds: 1))
        }
        let job = try #require(try await queue.list(state: .failed).first)
        #expect(job.attempt == 1 && job.lastError?.contains("symlink") == true, "\(job.lastError ?? "")")
        #expect(!processed.contains(link), "the processor never saw it")
    }

    @Test func aFolderSwappedForASymlinkOutOfTheInboxIsFailedEvenWhenLinksAreFollowed() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createSymbolicLink(atPath: base + "/in/day1", withDestinationPath: base + "/elsewhere")
        let path = base + "/in/day1/secret.tif"
        let (queue, processed) = try await runDaemon("follow_symlinks = true", until: { try await $0.counts().failed == 1 }) { queue in
            try await queue.enqueue(JobInput(path: path, size: 6, mtimeNanoseconds: 1))
        }
        let job = try #require(try await queue.list(state: .failed).first)
        #expect(job.lastError?.contains("resolves outside its inbox") == true, "\(job.lastError ?? "")")
        #expect(processed.isEmpty)
    }

    @Test func withFollowSymlinksALinkInsideTheInboxIsProcessedAndOneLeavingItIsNot() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/in/scans", withIntermediateDirectories: true)
        try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/scans/field.tif"))
        let (queue, processed) = try await runDaemon("follow_symlinks = true", until: {
            let c = try await $0.counts()
            return c.succeeded == 2 && c.failed == 1
        }) { queue in
            try FileManager.default.createSymbolicLink(atPath: base + "/in/latest.tif", withDestinationPath: base + "/in/scans/field.tif")
            // The watcher would not queue this one; a swap after queueing is simulated.
            try FileManager.default.createSymbolicLink(atPath: base + "/in/out-link.tif", withDestinationPath: base + "/elsewhere/secret.tif")
            try await queue.enqueue(JobInput(path: base + "/in/out-link.tif", size: 6, mtimeNanoseconds: 1))
        }
        #expect(processed.contains(base + "/in/latest.tif"))
        #expect(!processed.contains(base + "/in/out-link.tif"))
        #expect(try await queue.list(state: .failed).first?.lastError?.contains("resolves outside its inbox") == true)
    }

    /// A hard link into the inbox to a file elsewhere fails at its first attempt (a permanent
    /// refusal, not retried) and never reaches the processor; a plain file beside it is analysed.
    @Test func aHardLinkIntoTheInboxIsFailedAtOnceNotAnalysed() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let linked = base + "/in/linked.tif", plain = base + "/in/plain.tif"
        // Both are there before the start-up scan (link(2) sends no event the watcher acts on).
        #expect(link(base + "/elsewhere/secret.tif", linked) == 0)
        try Data(count: 10).write(to: URL(fileURLWithPath: plain))
        let (queue, processed) = try await runDaemon(until: {
            let c = try await $0.counts()
            return c.succeeded == 1 && c.failed == 1
        }) { _ in }
        let job = try #require(try await queue.list(state: .failed).first)
        #expect(job.path == linked && job.attempt == 1, "\(job)")
        #expect(job.lastError?.hasPrefix("input has a link count of 2: ") == true, "\(job.lastError ?? "")")
        #expect(processed == [plain])
    }

    @Test func hostileNamesGetReportsInsideTheOutboxOnly() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let names = ["..png", "line\nbreak.png", "tab\tand \u{1B}[31mescape.tif",
                     String(repeating: "long-", count: 48) + ".tif", " leading space.png", "-rf.png"]
        // No ignore patterns, so that "..png" (stem "..") is not skipped as a dotfile.
        _ = try await runDaemon("ignore = []", until: { try await $0.counts().succeeded == names.count }) { _ in
            for name in names { try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/" + name)) }
        }
        // Every report is a direct child of the outbox; nothing was created anywhere else.
        let reports = try FileManager.default.contentsOfDirectory(atPath: base + "/out")
        #expect(reports.count == names.count, "\(reports)")
        for report in reports {
            #expect(report != "." && report != ".." && !report.contains("/") && report.utf8.count <= 200)
            #expect(!report.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(report.debugDescription)")
            #expect(FileManager.default.fileExists(atPath: base + "/out/" + report + "/report.json"))
        }
        let top = try FileManager.default.contentsOfDirectory(atPath: base).filter { !$0.hasPrefix("queue.sqlite") }
        #expect(Set(top) == ["in", "out", "elsewhere"])
    }

    @Test func aNameThatIsNotUTF8IsSkippedAndTheRestIsProcessed() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        // "bad\xff\xfe.tif": not valid UTF-8, so it cannot be named by a Swift String.
        let bytes: [UInt8] = Array((base + "/in/bad").utf8) + [0xFF, 0xFE] + Array(".tif".utf8) + [0]
        let (queue, processed) = try await runDaemon(until: { try await $0.counts().succeeded == 1 }) { _ in
            let fd = bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
            #expect(fd >= 0)
            close(fd)
            try Data(count: 10).write(to: URL(fileURLWithPath: base + "/in/good.tif"))
        }
        #expect(try await queue.counts().total == 1, "only the good file was queued")
        #expect(processed == [base + "/in/good.tif"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out") == ["good"])
    }

    // Root reads every file whatever its mode, so this needs an ordinary user.
    @Test(.enabled(if: getuid() != 0, "running as root: permissions cannot make a file unreadable"))
    func aFileTheDaemonCannotReadFailsAtOnceWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = base + "/in/locked.tif"
        try Data(count: 10).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0) == 0)
        let (queue, processed) = try await runDaemon(until: { try await $0.counts().failed == 1 }) { _ in }
        let job = try #require(try await queue.list(state: .failed).first)
        #expect(job.attempt == 1 && job.lastError?.contains("cannot be read") == true, "\(job.lastError ?? "")")
        #expect(processed.isEmpty)
    }

    /// No file name can reach a shell when no code starts one: the daemon's targets never
    /// spawn a process. (A source check: it fails as soon as someone adds such a call.)
    @Test func theDaemonTargetsStartNoProcessOrShell() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let forbidden = ["Process(", "posix_spawn", "system(", "popen(", "execv", "execl", "/bin/sh", "fork("]
        for target in ["Daemon", "FolderWatch", "JobQueue"] {
            let folder = ToolRun.packageRoot + "/Sources/" + target
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                for call in forbidden { #expect(!text.contains(call), "\(target)/\(file) contains \(call)") }
            }
        }
    }
}
