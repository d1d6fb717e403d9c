import Foundation
import Glibc
import Testing
import FolderWatch

/// The real kernel: `InotifyEventSource` under `FolderWatcher` in a temporary folder. Every
/// wait is a poll with a deadline; the only sleeps are the slow writer's own pauses.
@Suite struct InotifyWatchTests {
    /// A running watcher on `tree/inbox` with a real inotify source and the real clock.
    struct Running {
        let tree: TemporaryTree
        let inbox: String
        let watcher: FolderWatcher
        let collector: CandidateCollector
        let source: InotifyEventSource
        let log = DiagnosticLog()

        init(settle: Duration, startReading: Bool = true) async throws {
            tree = try TemporaryTree()
            inbox = try tree.mkdir("inbox")
            source = try InotifyEventSource(startReading: startReading)
            var options = FolderWatchOptions()
            options.settle = settle
            options.tickInterval = .milliseconds(10)
            let log = self.log
            watcher = try FolderWatcher(roots: [inbox], options: options, source: source, onDiagnostic: log.record)
            collector = CandidateCollector(watcher.candidates())
            let watcher = self.watcher
            _ = await eventually { await watcher.fullScanCount >= 1 }
        }

        func relativePaths() -> [String] { collector.received.map(\.relativePath).sorted() }
    }

    @Test func aFileWrittenSlowlyIsEmittedOnceWithItsFinalSize() async throws {
        let w = try await Running(settle: .seconds(1))
        // The writer closes and reopens to append, like some scanners do. It pauses with a
        // blocking usleep, not Task.sleep, so its pace does not depend on the cooperative pool.
        try w.tree.write("inbox/slow.tif", bytes: 1000)
        for _ in 0..<5 {
            usleep(20_000)
            try w.tree.append("inbox/slow.tif", bytes: 1000)
        }
        #expect(await w.collector.wait { !$0.isEmpty })
        #expect(w.collector.received.map(\.size) == [6000])
        // Give a wrongly repeated emission its chance to show up (settle + margin), then check.
        _ = await w.collector.wait(timeout: .milliseconds(1300)) { $0.count > 1 }
        #expect(w.collector.received.count == 1)
        w.collector.stop()
    }

    @Test func aFileRenamedInIsEmittedUnderItsFinalNameOnly() async throws {
        let w = try await Running(settle: .milliseconds(100))
        try w.tree.write("inbox/.upload.tif.XXXX", bytes: 64)
        try w.tree.write("inbox/copy.tif.part", bytes: 64)
        try w.tree.rename("inbox/.upload.tif.XXXX", "inbox/final.tif")
        try w.tree.write("outside.tif")
        try w.tree.rename("outside.tif", "inbox/moved-in.tif")
        #expect(await w.collector.wait { $0.count >= 2 })
        _ = await w.collector.wait(timeout: .milliseconds(300)) { $0.count > 2 }
        #expect(w.relativePaths() == ["final.tif", "moved-in.tif"])
        w.collector.stop()
    }

    @Test func filesInNewSubfoldersAreFoundEvenBeforeTheirWatchExists() async throws {
        let w = try await Running(settle: .milliseconds(100))
        try w.tree.write("inbox/a/1.tif")
        try w.tree.write("inbox/a/b/c/2.tif")
        try w.tree.write("inbox/a/b/c/3.tif")
        try w.tree.write("batch/d/4.tif")
        try w.tree.rename("batch/d", "inbox/a/d")  // a whole folder renamed in
        try w.tree.write("inbox/a/d/5.tif")
        let expected = ["a/1.tif", "a/b/c/2.tif", "a/b/c/3.tif", "a/d/4.tif", "a/d/5.tif"]
        #expect(await w.collector.wait { Set($0.map(\.relativePath)) == Set(expected) })
        _ = await w.collector.wait(timeout: .milliseconds(300)) { $0.count > expected.count }
        #expect(w.relativePaths() == expected)
        #expect(await w.watcher.watchState.watched.isSuperset(of: [w.inbox + "/a/b/c", w.inbox + "/a/d"]))
        w.collector.stop()
    }

    @Test func aBurstOfManyFilesIsEmittedExactlyOnce() async throws {
        let w = try await Running(settle: .milliseconds(100))
        let count = 1000
        for i in 0..<count { try w.tree.write("inbox/burst/\(i).tif", bytes: 8) }
        #expect(await w.collector.wait(timeout: .seconds(20)) { $0.count >= count })
        _ = await w.collector.wait(timeout: .milliseconds(300)) { $0.count > count }
        #expect(w.collector.received.count == count)
        #expect(Set(w.collector.received.map(\.path)).count == count)
        w.collector.stop()
    }

    /// The kernel's queue limit, when readable.
    static let maxQueuedEvents: Int? = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// Events are not read while the files land, so the kernel's queue (max_queued_events)
    /// overflows for real and the events of the files written last are lost; the watcher
    /// must notice `IN_Q_OVERFLOW` and rescan.
    // Skipped where /proc/sys/fs/inotify/max_queued_events is unreadable or too large to
    // flood quickly.
    @Test(.enabled(if: (maxQueuedEvents ?? .max) <= 1_048_576,
                   "needs a readable /proc/sys/fs/inotify/max_queued_events of at most 1048576"))
    func aBurstBeyondTheKernelQueueIsRecoveredByARescan() async throws {
        let limit = try #require(Self.maxQueuedEvents)
        let w = try await Running(settle: .milliseconds(100), startReading: false)
        // Flood: open-for-write + close of two files in turn gives one IN_CLOSE_WRITE each
        // (alternating, so the kernel cannot merge repeats). Then the files that matter.
        let flood = [try w.tree.write("inbox/flood-a.tif"), try w.tree.write("inbox/flood-b.tif")]
        for i in 0..<(limit + 100) {
            let fd = open(flood[i % 2], O_WRONLY)
            #expect(fd >= 0)
            close(fd)
        }
        let count = 300
        for i in 0..<count { try w.tree.write("inbox/late-\(i).tif", bytes: 4) }
        w.source.startReading()
        #expect(await eventually(timeout: .seconds(20)) { w.log.all.contains(.overflow) })
        #expect(await w.collector.wait(timeout: .seconds(20)) { $0.count >= count + 2 })
        _ = await w.collector.wait(timeout: .milliseconds(300)) { $0.count > count + 2 }
        #expect(w.collector.received.count == count + 2, "every file once, the flooded ones included")
        w.collector.stop()
    }
}
