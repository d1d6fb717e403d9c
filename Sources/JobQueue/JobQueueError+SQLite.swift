import GRDB

extension JobQueueError {
    /// SQLite's `error` on the database at `path`, with the code the queue gives it: a damaged
    /// file or not a database `.corrupt`, a moved file `.fileMoved`, a read-only one
    /// `.readOnly`, a full or failing disk `.storageFailed`, anything else `.database`. `context` starts the message (e.g. "cannot open").
    init(_ error: DatabaseError, path: String, context: String? = nil) {
        let reason = "\(error.message ?? "\(error)") (SQLite code \(error.extendedResultCode.rawValue))"
        let prefix = context.map { "\($0) \(path)" } ?? path
        if error.extendedResultCode == .SQLITE_READONLY_DBMOVED {
            self.init(.fileMoved, "the queue database \(path) was deleted, renamed or replaced while it was open: \(reason)")
            return
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(.corrupt, "the queue database \(path) is corrupt or not a SQLite database: \(reason)")
        case .SQLITE_READONLY:
            self.init(.readOnly, "the queue database \(path) cannot be written: \(reason)")
        case .SQLITE_FULL:
            self.init(.storageFailed, "the file system of the queue database \(path) is full: \(reason)")
        case .SQLITE_IOERR:
            self.init(.storageFailed, "the disk of the queue database \(path) failed to read or write: \(reason)")
        default:
            self.init(.database, "\(prefix): \(reason)")
        }
    }
}
