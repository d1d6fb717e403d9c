/// Every error FolderWatch reports: a closed set of codes with a readable message.
package struct FolderWatchError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// A bad option (pattern, interval, root) — the message names it.
        case invalidOptions
        /// The kernel refused a watch (`ENOSPC`: `max_user_watches` reached, `ENOMEM`, `EACCES`…).
        case watchFailed
        /// inotify itself could not be set up (`max_user_instances`, no descriptors).
        case sourceFailed
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "folder watch: \(message)" }
}
