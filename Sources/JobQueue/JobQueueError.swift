/// Every error the queue reports: a closed set of codes with a readable message.
///
/// SQLite errors (busy beyond the timeout) arrive as `.database` with SQLite's own message and
/// the path of the database file; a full or failing disk as `.storageFailed`, which heals
/// when space is freed or the disk recovers. A damaged file, one that cannot be written, and
/// one that is no longer at its path have codes of their own (`isFatal`): no retry mends them.
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
        /// The database file is damaged or is not a SQLite database (`PRAGMA quick_check`
        /// found problems, or SQLite said `SQLITE_CORRUPT` / `SQLITE_NOTADB`).
        case corrupt
        /// The database file cannot be written (its permissions or owner, or a read-only
        /// file system): `SQLITE_READONLY`.
        case readOnly
        /// The file at the database's path is no longer the one the queue opened: it was
        /// deleted, renamed away or replaced (`checkFile`, or `SQLITE_READONLY_DBMOVED`).
        case fileMoved
        /// The database's file system is full (`SQLITE_FULL`: ENOSPC, EDQUOT) or failing
        /// (`SQLITE_IOERR`: EIO): nothing was written; the same write works once it clears.
        case storageFailed
    }

    /// Whether the queue can no longer be used as it is: a person has to restore, fix the
    /// permissions of, or put back the database file. A daemon stops rather than retry.
    package var isFatal: Bool {
        switch code {
        case .corrupt, .readOnly, .fileMoved: true
        case .notFound, .staleClaim, .invalidTransition, .invalidOptions, .database, .storageFailed: false
        }
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "job queue: \(message)" }
}
