import Foundation
import GRDB

/// A durable job queue in one SQLite file (GRDB `DatabasePool`, WAL), safe across processes.
///
/// Several processes may open the same file (the daemon and `leuko queue …` admin commands):
/// every write is one `BEGIN IMMEDIATE` transaction, so read-then-write sequences never fail
/// with `SQLITE_BUSY_SNAPSHOT`, and a connection waits up to `busyTimeout` for the write lock.
/// Settings: `journal_mode=WAL`, `synchronous` per `JobQueueOptions` (FULL by default),
/// `foreign_keys=ON`, `busy_timeout`.
///
/// Knows nothing about what a job does: it stores an input's identity and an opaque payload.
/// Time comes from the injected `JobClock`; backoff jitter from the injected `JitterSource`.
package final class JobQueue: Sendable {
    package let path: String
    private let optionsBox: OptionsBox
    let pool: DatabasePool
    let clock: any JobClock
    let jitter: any JitterSource
    /// The database file as it was opened (see `checkFile`).
    package let openedIdentity: DatabaseFileIdentity
    /// The first fatal error an operation met (see `firstFatalError`).
    let fatal = FatalErrorLatch()

    /// Opens (creating if needed) the queue at `path` and migrates its schema.
    ///
    /// With `verifyAtOpen` (the daemon's start-up) it first runs `PRAGMA quick_check` and
    /// checks that the file can be written; admin commands skip that, as they may only read.
    /// Throws `JobQueueError.invalidOptions` for bad options, `.corrupt` for a damaged file or
    /// one that is not a database, `.readOnly` for one that cannot be written, and `.database`
    /// when the file cannot be opened or migrated (the message names the path and SQLite's
    /// reason).
    package init(path: String, options: JobQueueOptions = JobQueueOptions(),
                 clock: any JobClock = SystemJobClock(), jitter: any JitterSource = SystemJitter(),
                 verifyAtOpen: Bool = false) throws {
        try options.validate()
        self.optionsBox = OptionsBox(options)
        self.path = path
        self.clock = clock
        self.jitter = jitter
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(options.busyTimeout)
        config.label = "JobQueue"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            guard let identity = try DatabaseFileIdentity(path: path) else {
                throw JobQueueError(.fileMoved, "the queue database \(path) disappeared as it was being opened")
            }
            openedIdentity = identity
            if verifyAtOpen { try Self.verify(pool, path: path) }
            // Per connection, and only the writer writes. Set after opening: GRDB switches the
            // writer to WAL (and synchronous=NORMAL) after `prepareDatabase` has run.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(options.synchronous.rawValue)")
            }
            try JobQueueSchema.migrate(pool)
        } catch let error as DatabaseError {
            throw JobQueueError(error, path: path, context: "cannot open")
        } catch let error as JobQueueError {
            throw error
        } catch {
            throw JobQueueError(.database, "cannot open \(path): \(error)")
        }
    }

    /// The options in force (a snapshot; see `updateOptions`).
    package var options: JobQueueOptions { optionsBox.value }

    /// Replaces the lease duration, attempts and backoff (e.g. on a configuration reload).
    /// New values apply to later claims, failures and enqueues; jobs keep the `max_attempts`
    /// they were enqueued with. Connection settings (`host`, `synchronous`, `busyTimeout`)
    /// cannot change while open: `invalidOptions`.
    package func updateOptions(_ new: JobQueueOptions) throws {
        try new.validate()
        let old = options
        guard new.host == old.host, new.synchronous == old.synchronous, new.busyTimeout == old.busyTimeout else {
            throw JobQueueError(.invalidOptions, "host, synchronous and busy timeout cannot change while the queue is open")
        }
        optionsBox.value = new
    }

    /// The clock's current time in stored form (ms since 1970).
    var nowMS: Int64 { clock.now.millisecondsSince1970 }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection.
    /// A thrown error rolls back; SQLite errors become `JobQueueError` (see `failure(_:)`).
    func immediate<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// Runs a read-only `body` on a reader connection (a WAL snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// SQLite's `error` as a `JobQueueError`; a fatal one is also recorded for
    /// `firstFatalError`.
    func failure(_ error: DatabaseError) -> JobQueueError {
        let converted = JobQueueError(error, path: path)
        fatal.record(converted)
        return converted
    }

    /// The job with `id`, or `notFound`.
    static func fetchJob(_ db: Database, id: Int64) throws -> Job {
        guard let job = try Job.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
            throw JobQueueError(.notFound, "no job with id \(id)")
        }
        return job
    }

    /// Appends an entry to a job's error history and sets its `last_error`.
    static func recordError(_ db: Database, _ entry: JobErrorEntry) throws {
        try db.execute(sql: """
            INSERT INTO job_errors (job_id, at, attempt, kind, message) VALUES (?, ?, ?, ?, ?)
            """, arguments: [entry.jobID, entry.at.millisecondsSince1970, entry.attempt, entry.kind.rawValue, entry.message])
        try db.execute(sql: "UPDATE jobs SET last_error = ? WHERE id = ?", arguments: [entry.message, entry.jobID])
    }

    /// SQLite's plan for the claim's pick, one step per line (to check that it uses an index
    /// in claim order rather than sorting the waiting jobs).
    package func claimQueryPlan() async throws -> String {
        try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + JobQueueSchema.claimPickSQL, arguments: [Int64.max])
                .map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
    }

    /// Journal mode and synchronous level as SQLite reports them (for status and tests).
    package func databaseSettings() async throws -> (journalMode: String, synchronous: Int, foreignKeys: Bool, busyTimeoutMS: Int) {
        try await pool.writeWithoutTransaction { db in
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?"
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            let fk = try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
            let busy = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? -1
            return (journal, sync, fk, busy)
        }
    }
}

/// The queue's replaceable options. `@unchecked Sendable`: `stored` is only read and written
/// under `lock`.
private final class OptionsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: JobQueueOptions
    init(_ value: JobQueueOptions) { stored = value }
    var value: JobQueueOptions {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
