import Daemon
import Foundation
import Glibc
import Testing

/// `on_success = "move:…"` against a scanner account that controls the inbox: a folder swapped
/// for a symlink, a destination name already taken, a file rewritten since it was analysed.
@Suite struct InputMoverTests {
    let base = NSTemporaryDirectory() + "leuko-mover-\(UUID().uuidString)"
    var inbox: String { base + "/in" }
    var done: String { base + "/done" }
    var state: String { base + "/state" }

    func write(_ relative: String, _ text: String, in root: String) throws -> (size: Int64, mtime: Int64) {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var st = stat()
        _ = lstat(path, &st)
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    @Test func movesBelowTheTargetAndNeverReplaces() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let first = try write("ward/a.tif", "first", in: inbox)
        let moved = try InputMover.move(["ward", "a.tif"], inbox: inbox, to: done, size: first.size, mtimeNanoseconds: first.mtime)
        #expect(moved == done + "/ward/a.tif")
        let second = try write("ward/a.tif", "second slide", in: inbox)
        let again = try InputMover.move(["ward", "a.tif"], inbox: inbox, to: done, size: second.size, mtimeNanoseconds: second.mtime)
        #expect(again == done + "/ward/a-2.tif")
        #expect(try String(contentsOfFile: done + "/ward/a.tif", encoding: .utf8) == "first", "the earlier archived input is kept")
        #expect(try String(contentsOfFile: again, encoding: .utf8) == "second slide")
        #expect(!FileManager.default.fileExists(atPath: inbox + "/ward/a.tif"))
    }

    /// The audit's attack: between the daemon's checks and its move, a folder of the inbox is
    /// replaced by a symlink to the daemon's state directory. Nothing leaves the state folder.
    @Test func aFolderSwappedForASymlinkIsNotFollowed() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try write("ward/queue.sqlite", "scanner file", in: inbox)
        _ = try write("queue.sqlite", "the daemon's database", in: state)
        try FileManager.default.removeItem(atPath: inbox + "/ward")
        try FileManager.default.createSymbolicLink(atPath: inbox + "/ward", withDestinationPath: state)
        #expect(throws: DaemonError.self) {
            try InputMover.move(["ward", "queue.sqlite"], inbox: inbox, to: done, size: input.size, mtimeNanoseconds: input.mtime)
        }
        #expect(try String(contentsOfFile: state + "/queue.sqlite", encoding: .utf8) == "the daemon's database")
        #expect(!FileManager.default.fileExists(atPath: done + "/ward/queue.sqlite"))
    }

    @Test func aFileSwappedForASymlinkOrRewrittenIsNotMoved() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try write("b.png", "analysed bytes", in: inbox)
        _ = try write("b.png", "other bytes, written later", in: inbox)
        #expect(throws: DaemonError.self) {
            try InputMover.move(["b.png"], inbox: inbox, to: done, size: input.size, mtimeNanoseconds: input.mtime)
        }
        try FileManager.default.removeItem(atPath: inbox + "/b.png")
        _ = try write("secret", "x", in: state)
        try FileManager.default.createSymbolicLink(atPath: inbox + "/b.png", withDestinationPath: state + "/secret")
        #expect(throws: DaemonError.self) {
            try InputMover.move(["b.png"], inbox: inbox, to: done, size: 1, mtimeNanoseconds: 0)
        }
        #expect(FileManager.default.fileExists(atPath: state + "/secret"))
        #expect(throws: DaemonError.self) { try InputMover.move(["..", "state", "secret"], inbox: inbox, to: done, size: 1, mtimeNanoseconds: 0) }
    }
}
