import Foundation
import GRDB

/// One entry of a job's error history (`job_errors`): what went wrong on which attempt, when.
package struct JobErrorEntry: Sendable, Equatable, Codable, FetchableRecord {
    /// What kind of event ended the attempt.
    package enum Kind: String, Sendable, Equatable, Codable {
        /// The worker reported an error that may heal (retried with backoff for the queue lifetime).
        case transient
        /// The worker reported an error that may be the input's (a time limit passed): retried
        /// with backoff up to the job's attempts.
        case attemptLimited = "attempt_limited"
        /// The worker reported an error that cannot heal (failed at once).
        case permanent
        /// The worker stopped renewing its lease (crash, kill -9, restart, hang).
        case leaseExpired = "lease_expired"
    }

    package var jobID: Int64
    package var at: Date
    package var attempt: Int
    package var kind: Kind
    package var message: String

    package init(row: Row) throws {
        jobID = row["job_id"]
        at = Date(millisecondsSince1970: row["at"])
        attempt = row["attempt"]
        let kindName: String = row["kind"]
        guard let kind = Kind(rawValue: kindName) else {
            throw JobQueueError(.database, "error entry of job \(jobID) has unknown kind '\(kindName)'")
        }
        self.kind = kind
        message = row["message"]
    }

    package init(jobID: Int64, at: Date, attempt: Int, kind: Kind, message: String) {
        self.jobID = jobID
        self.at = at
        self.attempt = attempt
        self.kind = kind
        self.message = message
    }
}
