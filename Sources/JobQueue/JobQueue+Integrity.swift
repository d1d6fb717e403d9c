import Foundation
import GRDB

/// The database file's health: checked at open (`verifyAtOpen`), on demand
/// (`integrityCheck`), and while open (`checkFile`, `firstFatalError`).
extension JobQueue {
    /// At most this many problems are listed by a check.
    static let problemLimit = 20

    /// The daemon's start-up check: `PRAGMA quick_check` (every page and record readable and
    /// well-formed, in O(N) without checking indexes against their tables), then an empty
    /// `BEGIN IMMEDIATE` transaction, which fails with `SQLITE_READONLY` on a file that cannot be
    /// written (no file is changed). Throws `.corrupt` or `.readOnly`.
    static func verify(_ pool: DatabasePool, path: String) throws {
        let result = try pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check(\(problemLimit))")
        }
        guard result == ["ok"] else {
            throw JobQueueError(.corrupt, "the queue database \(path) is corrupt: PRAGMA quick_check found \(result.joined(separator: "; "))")
        }
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { .commit }
        }
    }

    /// Commits a real write (one row of `queue_probe`), to learn whether the database's disk
    /// takes writes again after `.storageFailed`. Throws as any write would.
    package func probeWrite() async throws {
        let now = nowMS
        try await immediate { db in
            try db.execute(sql: "INSERT OR REPLACE INTO queue_probe (id, at) VALUES (1, ?)", arguments: [now])
        }
    }

    /// `PRAGMA integrity_check` on the database at `path` (the full check: pages, records,
    /// indexes against their tables, constraints): the problems SQLite lists, at most
    /// `problemLimit`, or none when the file is sound. Opens its own read-only connection and
    /// changes nothing, so it is safe beside a running daemon.
    ///
    /// Throws `.notFound` when there is no file at `path`, `.corrupt` when SQLite cannot even
    /// read it as a database, `.database` for other failures.
    package static func integrityCheck(path: String) throws -> [String] {
        guard try DatabaseFileIdentity(path: path) != nil else {
            throw JobQueueError(.notFound, "no queue database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "JobQueue.integrityCheck"
        do {
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? connection.close() }
            let result = try connection.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check(\(problemLimit))")
            }
            return result == ["ok"] ? [] : result
        } catch let error as DatabaseError {
            throw JobQueueError(error, path: path, context: "cannot check")
        }
    }

    /// Checks that `path` still names the file the queue opened. Throws `.fileMoved` (and
    /// records it for `firstFatalError`) when it was deleted, renamed away or replaced by
    /// another file: the queue would go on writing into a file nobody will see again.
    package func checkFile() throws {
        let current = try DatabaseFileIdentity(path: path)
        let problem: String
        switch current {
        case nil:
            problem = "was deleted or renamed while it was open (there is no file at that path any more)"
        case let current? where current != openedIdentity:
            problem = "was replaced by another file while it was open (the path now names \(current), not \(openedIdentity))"
        default:
            return
        }
        let error = JobQueueError(.fileMoved, "the queue database \(path) \(problem); what the queue writes now would be lost")
        fatal.record(error)
        throw error
    }

    /// The first fatal error (`JobQueueError.isFatal`) any operation of this queue met: waits
    /// until there is one. Throws `CancellationError` when the waiting task is cancelled.
    package func firstFatalError() async throws -> JobQueueError {
        try await fatal.wait()
    }
}
