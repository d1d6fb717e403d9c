/// Something an operator should know about that the watcher handled by itself (it never
/// stops for these). The daemon logs them; tests assert on them.
package enum WatchDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// A watch could not be added; the folder is covered by the periodic rescan only.
    case watchFailed(directory: String, reason: String)
    /// The kernel's event queue overflowed; a full rescan was made.
    case overflow
    /// An inbox folder does not exist or is not a folder (retried at each rescan).
    case rootUnavailable(String)
    /// A folder could not be listed, or held an entry with an unusable name.
    case scanProblem(path: String, reason: String)
    /// A symlink was not followed (pointing outside its inbox, to a folder, or links are off).
    case symlinkSkipped(String)

    /// True for conditions that lose latency or files until fixed (logged as warnings).
    package var isWarning: Bool {
        switch self {
        case .watchFailed, .overflow, .rootUnavailable, .scanProblem: true
        case .symlinkSkipped: false
        }
    }

    package var description: String {
        switch self {
        case .watchFailed(let dir, let reason): "cannot watch \(dir) (\(reason)); relying on the periodic rescan for it"
        case .overflow: "inotify queue overflowed; rescanning every inbox"
        case .rootUnavailable(let root): "inbox \(root) does not exist or is not a folder; will look again at the next rescan"
        case .scanProblem(let path, let reason): "scan of \(path): \(reason)"
        case .symlinkSkipped(let path): "symlink \(path) not followed"
        }
    }
}
