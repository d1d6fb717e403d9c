import Foundation

/// One job attempt's work, running in an unstructured task of its own so that the worker can
/// stop waiting for it.
///
/// Structured concurrency always waits for its children: a worker that ran the processor as a
/// child task would be held for as long as the processor runs, however long that is. Here the
/// worker waits with `value()` (returns nil as soon as the waiting task is cancelled) or
/// `value(within:)` (nil after the timeout), while the work itself goes on until it returns;
/// `cancel()` asks it to stop (the analyzer checks between tiles and network batches). What
/// it does not do: stop code that never checks for cancellation — such work is left running
/// and reported by the caller (`HealthMonitor.stuck`).
package final class RunningAttempt<Value: Sendable>: Sendable {
    private let task: Task<Value, Never>

    /// Starts `work` at once (same priority and task-local values as the caller; not its
    /// cancellation).
    package init(_ work: @escaping @Sendable () async -> Value) {
        task = Task { await work() }
    }

    /// Asks the work to stop (its task is cancelled).
    package func cancel() { task.cancel() }

    /// The work's result, or nil when the waiting task is cancelled first (the work goes on).
    package func value() async -> Value? {
        let once = ResumeOnce<Value?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.install(continuation)
                let task = self.task
                Task { once.resume(await task.value) }
            }
        } onCancel: {
            once.resume(nil)
        }
    }

    /// The work's result, or nil when it has not returned within `timeout`.
    package func value(within timeout: Duration) async -> Value? {
        await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.value() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The result, however long that takes (for watching work that was left behind).
    package var eventualValue: Value {
        get async { await task.value }
    }
}

/// A continuation resumed by whichever of several parties comes first (later ones are
/// ignored), also when the first comes before the continuation exists.
///
/// `@unchecked Sendable`: `state` is only read and written under `lock`; the continuation is
/// resumed outside it, exactly once.
final class ResumeOnce<Value: Sendable>: @unchecked Sendable {
    private enum State {
        case empty
        case installed(CheckedContinuation<Value, Never>)
        case early(Value)
        case done
    }

    private let lock = NSLock()
    private var state = State.empty

    /// Hands over the continuation; resumes it at once if a value came first.
    func install(_ continuation: CheckedContinuation<Value, Never>) {
        let early: Value? = lock.withLock {
            if case .early(let value) = state {
                state = .done
                return value
            }
            state = .installed(continuation)
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Resumes with `value` if nothing did before.
    func resume(_ value: Value) {
        let continuation: CheckedContinuation<Value, Never>? = lock.withLock {
            switch state {
            case .empty:
                state = .early(value)
                return nil
            case .installed(let continuation):
                state = .done
                return continuation
            case .early, .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }
}
