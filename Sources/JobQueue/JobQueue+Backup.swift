import Foundation
import GRDB

/// A consistent copy of the queue while it is in use.
extension JobQueue {
    /// Copies the whole database into a new file at `destination` with SQLite's online backup,
    /// from one read snapshot: safe while the daemon (or anyone) writes, and the copy holds
    /// every transaction committed before the snapshot and none after. The copy is written as
    /// `destination.part`, checked (`PRAGMA quick_check`), closed and then renamed into place,
    /// so `destination` is either absent or a complete copy. Returns the number of jobs in it.
    ///
    /// Throws `.invalidOptions` when `destination` exists (a backup never replaces a file),
    /// `.database` when it cannot be written, `.corrupt` when the copy does not check.
    package func backup(to destination: String) throws -> Int {
        if try DatabaseFileIdentity(path: destination) != nil {
            throw JobQueueError(.invalidOptions, "\(destination) already exists; give the backup a new name or remove the old file")
        }
        let partial = destination + ".part"
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }  // an earlier, interrupted backup
        do {
            let copy = try DatabaseQueue(path: partial)
            let jobs: Int
            do {
                try pool.backup(to: copy)
                jobs = try copy.read { db in
                    let result = try String.fetchAll(db, sql: "PRAGMA quick_check(\(Self.problemLimit))")
                    guard result == ["ok"] else {
                        throw JobQueueError(.corrupt, "the backup \(partial) of \(path) does not check: \(result.joined(separator: "; "))")
                    }
                    return try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs") ?? 0
                }
                try copy.close()
            } catch {
                try? copy.close()
                for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }
                throw error
            }
            guard rename(partial, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(partial)
                throw JobQueueError(.database, "cannot rename \(partial) to \(destination): \(reason)")
            }
            return jobs
        } catch let error as DatabaseError {
            throw JobQueueError(error, path: path, context: "cannot back up to \(destination) from")
        }
    }
}
