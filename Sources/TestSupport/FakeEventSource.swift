import Foundation
import FolderWatch

/// A `FileEventSource` driven by the test: it records watches, can refuse them (as the kernel
/// does with `ENOSPC`), and emits whatever events the test asks for.
///
/// `@unchecked Sendable`: all mutable state is read and written under `lock`.
package final class FakeEventSource: FileEventSource, @unchecked Sendable {
    package let events: AsyncStream<FileEvent>
    private let continuation: AsyncStream<FileEvent>.Continuation
    private let lock = NSLock()
    private var watchedSet: Set<String> = []
    private var refused: Set<String> = []
    private var refuseAll = false
    private var closedFlag = false
    private var calls: [String] = []

    package init() {
        (events, continuation) = AsyncStream.makeStream(of: FileEvent.self)
    }

    package func addWatch(_ directory: String) throws {
        try lock.withLock {
            calls.append(directory)
            if refuseAll || refused.contains(directory) {
                throw FolderWatchError(.watchFailed, "\(directory): No space left on device (fake)")
            }
            watchedSet.insert(directory)
        }
    }

    package func removeWatch(_ directory: String) {
        _ = lock.withLock { watchedSet.remove(directory) }
    }

    package func close() {
        lock.withLock { closedFlag = true }
        continuation.finish()
    }

    /// Delivers `event` to the consumer of `events`.
    package func emit(_ event: FileEvent) { continuation.yield(event) }

    /// Makes `addWatch` fail for `directory` (or for every folder when nil), until `allow`.
    package func refuseWatches(for directory: String? = nil) {
        lock.withLock {
            if let directory { refused.insert(directory) } else { refuseAll = true }
        }
    }

    /// Lets `addWatch` succeed again for every folder.
    package func allowWatches() {
        lock.withLock {
            refused.removeAll()
            refuseAll = false
        }
    }

    /// Folders currently watched.
    package var watched: Set<String> { lock.withLock { watchedSet } }

    /// Every `addWatch` call so far, in order (successful or not).
    package var addWatchCalls: [String] { lock.withLock { calls } }

    /// Whether `close()` was called.
    package var isClosed: Bool { lock.withLock { closedFlag } }
}
