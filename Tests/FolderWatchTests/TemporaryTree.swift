import Foundation

/// A fresh folder under the system's temporary folder (real path, no symlinks), removed when
/// the value is freed, with helpers to make files and folders in it.
final class TemporaryTree {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `relative`.
    func at(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` bytes to `relative` (creating parent folders) and returns its path.
    @discardableResult
    func write(_ relative: String, bytes: Int = 16) throws -> String {
        let full = at(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Appends `bytes` bytes to an existing file (open, write, close).
    func append(_ relative: String, bytes: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: at(relative)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x42, count: bytes))
        try handle.close()
    }

    /// Creates a folder (and its parents).
    @discardableResult
    func mkdir(_ relative: String) throws -> String {
        try FileManager.default.createDirectory(atPath: at(relative), withIntermediateDirectories: true)
        return at(relative)
    }

    /// Renames `from` to `to` (both relative).
    func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(at(from), at(to)) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Creates a symlink at `relative` pointing to `target` (absolute or relative).
    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: at(relative), withDestinationPath: target)
    }

    /// Sets a file's modification time (seconds since 1970).
    func touch(_ relative: String, mtime: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: mtime)], ofItemAtPath: at(relative))
    }
}
