/// The kernel's file notifications behind a protocol: `InotifyEventSource` for real,
/// `FakeEventSource` (TestSupport) for unit tests.
///
/// Watches are per folder and not recursive; the watcher adds one for every folder of a tree.
/// An implementation is used from one task at a time for `addWatch`/`removeWatch`, while its
/// `events` stream is consumed by another.
package protocol FileEventSource: AnyObject, Sendable {
    /// Starts reporting events for the entries of `directory` (an absolute path). Adding a
    /// folder already watched (or the same folder under a new name, after a rename) is fine.
    /// Throws `FolderWatchError.watchFailed` with the kernel's reason.
    func addWatch(_ directory: String) throws

    /// Stops watching `directory`; nothing happens if it is not watched.
    func removeWatch(_ directory: String)

    /// The events, in kernel order; finishes after `close()`.
    var events: AsyncStream<FileEvent> { get }

    /// Releases the kernel resources and finishes `events`. Idempotent.
    func close()
}
