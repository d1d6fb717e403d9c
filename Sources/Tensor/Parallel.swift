import Dispatch

/// Splits loops over independent work items (usually N x C planes) across the cores.
///
/// `threadCount` is the one setting: OpenBLAS always runs on its caller's thread, and large
/// products are split over these loops (`BLAS`), so "run with one thread" means one thread
/// everywhere. A loop inside another loop's body runs serially on its thread. The engine's
/// kernels reduce in an order that does not depend on the thread count, so results are
/// bit-for-bit the same with any setting. `withThreads` overrides the count for one task only (tests run
/// concurrently and must not change each other's setting).
package enum Parallel {
    nonisolated(unsafe) private static var _threadCount: Int = defaultThreadCount()

    /// A per-task override of `threadCount` (see `withThreads`).
    @TaskLocal private static var taskThreadCount: Int?

    /// Threads used by `forEach`; at least 1.
    package static var threadCount: Int { taskThreadCount ?? _threadCount }

    /// Runs `body` with `threadCount` set to `count` for the current task only.
    package static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try $taskThreadCount.withValue(max(1, count), operation: body)
    }

    /// Sets the thread count for Leuko's loops (OpenBLAS always runs on its caller's thread:
    /// `BLAS`). Call before work starts.
    package static func setThreads(_ count: Int) {
        _threadCount = max(1, count)
    }

    private static func defaultThreadCount() -> Int {
        if let text = getEnvironment("LEUKO_THREADS"), let value = Int(text), value > 0 { return value }
        return max(1, System.activeProcessorCount)
    }

    /// Runs `body(i)` for `i` in `0..<count`, in contiguous chunks over up to `threadCount`
    /// threads (the caller and `SpinningPool`'s workers). Each index runs exactly once; the
    /// order across chunks is unspecified, so bodies must write disjoint memory.
    package static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        let threads = min(threadCount, max(1, count / max(1, minimumPerThread)))
        // A loop inside another's body runs on its thread: the outer loop has the cores.
        if threads <= 1 || count <= 1 || ParallelRegion.isInside {
            for i in 0..<count { body(i) }
            return
        }
        let chunk = { (chunk: Int) in
            ParallelRegion.enter {
                for i in count * chunk / threads ..< count * (chunk + 1) / threads { body(i) }
            }
        }
        // The spinning pool when it is free; Dispatch for a nested loop or a second caller.
        if SpinningPool.shared.run(chunks: threads, chunk) { return }
        withoutActuallyEscaping(chunk) { chunk in
            let box = UncheckedSendable(chunk)
            DispatchQueue.concurrentPerform(iterations: threads) { box.value($0) }
        }
    }
}

extension Parallel {
    /// Runs `body` on disjoint ranges covering `0..<count`, each at least `grain` long (except
    /// the last), spread over up to `threadCount` threads. For flat elementwise loops.
    package static func forEachRange(_ count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(threadCount, (count + grain - 1) / max(1, grain)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        forEach(chunks) { chunk in body(count * chunk / chunks ..< count * (chunk + 1) / chunks) }
    }
}

/// Whether the current thread is running a chunk of a `Parallel` loop (a thread-local flag).
enum ParallelRegion {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isInside: Bool { pthread_getspecific(key) != nil }

    /// Runs `body` with the flag set on this thread, then restores it.
    @inline(__always)
    static func enter(_ body: () -> Void) {
        let outer = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(key, outer)
    }
}

/// Wraps a non-Sendable value whose concurrent use the caller has made safe by construction.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

#if canImport(Glibc)
import Glibc
private func getEnvironment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
private enum System { static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) } }
#else
import Foundation
private func getEnvironment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
private enum System { static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount } }
#endif
