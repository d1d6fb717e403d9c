import Foundation
import Glibc

/// Which file a path names: its device and inode numbers (`stat(2)`).
///
/// The queue records its database file's identity when it opens it; a later `stat` of the path
/// that fails or names another file means the file was deleted, renamed away or replaced while
/// the queue kept writing to the old one. (A path whose `stat` still gives the recorded
/// identity names a file with at least one link, so no descriptor of our own is needed to
/// check `st_nlink`: keeping one would be unsafe, as closing any descriptor of a file drops
/// the process's POSIX locks on it, SQLite's included.)
package struct DatabaseFileIdentity: Sendable, Equatable, CustomStringConvertible {
    package let device: UInt64
    package let inode: UInt64

    /// The identity of the file at `path`, or nil when there is none (`ENOENT`, `ENOTDIR`).
    /// Other `stat` failures throw `JobQueueError(.database)`.
    package init?(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw JobQueueError(.database, "cannot stat \(path): \(String(cString: strerror(code)))")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    package var description: String { "device \(device), inode \(inode)" }
}
