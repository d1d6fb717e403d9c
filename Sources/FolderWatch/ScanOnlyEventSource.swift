/// An event source with no kernel behind it: every `addWatch` fails with `reason` and no event
/// ever comes, so the watcher finds files by its periodic full scans only. The fallback when
/// inotify cannot be set up at all (`max_user_instances` reached, a file system without it).
package final class ScanOnlyEventSource: FileEventSource, Sendable {
    package let events: AsyncStream<FileEvent>
    private let continuation: AsyncStream<FileEvent>.Continuation
    private let reason: String

    package init(reason: String) {
        self.reason = reason
        (events, continuation) = AsyncStream.makeStream(of: FileEvent.self)
    }

    package func addWatch(_ directory: String) throws {
        throw FolderWatchError(.watchFailed, "\(directory): no kernel events (\(reason))")
    }

    package func removeWatch(_ directory: String) {}

    package func close() { continuation.finish() }
}
