import Foundation

/// What a caller enqueues: an input's identity plus optional payload and priority.
///
/// `(path, size, mtimeNanoseconds)` is the idempotency key; when `contentHash` is known too,
/// the same content at the same path is recognised even after a `touch`.
package struct JobInput: Sendable, Equatable, Codable {
    package var path: String
    package var size: Int64
    package var mtimeNanoseconds: Int64
    package var contentHash: String?
    package var payload: String?
    /// Higher runs first among jobs that are due.
    package var priority: Int
    /// Not claimable before this time (nil: now).
    package var notBefore: Date?

    package init(path: String, size: Int64, mtimeNanoseconds: Int64, contentHash: String? = nil,
                 payload: String? = nil, priority: Int = 0, notBefore: Date? = nil) {
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.contentHash = contentHash
        self.payload = payload
        self.priority = priority
        self.notBefore = notBefore
    }
}

/// What `enqueue` did with one input.
package enum EnqueueOutcome: Sendable, Equatable {
    /// A new job was created.
    case enqueued(Job)
    /// The input was seen before; `existingJobID` is its job, or nil if that job was pruned
    /// (input keys outlive pruned jobs, so a file left in the inbox is not processed again).
    case duplicate(existingJobID: Int64?)

    /// The new job, if one was created.
    package var job: Job? {
        if case .enqueued(let job) = self { return job }
        return nil
    }
}

/// Why a worker gave up on an attempt.
package struct JobFailure: Sendable, Equatable {
    /// `permanent` errors cannot heal by waiting (not an image, corrupt, too large,
    /// unsupported, unreadable): the job goes to `failed` at once. `transient` ones may heal by
    /// waiting (a busy database, a missing model file): retried with backoff until the queue
    /// lifetime (`JobQueueOptions.maxQueueLifetime`) is over, as a mail queue defers a message.
    /// `attemptLimited` ones may be the input's fault or the machine's (a time limit passed):
    /// retried with backoff until the job's attempts are used up.
    package enum Kind: String, Sendable, Equatable, Codable {
        case transient, permanent
        case attemptLimited = "attempt_limited"
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package static func transient(_ message: String) -> JobFailure { JobFailure(.transient, message) }
    package static func permanent(_ message: String) -> JobFailure { JobFailure(.permanent, message) }
    package static func attemptLimited(_ message: String) -> JobFailure { JobFailure(.attemptLimited, message) }
}
