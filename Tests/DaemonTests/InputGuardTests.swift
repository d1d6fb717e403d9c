import Foundation
import Glibc
import Testing
import Daemon

/// The worker's open of a job's input: whatever is swapped in between the checks and the
/// open is refused, and what was opened is what the job reads, whatever the path becomes.
/// The swaps run in `beforeOpen`, the hook between the checks and the open, so each race is
/// taken deterministically.
@Suite struct InputGuardTests {
    let base: String
    let secret: String

    init() throws {
        base = NSTemporaryDirectory() + "leuko-guard-\(UUID().uuidString)"
        for dir in ["in/day1", "out", "elsewhere"] {
            try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
        }
        secret = base + "/elsewhere/secret.tif"
        try Data("secret".utf8).write(to: URL(fileURLWithPath: secret))
    }

    func configuration(followSymlinks: Bool = false, allowHardLinks: Bool = false) -> Configuration {
        var c = Configuration(inboxes: [base + "/in"], outbox: base + "/out")
        c.followSymlinks = followSymlinks
        c.allowHardLinks = allowHardLinks
        return c
    }

    func write(_ relative: String, _ text: String) throws -> String {
        let path = base + "/" + relative
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func rejection(_ body: () throws -> OpenedInput) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as DaemonError where error.code == .inputRejected {
            return error.message
        } catch {
            return "unexpected: \(error)"
        }
    }

    func replace(_ path: String, withLinkTo target: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    @Test func aFileSwappedForASymlinkBetweenCheckAndOpenIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/field.tif", "pixels")
        let reason = rejection {
            try InputGuard.open(path, configuration()) { try? replace(path, withLinkTo: secret) }
        }
        #expect(reason == "input was replaced by a symlink after it was checked; not followed")
    }

    @Test func aFolderSwappedForASymlinkOutOfTheInboxBetweenCheckAndOpenIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/day1/secret.tif", "pixels")
        let reason = rejection {
            try InputGuard.open(path, configuration(followSymlinks: true)) {
                try? FileManager.default.moveItem(atPath: base + "/in/day1", toPath: base + "/day1-moved")
                try? FileManager.default.createSymbolicLink(atPath: base + "/in/day1", withDestinationPath: base + "/elsewhere")
            }
        }
        #expect(reason == "input was replaced between its check and its opening; not processed")
    }

    /// The same file (a hard link outside the inbox, so device and inode match) reached
    /// through a folder swapped for a link: the opened descriptor's real location gives it away.
    @Test func theOpenedFileMustStillLieInsideItsInbox() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/day1/field.tif", "pixels")
        #expect(link(path, base + "/elsewhere/field.tif") == 0)
        let reason = rejection {
            try InputGuard.open(path, configuration(followSymlinks: true)) {
                try? FileManager.default.moveItem(atPath: base + "/in/day1", toPath: base + "/day1-moved")
                try? FileManager.default.createSymbolicLink(atPath: base + "/in/day1", withDestinationPath: base + "/elsewhere")
            }
        }
        #expect(reason == "input resolves outside its inbox (to \(base)/elsewhere/field.tif); not followed", "\(reason ?? "opened")")
    }

    @Test func aFileReplacedByAnotherBetweenCheckAndOpenIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/field.tif", "pixels")
        let other = try write("in/day1/other.tif", "other")
        let reason = rejection {
            try InputGuard.open(path, configuration()) { _ = rename(other, path) }
        }
        #expect(reason == "input was replaced between its check and its opening; not processed")
    }

    @Test func whatWasOpenedIsWhatIsReadWhateverThePathBecomes() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/field.tif", "pixels")
        let input = try InputGuard.open(path, configuration())
        try replace(path, withLinkTo: secret)
        #expect(input.path == path)
        #expect(String(decoding: try input.contents(), as: UTF8.self) == "pixels")
        #expect(try String(contentsOfFile: input.path, encoding: .utf8) == "secret", "the path now leads elsewhere")
        #expect(input.status?.size == 6)
    }

    @Test func specialFilesOversizedAndVanishedInputsAreRefusedWithoutBlocking() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let fifo = base + "/in/scanner.fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(rejection { try InputGuard.open(fifo, configuration()) } == "input is not a regular file")
        let huge = base + "/in/huge.tif"
        try Data(count: 1_048_577).write(to: URL(fileURLWithPath: huge))
        var small = configuration()
        small.maxFileMegabytes = 1
        #expect(rejection { try InputGuard.open(huge, small) } == "input too large: 1048577 bytes, limit 1 MiB (max_file_mb)")
        #expect(rejection { try InputGuard.open(base + "/in/gone.tif", configuration()) }?.contains("vanished") == true)
        // Swapped for a FIFO between check and open: refused, and the open does not block.
        let path = try write("in/field.tif", "pixels")
        let reason = rejection {
            try InputGuard.open(path, configuration()) {
                unlink(path)
                mkfifo(path, 0o644)
            }
        }
        #expect(reason == "input was replaced between its check and its opening; not processed")
    }

    /// A hard link in the inbox to a file elsewhere is that file: refused while it has another
    /// name, with the link count; accepted once the other name is gone, or when allowed.
    @Test func aHardLinkIntoTheInboxIsRefusedWhileTheFileHasAnotherName() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = base + "/in/field.tif"
        #expect(link(secret, path) == 0)
        let reason = rejection { try InputGuard.open(path, configuration()) }
        #expect(reason == "input has a link count of 2: the same file has other names (hard links), which may lie anywhere; "
                + "not processed (allow_hard_links = false)", "\(reason ?? "opened")")
        #expect(rejection { try InputGuard.open(path, configuration(followSymlinks: true)) } == reason)

        #expect(link(secret, base + "/elsewhere/third.tif") == 0)
        #expect(rejection { try InputGuard.open(path, configuration()) }?.hasPrefix("input has a link count of 3: ") == true)

        let allowed = try InputGuard.open(path, configuration(allowHardLinks: true))
        #expect(String(decoding: try allowed.contents(), as: UTF8.self) == "secret")

        for other in [secret, base + "/elsewhere/third.tif"] { #expect(unlink(other) == 0) }
        let input = try InputGuard.open(path, configuration())
        #expect(String(decoding: try input.contents(), as: UTF8.self) == "secret", "one name left: accepted")
    }

    @Test func aFileWithOneNameIsUnaffected() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = try write("in/day1/field.tif", "pixels")
        for c in [configuration(), configuration(allowHardLinks: true)] {
            let input = try InputGuard.open(path, c)
            #expect(String(decoding: try input.contents(), as: UTF8.self) == "pixels")
        }
    }
}
