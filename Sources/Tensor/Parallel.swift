import Dispatch

/// Splits loops over independent work items (usually N x C planes) across the cores.
///
/// `threadCount` is the one setting for Leuko's own loops; `Parallel.setThreads` also sets
/// OpenBLAS's, so "run with one thread" means one thread everywhere. The engine's kernels
/// reduce in an order that does not depend on the thread count, so results are bit-for-bit
/// the same with any setting. `withThreads` overrides the count for one task only (tests run
/// concurrently and must not change each other's setting).
package enum Parallel {
    nonisolated(unsafe) private static var _threadCount: Int = defaultThreadCount()

    /// A per-task override of `threadCount` (see `withThreads`).
    @TaskLocal private static var taskThreadCount: Int?

    /// Threads used by `forEach`; at least 1.
    package static var threadCount: Int { taskThreadCount ?? _threadCount }

    /// Runs `body` with `threadCount` set to `count` for the current task only (OpenBLAS's own
    /// setting is process-wide and stays as it is).
    package static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try $taskThreadCount.withValue(max(1, count), operation: body)
    }

    /// Sets the thread count for Leuko's loops and for OpenBLAS. Call before work starts.
    package static func setThreads(_ count: Int) {
        _threadCount = max(1, count)
        BLAS.setProcessThreadCount(_threadCount)
    }

    private static func defaultThreadCount() -> Int {
        if let text = getEnvironment("LEUKO_THREADS"), let value = Int(text), value > 0 { return value }
        return max(1, System.activeProcessorCount)
    }

    /// Runs `body(i)` for `i` in `0..<count`, in contiguous chunks over up to `threadCount`
    /// threads. Each index runs exactly once; the order across chunks is unspecified, so bodies
    /// must write disjoint memory.
    package static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Int) -> Void) {
        let threads = min(threadCount, max(1, count / max(1, minimumPerThread)))
        if threads <= 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { chunk in
                let start = count * chunk / threads
                let end = count * (chunk + 1) / threads
                for i in start..<end { box.value(i) }
            }
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
