import Foundation
import Glibc

/// Keeps a second daemon off a queue database that one already runs on: an exclusive `flock`
/// on `DATABASE.lock`, held for as long as this object lives (the kernel drops it when the
/// process dies, `kill -9` included, so a stale lock cannot outlive its daemon).
///
/// Admin commands (`leuko status`, `leuko queue …`) do not take it: they work beside a
/// running daemon.
package final class InstanceLock: Sendable {
    /// The lock file.
    package let path: String
    private let descriptor: Int32

    /// The lock file beside `database`.
    package static func path(forDatabase database: String) -> String { database + ".lock" }

    /// Takes the lock for `database` without waiting. Throws `DaemonError(.alreadyRunning)`
    /// when another process holds it, `DaemonError(.output)` when the lock file cannot be
    /// created (its folder missing or not writable). The file gets `mode`.
    package init(database: String, mode: mode_t = 0o600) throws {
        path = Self.path(forDatabase: database)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else {
            throw DaemonError(.output, "cannot create the daemon's lock file \(AdminOutput.oneLine(path)): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK {
                throw DaemonError(.alreadyRunning, "another leuko daemon is already running on the queue \(AdminOutput.oneLine(database)) (it holds \(AdminOutput.oneLine(path))); stop it first (systemctl stop leuko), or give this one its own database")
            }
            throw DaemonError(.output, "cannot lock \(AdminOutput.oneLine(path)): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }  // closing the last descriptor releases the flock
}
