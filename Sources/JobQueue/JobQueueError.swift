/// Every error the queue reports: a closed set of codes with a readable message.
///
/// SQLite errors (busy beyond the timeout, disk full, a corrupt file) arrive as `.database`
/// with SQLite's own message and the path of the database file.
package struct JobQueueError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// No job with that id.
        case notFound
        /// A worker's claim token no longer matches: its lease expired and the job was
        /// rescued, re-claimed, or cancelled. The worker must drop its result.
        case staleClaim
        /// The requested admin operation is not allowed in the job's current state.
        case invalidTransition
        /// An option or an argument out of range.
        case invalidOptions
        /// SQLite or the file system failed.
        case database
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "job queue: \(message)" }
}
