import Foundation
import Testing
import FolderWatch
import TestSupport

/// The runtime with the fake event source: events in, settled candidates out of the stream.
@Suite struct FolderWatcherTests {
    @Test func eventsBecomeCandidatesAfterTheQuietPeriodAndTheSourceIsClosedAtTheEnd() async throws {
        let tree = try TemporaryTree()
        let inbox = try tree.mkdir("inbox")
        try tree.write("inbox/existing.tif")
        let source = FakeEventSource(), clock = FakeClock()
        var options = FolderWatchOptions()
        options.settle = .seconds(2)
        options.tickInterval = .milliseconds(2)
        let watcher = try FolderWatcher(roots: [inbox], options: options, source: source, clock: clock)
        let collector = CandidateCollector(watcher.candidates())

        #expect(await eventually { await watcher.fullScanCount == 1 })
        #expect(source.watched == [inbox])
        try tree.write("inbox/new.tif", bytes: 7)
        source.emit(.fileChanged(tree.at("inbox/new.tif")))
        try await Task.sleep(for: .milliseconds(50))
        #expect(collector.received.isEmpty, "nothing before the quiet period (fake time has not moved)")

        clock.advance(by: .seconds(2))
        #expect(await collector.wait { $0.count == 2 })
        #expect(collector.received.map(\.relativePath).sorted() == ["existing.tif", "new.tif"])
        #expect(collector.received.first { $0.relativePath == "new.tif" }?.size == 7)

        collector.stop()
        #expect(await eventually { source.isClosed })
    }

    @Test func diagnosticsReachTheCallback() async throws {
        let tree = try TemporaryTree()
        let inbox = try tree.mkdir("inbox")
        let source = FakeEventSource()
        source.refuseWatches()
        let log = DiagnosticLog()
        var options = FolderWatchOptions()
        options.settle = .zero
        let watcher = try FolderWatcher(roots: [inbox], options: options, source: source, onDiagnostic: log.record)
        let collector = CandidateCollector(watcher.candidates())
        #expect(await eventually { !log.all.isEmpty })
        if case .watchFailed(let dir, _) = log.all.first { #expect(dir == inbox) } else { Issue.record("got \(log.all)") }
        #expect(await watcher.watchState.unwatched == [inbox])
        source.emit(.overflow)
        #expect(await eventually { log.all.contains(.overflow) })
        collector.stop()
    }
}
