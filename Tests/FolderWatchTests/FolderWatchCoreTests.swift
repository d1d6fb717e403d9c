import Foundation
import Testing
import FolderWatch
import TestSupport

/// The watcher's logic, deterministic: real files in a temp folder, a fake event source and a
/// fake clock (no sleeping).
@Suite struct FolderWatchCoreTests {
    struct Fixture {
        let tree: TemporaryTree
        let source = FakeEventSource()
        let clock = FakeClock()
        let core: FolderWatchCore

        init(settle: Duration = .seconds(2), rescan: Duration = .seconds(300), followLinks: Bool = false) throws {
            tree = try TemporaryTree()
            try tree.mkdir("inbox")
            var options = FolderWatchOptions()
            options.settle = settle
            options.rescanInterval = rescan
            options.followSymlinksInsideRoot = followLinks
            core = try FolderWatchCore(roots: [tree.at("inbox")], options: options, source: source, clock: clock)
        }

        var root: String { tree.at("inbox") }
        func path(_ relative: String) -> String { tree.at("inbox/" + relative) }

        /// Advances the clock past the quiet period and returns the relative paths emitted.
        func settle(_ by: Duration = .seconds(2)) -> [String] {
            clock.advance(by: by)
            return core.tick().map(\.relativePath)
        }
    }

    @Test func startUpScanWatchesEveryFolderAndEmitsExistingFilesOnceSettled() throws {
        let f = try Fixture()
        try f.tree.write("inbox/a.tif", bytes: 10)
        try f.tree.write("inbox/x/y/b.png")
        try f.tree.write("inbox/.c.tif")
        try f.tree.write("inbox/.hidden/d.tif")
        try f.tree.write("inbox/e.part")

        #expect(f.core.tick().isEmpty, "the start-up scan only starts the quiet period")
        #expect(f.core.fullScanCount == 1)
        #expect(f.source.watched == [f.root, f.path("x"), f.path("x/y")])
        let candidates = { () -> [FileCandidate] in f.clock.advance(by: .seconds(2)); return f.core.tick() }()
        #expect(candidates.map(\.relativePath) == ["a.tif", "x/y/b.png"])
        #expect(candidates[0].root == f.root && candidates[0].size == 10)
        #expect(candidates[0].path == f.path("a.tif"))
        #expect(f.settle().isEmpty, "emitted once")
    }

    /// "é" as one code point (NFC) and as e + combining acute (NFD): equal Swift Strings, two
    /// files. Both are emitted, once each, and a rescan emits neither again.
    @Test func nfcAndNfdTwinsAreTwoFilesEachEmittedOnce() throws {
        let f = try Fixture(rescan: .seconds(60))
        let nfc = "caf\u{E9}.tif", nfd = "cafe\u{301}.tif"
        #expect(nfc == nfd && Array(nfc.utf8) != Array(nfd.utf8), "canonically equal, different bytes")
        try f.tree.write("inbox/" + nfc, bytes: 10)
        try f.tree.write("inbox/" + nfd, bytes: 20)
        _ = f.core.tick()
        let first = { () -> [FileCandidate] in f.clock.advance(by: .seconds(2)); return f.core.tick() }()
        #expect(Set(first.map { Array($0.path.utf8) }) == [Array(f.path(nfc).utf8), Array(f.path(nfd).utf8)], "both twins")
        #expect(Set(first.map(\.size)) == [10, 20])
        #expect(f.settle(.seconds(60)).isEmpty && f.settle().isEmpty, "a rescan emits neither again")
        #expect(f.settle(.seconds(60)).isEmpty, "nor the one after")
    }

    /// A name starting with a combining mark was never queued nor logged (Character-based
    /// path checks); it is emitted like any other, with its own relative path.
    @Test func aNameStartingWithACombiningMarkIsEmitted() throws {
        let f = try Fixture()
        try f.tree.write("inbox/\u{301}x.tif", bytes: 10)
        _ = f.core.tick()
        #expect(f.settle() == ["\u{301}x.tif"])
    }

    /// A name that is not UTF-8 cannot be queued: it is warned about once, naming its bytes,
    /// not at every rescan; after it is gone and comes back, once more.
    @Test func aNameThatIsNotUTF8IsWarnedAboutOnce() throws {
        let f = try Fixture(rescan: .seconds(60))
        let bad = Array((f.root + "/scan").utf8) + [0xFF, 0x2E, 0x74, 0x69, 0x66]  // "scan\xFF.tif"
        func create() { let fd = open(bad.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT, 0o644); close(fd) }
        func problems() -> [String] {
            f.core.drainDiagnostics().compactMap { if case .scanProblem(_, let reason) = $0 { return reason } else { return nil } }
        }
        create()
        _ = f.core.tick()
        #expect(problems() == ["the name \"scan\\xFF.tif\" is not valid UTF-8; skipped (rename the file)"])
        for _ in 0..<3 { _ = f.settle(.seconds(60)) }
        #expect(f.core.fullScanCount == 4)
        #expect(problems().isEmpty, "not again at every rescan")
        unlink(bad.map { CChar(bitPattern: $0) } + [0])
        _ = f.settle(.seconds(60))
        create()
        _ = f.settle(.seconds(60))
        #expect(problems().count == 1, "back after it was gone: reported again")
    }

    @Test func aFileGrowingDuringTheQuietPeriodWaitsUntilItStops() throws {
        let f = try Fixture()
        _ = f.core.tick()
        try f.tree.write("inbox/slow.tif", bytes: 100)
        f.core.handle(.fileChanged(f.path("slow.tif")))
        f.clock.advance(by: .seconds(1))
        try f.tree.append("inbox/slow.tif", bytes: 100)  // the writer reopened and appended
        #expect(f.settle(.seconds(1)).isEmpty, "changed at the check: wait again")
        #expect(f.settle(.milliseconds(1999)).isEmpty)
        let out = { () -> [FileCandidate] in f.clock.advance(by: .milliseconds(1)); return f.core.tick() }()
        #expect(out.map(\.size) == [200])
    }

    @Test func aRescanOfAnUnchangedTreeEmitsNothingButAChangedFileAgain() throws {
        let f = try Fixture(rescan: .seconds(60))
        try f.tree.write("inbox/a.tif", bytes: 10)
        _ = f.core.tick()
        #expect(f.settle() == ["a.tif"])
        #expect(f.settle(.seconds(60)).isEmpty)
        #expect(f.core.fullScanCount == 2)
        try f.tree.write("inbox/a.tif", bytes: 20)  // replaced by a new version, no event
        try f.tree.touch("inbox/a.tif", mtime: 2_000_000_000)
        #expect(f.settle(.seconds(60)).isEmpty, "found by the rescan, now settling")
        #expect(f.settle() == ["a.tif"])
    }

    @Test func eventsForIgnoredOrOutsideOrVanishedPathsDoNothing() throws {
        let f = try Fixture()
        _ = f.core.tick()
        try f.tree.write("inbox/.tmp-upload")
        try f.tree.write("elsewhere.tif")
        f.core.handle(.fileChanged(f.path(".tmp-upload")))
        f.core.handle(.fileChanged(f.tree.at("elsewhere.tif")))
        f.core.handle(.fileChanged(f.path("never-existed.tif")))
        #expect(f.core.pendingCount == 0)
        #expect(f.settle().isEmpty)
    }

    @Test func aNewSubfolderIsWatchedAndScannedAtOnce() throws {
        let f = try Fixture()
        _ = f.core.tick()
        // Files land in the new folder before its watch exists: only the scan can see them.
        try f.tree.write("inbox/new/early.tif")
        try f.tree.write("inbox/new/deeper/early2.tif")
        f.core.handle(.directoryAppeared(f.path("new")))
        #expect(f.source.watched.isSuperset(of: [f.path("new"), f.path("new/deeper")]))
        #expect(f.settle() == ["new/deeper/early2.tif", "new/early.tif"])
    }

    @Test func aFolderRenamedInIsScannedLikeANewOne() throws {
        let f = try Fixture()
        _ = f.core.tick()
        try f.tree.write("staging/batch/one.tif")
        try f.tree.rename("staging/batch", "inbox/batch")
        f.core.handle(.fileChanged(f.path("batch")))  // sources may report a moved-in folder like a file
        #expect(f.source.watched.contains(f.path("batch")))
        #expect(f.settle() == ["batch/one.tif"])
    }

    @Test func aFailedWatchIsReportedAndThePeriodicRescanCoversTheFolder() throws {
        let f = try Fixture(rescan: .seconds(30))
        try f.tree.mkdir("inbox/full")
        try f.tree.write("inbox/full/already.tif")
        f.source.refuseWatches(for: f.path("full"))
        _ = f.core.tick()
        #expect(f.core.unwatched == [f.path("full")])
        #expect(f.core.drainDiagnostics() == [.watchFailed(directory: f.path("full"), reason: "\(f.path("full")): No space left on device (fake)")])
        #expect(f.settle() == ["full/already.tif"], "scanned even without a watch")

        try f.tree.write("inbox/full/later.tif")  // no event will ever come for it
        #expect(f.settle(.seconds(27)).isEmpty)  // t = 29 s
        #expect(f.settle(.seconds(1)).isEmpty, "the rescan at 30 s finds it and starts its quiet period")
        #expect(f.settle() == ["full/later.tif"])
        #expect(f.core.drainDiagnostics().isEmpty, "a failing folder is reported once")

        f.source.allowWatches()
        f.core.requestRescan()
        _ = f.core.tick()
        #expect(f.core.unwatched.isEmpty && f.source.watched.contains(f.path("full")))
    }

    @Test func overflowTriggersAFullRescan() throws {
        let f = try Fixture()
        _ = f.core.tick()
        for i in 0..<20 { try f.tree.write("inbox/burst/\(i).tif") }  // events lost
        f.core.handle(.overflow)
        #expect(f.core.drainDiagnostics() == [.overflow])
        #expect(f.core.fullScanCount == 2)
        #expect(f.settle().count == 20)
    }

    @Test func symlinksAreNotFollowedOutOfTheInbox() throws {
        let f = try Fixture(followLinks: true)
        try f.tree.write("outside/secret.tif")
        try f.tree.write("inbox/real.tif")
        try f.tree.symlink("inbox/out.tif", to: f.tree.at("outside/secret.tif"))
        try f.tree.symlink("inbox/in.tif", to: f.path("real.tif"))
        try f.tree.symlink("inbox/outdir", to: f.tree.at("outside"))
        _ = f.core.tick()
        #expect(f.settle() == ["in.tif", "real.tif"])
        #expect(!f.source.watched.contains(f.path("outdir")))
        let diagnostics = f.core.drainDiagnostics()
        #expect(diagnostics.contains(.symlinkSkipped(f.path("out.tif"))))
        #expect(diagnostics.contains(.symlinkSkipped(f.path("outdir"))))
    }

    @Test func symlinksAreSkippedByDefault() throws {
        let f = try Fixture()
        try f.tree.write("inbox/real.tif")
        try f.tree.symlink("inbox/in.tif", to: f.path("real.tif"))
        _ = f.core.tick()
        #expect(f.settle() == ["real.tif"])
        #expect(f.core.drainDiagnostics() == [.symlinkSkipped(f.path("in.tif"))])
    }

    @Test func removalsAreForgottenAndVanishedFoldersUnwatched() throws {
        let f = try Fixture(rescan: .seconds(10))
        try f.tree.write("inbox/sub/a.tif")
        _ = f.core.tick()
        try FileManager.default.removeItem(atPath: f.path("sub/a.tif"))
        f.core.handle(.removed(f.path("sub/a.tif")))
        #expect(f.core.pendingCount == 0)
        try FileManager.default.removeItem(atPath: f.path("sub"))
        #expect(f.settle(.seconds(10)).isEmpty)
        #expect(f.source.watched == [f.root])
        #expect(f.core.watched == [f.root])
    }

    @Test func aMissingInboxIsReportedAndPickedUpWhenItAppears() throws {
        let tree = try TemporaryTree()
        let clock = FakeClock(), source = FakeEventSource()
        var options = FolderWatchOptions()
        options.rescanInterval = .seconds(5)
        options.settle = .zero
        let core = try FolderWatchCore(roots: [tree.at("later")], options: options, source: source, clock: clock)
        #expect(core.tick().isEmpty)
        #expect(core.drainDiagnostics() == [.rootUnavailable(tree.at("later"))])
        try tree.write("later/a.tif")
        clock.advance(by: .seconds(5))
        #expect(core.tick().map(\.relativePath) == ["a.tif"])
    }

    @Test func badRootsAreRejected() throws {
        let source = FakeEventSource(), clock = FakeClock()
        for roots in [["relative/inbox"], ["/srv/in", "/srv/in/sub"], ["/srv/a", "/srv/a/"], []] {
            #expect(throws: FolderWatchError.self, "\(roots)") {
                try FolderWatchCore(roots: roots, options: FolderWatchOptions(), source: source, clock: clock)
            }
        }
        var options = FolderWatchOptions()
        options.ignorePatterns = ["bad/pattern"]
        #expect(throws: FolderWatchError.self) { try FolderWatchCore(roots: ["/srv/in"], options: options, source: source, clock: clock) }
    }
}
