/// The life-cycle state of a job (after Oban's states, reduced to what a file queue needs).
///
/// Transitions (all made by `JobQueue`, each in one `BEGIN IMMEDIATE` transaction):
/// ```
/// enqueue -> queued
/// queued | retrying  --claim-->           running      (lease, claim token, attempt += 1)
/// running            --complete-->        succeeded
/// running            --fail(transient)--> retrying     (backoff) | failed (queue lifetime over)
/// running            --fail(attempt-limited)--> retrying (backoff) | failed (attempt == max)
/// running            --fail(permanent)--> failed
/// running            --lease expired-->   retrying     (now)     | failed (attempt == max)
/// running            --fail(any)-->       superseded   (a newer version of the same path is queued)
/// queued | retrying | failed --newer version of the path enqueued--> superseded
/// running            --hand back-->       queued       (attempt not counted; shutdown)
/// queued | retrying | running --cancel--> cancelled
/// failed | cancelled --retry-->           queued       (attempts start again)
/// ```
/// `failed` is the dead-letter state: nothing leaves it except an admin's retry.
/// `superseded` is final too: the file the job was for was replaced by a newer version at the
/// same path (a rewrite, a writer that paused), which is a job of its own.
package enum JobState: String, Sendable, Codable, CaseIterable, Comparable {
    case queued, running, succeeded, retrying, failed, cancelled, superseded

    /// Waiting for a worker (claimable once `scheduled_at` has passed).
    package var isWaiting: Bool { self == .queued || self == .retrying }

    /// No worker will touch the job again unless an admin retries it.
    package var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled || self == .superseded }

    package static func < (a: JobState, b: JobState) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
