import Dispatch

/// A value computed on another thread while the caller goes on; `value` waits for it.
///
/// The analyzer estimates a field's scale from its red cells (`RedCellScale`, single-threaded)
/// this way while its own thread localises the cells, when more than one thread is allowed.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private var result: Value?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `work` on a global queue.
    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = work()
            self.finished.signal()
        }
    }

    /// The result, once `work` has returned (the semaphore orders the write before the read).
    var value: Value {
        finished.wait()
        defer { finished.signal() }
        return result!
    }
}
