import GRDB

/// The queue's schema as an ordered list of migrations (GRDB `DatabaseMigrator`).
///
/// Migrations are append-only: a released one is never edited; a change is a new migration.
/// Times are INTEGER milliseconds since 1970 UTC; `mtime_ns` is the input's mtime in
/// nanoseconds (exact, as `stat` reports it).
package enum JobQueueSchema {
    /// Brings the database of `pool` to the current schema.
    ///
    /// Two processes opening a new database at once (the daemon starting while an admin
    /// command runs) can both find a migration pending: GRDB looks at the applied ones before
    /// its own immediate transaction, so the one that waited fails with "table … already
    /// exists" (or, for a migration that rebuilds tables, a duplicate migration identifier;
    /// its transaction is rolled back whole). Migrating again then finds the migration applied; an error that persists is
    /// thrown after the third try.
    static func migrate(_ pool: DatabasePool) throws {
        for attempt in 1... {
            do {
                try migrator.migrate(pool)
                return
            } catch let error as DatabaseError
                        where (error.resultCode == .SQLITE_ERROR || error.resultCode == .SQLITE_CONSTRAINT) && attempt < 3 {
                continue
            }
        }
    }

    /// The migrator that brings any older queue database to the current schema.
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs, input keys, error history") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    content_hash TEXT,
                    payload TEXT,
                    priority INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL CHECK (state IN
                        ('queued', 'running', 'succeeded', 'retrying', 'failed', 'cancelled')),
                    attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
                    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
                    enqueued_at INTEGER NOT NULL,
                    scheduled_at INTEGER NOT NULL,
                    started_at INTEGER,
                    finished_at INTEGER,
                    lease_until INTEGER,
                    claim_token TEXT,
                    worker TEXT,
                    host TEXT,
                    last_error TEXT,
                    CHECK ((state = 'running') = (claim_token IS NOT NULL AND lease_until IS NOT NULL))
                );
                -- The claim's search: due jobs of a waiting state.
                CREATE INDEX jobs_by_state_schedule ON jobs (state, scheduled_at, priority, id);
                CREATE INDEX jobs_by_finish ON jobs (finished_at) WHERE finished_at IS NOT NULL;
                CREATE INDEX jobs_by_path ON jobs (path);

                -- Idempotency keys; they outlive pruned jobs (job_id becomes NULL).
                CREATE TABLE input_keys (
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    content_hash TEXT,
                    job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
                    first_seen_at INTEGER NOT NULL,
                    PRIMARY KEY (path, size, mtime_ns)
                ) WITHOUT ROWID;
                CREATE INDEX input_keys_by_hash ON input_keys (path, content_hash) WHERE content_hash IS NOT NULL;
                CREATE INDEX input_keys_by_job ON input_keys (job_id);

                CREATE TABLE job_errors (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('transient', 'permanent', 'lease_expired')),
                    message TEXT NOT NULL
                );
                CREATE INDEX job_errors_by_job ON job_errors (job_id, at);
                CREATE INDEX job_errors_by_time ON job_errors (at);
                """)
        }
        migrator.registerMigration("v2: claim order index") { db in
            // The claim takes the first waiting job by (priority DESC, scheduled_at, id). Without
            // an index in that order SQLite sorted every waiting job on each claim (tens of ms
            // with 100,000 queued); this partial index lets it stop at the first due row (jobs
            // still in backoff are stepped over).
            try db.execute(sql: """
                CREATE INDEX jobs_claim_order ON jobs (priority DESC, scheduled_at, id)
                WHERE state IN ('queued', 'retrying')
                """)
        }
        migrator.registerMigration("v3: superseded state, queue lifetime, attempt-limited errors") { db in
            try rebuildForV3(db)
        }
        return migrator
    }

    /// v3 widens two `CHECK`s, which SQLite can only do by rebuilding the table (its
    /// "other kinds of schema changes" procedure; GRDB runs migrations with foreign keys off):
    /// `jobs.state` gains `superseded` (with `superseded_by`, the newer job of the same path),
    /// `jobs` gains `lifetime_start` (when the queue lifetime of transient retries began: the
    /// enqueue, or an admin's retry), `job_errors.kind` gains `attempt_limited`, and
    /// `queue_probe` holds the row `probeWrite` rewrites. Ids and
    /// the AUTOINCREMENT counters are kept, so no job id is ever reused.
    private static func rebuildForV3(_ db: Database) throws {
        let sequences = try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence WHERE name IN ('jobs', 'job_errors')")
        try db.execute(sql: """
            CREATE TABLE jobs_v3 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                content_hash TEXT,
                payload TEXT,
                priority INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL CHECK (state IN
                    ('queued', 'running', 'succeeded', 'retrying', 'failed', 'cancelled', 'superseded')),
                attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
                max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
                enqueued_at INTEGER NOT NULL,
                lifetime_start INTEGER NOT NULL,
                scheduled_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                lease_until INTEGER,
                claim_token TEXT,
                worker TEXT,
                host TEXT,
                last_error TEXT,
                superseded_by INTEGER,
                CHECK ((state = 'running') = (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
                CHECK ((state = 'superseded') = (superseded_by IS NOT NULL))
            );
            INSERT INTO jobs_v3 (id, path, size, mtime_ns, content_hash, payload, priority, state, attempt,
                                 max_attempts, enqueued_at, lifetime_start, scheduled_at, started_at, finished_at,
                                 lease_until, claim_token, worker, host, last_error)
                SELECT id, path, size, mtime_ns, content_hash, payload, priority, state, attempt,
                       max_attempts, enqueued_at, enqueued_at, scheduled_at, started_at, finished_at,
                       lease_until, claim_token, worker, host, last_error FROM jobs;
            DROP TABLE jobs;
            ALTER TABLE jobs_v3 RENAME TO jobs;
            CREATE INDEX jobs_by_state_schedule ON jobs (state, scheduled_at, priority, id);
            CREATE INDEX jobs_by_finish ON jobs (finished_at) WHERE finished_at IS NOT NULL;
            CREATE INDEX jobs_by_path ON jobs (path);
            CREATE INDEX jobs_claim_order ON jobs (priority DESC, scheduled_at, id)
                WHERE state IN ('queued', 'retrying');

            CREATE TABLE job_errors_v3 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                at INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('transient', 'permanent', 'lease_expired', 'attempt_limited')),
                message TEXT NOT NULL
            );
            INSERT INTO job_errors_v3 SELECT id, job_id, at, attempt, kind, message FROM job_errors;
            DROP TABLE job_errors;
            ALTER TABLE job_errors_v3 RENAME TO job_errors;
            CREATE INDEX job_errors_by_job ON job_errors (job_id, at);
            CREATE INDEX job_errors_by_time ON job_errors (at);

            -- One row, rewritten by `probeWrite` to learn whether the disk takes writes again.
            CREATE TABLE queue_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
            """)
        for row in sequences {
            let name: String = row["name"], seq: Int64 = row["seq"]
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [name])
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [name, seq])
        }
    }

    /// The statement `claim` runs to pick a job (shared with the query-plan test). `INDEXED BY`
    /// because without `ANALYZE` statistics SQLite prefers `jobs_by_state_schedule` and a sort
    /// (measured: 29 ms per claim with 100,000 queued, against 0.01 ms walking this index).
    package static let claimPickSQL = """
        SELECT id FROM jobs INDEXED BY jobs_claim_order
        WHERE state IN ('queued', 'retrying') AND scheduled_at <= ?
        ORDER BY priority DESC, scheduled_at, id LIMIT 1
        """
}
