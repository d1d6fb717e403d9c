import Foundation

/// Keeps the first fatal error (`JobQueueError.isFatal`) any queue operation met, and wakes
/// whoever waits for one: a daemon stops at once instead of its loops meeting, and logging,
/// the same damaged database several times a second.
///
/// `@unchecked Sendable`: `first` and `waiters` are only touched under `lock`.
final class FatalErrorLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var first: JobQueueError?
    private var waiters: [UUID: CheckedContinuation<JobQueueError, any Error>] = [:]

    /// The first fatal error recorded, or nil.
    var error: JobQueueError? { lock.withLock { first } }

    /// Records `error` when it is fatal and the first one; later ones are dropped.
    func record(_ error: JobQueueError) {
        guard error.isFatal else { return }
        let woken = lock.withLock { () -> [CheckedContinuation<JobQueueError, any Error>] in
            guard first == nil else { return [] }
            first = error
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume(returning: error) }
    }

    /// The first fatal error, waiting until there is one. Throws `CancellationError` when the
    /// waiting task is cancelled.
    func wait() async throws -> JobQueueError {
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<JobQueueError, any Error>? = lock.withLock {
                    if let first { return .success(first) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}
