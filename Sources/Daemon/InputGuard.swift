import FolderWatch
import Foundation
import Glibc

/// The worker's checks on an input, and its opening: the file must still be where the watcher
/// saw it, not redirected out of its inbox, a regular file with no other name (hard link)
/// within `max_file_mb`, readable.
///
/// The watcher never queues links that leave an inbox, but a folder or file can be swapped for
/// a symlink after it was queued. So, at processing time (`refusal`): the path's real location
/// (every symlink along it resolved) must lie inside the real location of the inbox it was
/// found in, and a symlink as the file itself is accepted only with `follow_symlinks = true`.
/// Files queued by hand from outside every inbox (`leuko enqueue` stores their real path) must
/// not have become symlinks themselves.
///
/// A path can change between any check and the open that follows it, so `open` checks the
/// opened descriptor as well: opened with `O_NOFOLLOW` (unless a link inside an inbox is
/// allowed), it must be a regular file with the device and inode that were checked, and its
/// real location (`/proc/self/fd/N`) must still lie inside the inbox. The job then reads only
/// through that descriptor (`OpenedInput`).
///
/// Hard links: a hard link placed in an inbox is the very file it links to, wherever that
/// file's other name lies (a file the daemon's user may read and the scanners' users may not),
/// and no path check can tell. So the opened file must have one name only (link count 1, read
/// from the descriptor), unless `allow_hard_links = true`; the link count does not say where
/// the other names are, so every input with several names is refused, in an inbox or queued by
/// hand. A refused file is accepted once its other names are gone (`leuko queue retry`).
/// (Linux's `fs.protected_hardlinks`, on by default, already stops most such links being made;
/// this check does not rely on it, nor on a network share's server.)
package enum InputGuard {
    /// Opens `path` for its job after the checks, or throws `DaemonError(.inputRejected)` with
    /// the reason (`.processingFailed` when `/proc` is missing, so that the opened file cannot
    /// be verified). `beforeOpen` runs between the checks and the open (tests use it to swap
    /// the file).
    package static func open(_ path: String, _ configuration: Configuration,
                             beforeOpen: () -> Void = {}) throws -> OpenedInput {
        func rejected(_ reason: String) -> DaemonError { DaemonError(.inputRejected, reason) }
        if let refusal = refusal(for: path, configuration) { throw rejected(refusal) }
        var checked = stat()
        guard stat(path, &checked) == 0 else {
            throw rejected("input file vanished or cannot be examined: \(AdminOutput.oneLine(path))")
        }
        guard checked.st_mode & S_IFMT == S_IFREG else { throw rejected("input is not a regular file") }
        let limit = Int64(configuration.maxFileMegabytes) * 1_048_576
        guard Int64(checked.st_size) <= limit else {
            throw rejected("input too large: \(checked.st_size) bytes, limit \(configuration.maxFileMegabytes) MiB (max_file_mb)")
        }
        beforeOpen()
        let inbox = WorkerService.inbox(containing: path, in: configuration.inboxes)
        let followLink = inbox != nil && configuration.followSymlinks
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            switch errno {
            case ELOOP: throw rejected("input was replaced by a symlink after it was checked; not followed")
            case ENOENT, ENOTDIR: throw rejected("input file vanished or cannot be examined: \(AdminOutput.oneLine(path))")
            case EACCES, EPERM: throw rejected("input cannot be read by the daemon: permission denied")
            default: throw rejected("input cannot be opened: \(String(cString: strerror(errno)))")
            }
        }
        let input = OpenedInput(path: path, descriptor: fd)  // closes fd if a check below fails
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_mode & S_IFMT == S_IFREG,
              opened.st_dev == checked.st_dev, opened.st_ino == checked.st_ino else {
            throw rejected("input was replaced between its check and its opening; not processed")
        }
        if let inbox {
            guard let location = location(of: fd) else {
                throw DaemonError(.processingFailed, "cannot verify the opened input: /proc/self/fd is not available")
            }
            guard let realInbox = realPath(inbox), PathText.isInside(location, realInbox) else {
                throw rejected("input resolves outside its inbox (to \(AdminOutput.oneLine(location))); not followed")
            }
        }
        guard opened.st_nlink <= 1 || configuration.allowHardLinks else {
            throw rejected("input has a link count of \(opened.st_nlink): the same file has other names (hard links), "
                           + "which may lie anywhere; not processed (allow_hard_links = false)")
        }
        return input
    }

    /// Where the open file lies now (the kernel's name for it), or nil without `/proc`.
    private static func location(of fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Why `path` must not be processed, or nil when it may.
    package static func refusal(for path: String, _ configuration: Configuration) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }  // vanished: the caller reports that
        let isLink = st.st_mode & S_IFMT == S_IFLNK
        guard let real = realPath(path) else { return "input cannot be resolved: \(String(cString: strerror(errno)))" }
        guard let inbox = WorkerService.inbox(containing: path, in: configuration.inboxes) else {
            return isLink ? "input queued by hand has been replaced by a symlink; not followed" : nil
        }
        if isLink && !configuration.followSymlinks {
            return "input is a symlink; links are not followed (follow_symlinks = false)"
        }
        guard let realInbox = realPath(inbox) else { return "inbox \(AdminOutput.oneLine(inbox)) cannot be resolved" }
        guard PathText.isInside(real, realInbox) else {
            return "input resolves outside its inbox (to \(AdminOutput.oneLine(real))); not followed"
        }
        return nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
