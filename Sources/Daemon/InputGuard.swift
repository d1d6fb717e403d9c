import FolderWatch
import Foundation
import Glibc

/// The worker's last check before an input is opened: the file must still be where the
/// watcher saw it, not redirected out of its inbox.
///
/// The watcher never queues links that leave an inbox, but a folder or file can be swapped for
/// a symlink after it was queued. So, at processing time: the path's real location (every
/// symlink along it resolved) must lie inside the real location of the inbox it was found in,
/// and a symlink as the file itself is accepted only with `follow_symlinks = true`. Files
/// queued by hand from outside every inbox (`leuko enqueue` stores their real path) must not
/// have become symlinks themselves. What remains is the short window between this check and the
/// analysis opening the file.
package enum InputGuard {
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
        guard real.hasPrefix(realInbox == "/" ? "/" : realInbox + "/") else {
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
