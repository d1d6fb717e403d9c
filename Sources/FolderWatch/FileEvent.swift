/// What a kernel event source reports. Events are hints: the watcher re-reads the file system
/// (`lstat`, a scan) before acting, because by the time an event is handled the file may have
/// changed, moved or gone.
package enum FileEvent: Sendable, Equatable {
    /// A file was closed after writing (`IN_CLOSE_WRITE`) or renamed into a watched folder
    /// (`IN_MOVED_TO`). Absolute path.
    case fileChanged(String)
    /// A folder appeared in a watched folder (created or renamed in): watch and scan it.
    case directoryAppeared(String)
    /// A file or folder was deleted or renamed away (`IN_DELETE`, `IN_MOVED_FROM`).
    case removed(String)
    /// The kernel dropped events (`IN_Q_OVERFLOW`): only a full rescan restores the truth.
    case overflow
    /// The kernel removed the watch of this folder (`IN_IGNORED`: deleted, unmounted).
    case watchRemoved(String)
    /// An entry of this folder has a name that is not valid UTF-8; it cannot be handled.
    case invalidName(directory: String)
}
