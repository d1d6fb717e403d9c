import Dispatch

/// Runs `body` for every index in `0..<count` over `threads` workers (worker w takes w,
/// w + threads, …) and returns each call's result or error in index order: for work on many
/// files where one failing file must not stop the others.
package func parallelResults<T>(count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) -> [Result<T, Error>] {
    let results = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    let box = UncheckedBox(results)
    let workers = max(1, threads)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var i = worker
        while i < count {
            box.value[i] = Result { try body(i) }
            i += workers
        }
    }
    return results.map { $0! }
}

/// Lets concurrent workers write disjoint slots of one buffer (each index has one writer).
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
