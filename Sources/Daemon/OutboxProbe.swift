import Foundation
import Glibc

/// Tells a fault of the machine from a fault of the image: whether the outbox can take a
/// report now. Writes, syncs and removes a small hidden file there; a failure with ENOSPC
/// (disk full), EDQUOT (quota), EROFS (read-only file system) or EIO (device error) is an
/// environment fault, which the daemon waits out instead of charging it to the jobs.
package enum OutboxProbe {
    /// The errors that are the environment's, not the input's.
    static let environmentErrors: Set<Int32> = [ENOSPC, EDQUOT, EROFS, EIO]

    /// The reason `outbox` cannot take a report now (naming the error), or nil when it can
    /// (or fails for another reason, which is left to the job's own error).
    package static func fault(in outbox: String, bytes: Int = 64 * 1024) -> String? {
        var fs = statvfs()
        if statvfs(outbox, &fs) == 0, fs.f_bavail == 0 || (fs.f_files > 0 && fs.f_favail == 0) {
            return "the outbox \(AdminOutput.oneLine(outbox)) is full (\(fs.f_bavail == 0 ? "no free blocks" : "no free inodes"))"
        }
        let path = outbox + "/.leuko-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return reason(errno, outbox) }
        defer { close(fd); unlink(path) }
        let block = [UInt8](repeating: 0, count: bytes)
        if write(fd, block, block.count) != block.count { return reason(errno == 0 ? ENOSPC : errno, outbox) }
        if fsync(fd) != 0 { return reason(errno, outbox) }
        return nil
    }

    private static func reason(_ code: Int32, _ outbox: String) -> String? {
        guard environmentErrors.contains(code) else { return nil }
        return "the outbox \(AdminOutput.oneLine(outbox)) cannot be written: \(String(cString: strerror(code)))"
    }
}
