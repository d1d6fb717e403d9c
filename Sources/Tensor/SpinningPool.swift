#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// The threads behind `Parallel.forEach`: workers that stay awake (spinning) for a short
/// while after each job, so the next of a network's many small parallel loops starts on
/// them at once.
///
/// At batch 1 a forward pass is ~150 parallel loops of 10-500 µs each. Dispatch parks its
/// workers between them, and waking one costs about 10 µs or more in a VM, often longer than
/// the caller takes to run the first chunk and then the second itself: two threads then
/// barely beat one (measured: 9.9 -> 8.6 ms per crop). Here each job's chunks are claimed
/// from an atomic counter by the caller and by every worker that is awake; a worker that
/// finds no job for `spinMicroseconds` parks on a condition until the next one.
///
/// One job at a time: a caller that finds the pool busy (a nested loop, or another thread's
/// analysis running alongside) runs its loop through Dispatch as before. Jobs are published
/// as objects, so a worker that wakes late finds the old job's counter exhausted and never
/// runs a finished job's body, and the body is dropped before `run` returns.
final class SpinningPool: @unchecked Sendable {
    /// One `run` call: the chunk body and its counters.
    private final class Job: @unchecked Sendable {
        var body: ((Int) -> Void)?
        let chunks: Int
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        init(body: @escaping (Int) -> Void, chunks: Int) { self.body = body; self.chunks = chunks }

        /// Claims and runs chunks until none is left.
        func work() {
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { return }
                body!(chunk)
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    /// How long an idle worker keeps looking for the next job before it parks.
    static let spinMicroseconds: UInt64 = 300

    private let busy = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let current = Mutex<Job?>(nil)
    /// Parked workers wait on `condition` for a new generation.
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let conditionMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workerCount = Mutex<Int>(0)

    init() {
        pthread_cond_init(condition, nil)
        pthread_mutex_init(conditionMutex, nil)
    }

    /// The pool every `Parallel` loop shares (never deallocated).
    static let shared = SpinningPool()

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the caller and up to `chunks - 1`
    /// workers; false (nothing run) when the pool is busy with another job.
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(chunks - 1)
        return withoutActuallyEscaping(body) { body in
            let job = Job(body: body, chunks: chunks)
            current.withLock { $0 = job }
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_mutex_lock(conditionMutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(conditionMutex)
            job.work()
            while job.done.load(ordering: .acquiring) < chunks { spinPause() }
            job.body = nil
            current.withLock { $0 = nil }
            return true
        }
    }

    /// Starts workers until there are at least `count`.
    private func ensureWorkers(_ count: Int) {
        let toStart = workerCount.withLock { started -> Int in
            let missing = max(0, count - started)
            started += missing
            return missing
        }
        for _ in 0..<toStart {
            let pool = self
            let thread = Thread { pool.workerLoop() }
            thread.start()
        }
    }

    private func workerLoop() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            var spinStart: UInt64 = 0
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins & 255 == 0 {
                    let now = Self.microseconds()
                    if spinStart == 0 { spinStart = now } else if now - spinStart > Self.spinMicroseconds { park(seen) ; spinStart = 0 }
                } else {
                    spinPause()
                }
            }
            seen = generation.load(ordering: .acquiring)
            if let job = current.withLock({ $0 }) { job.work() }
        }
    }

    /// Sleeps until the generation moves past `seen`.
    private func park(_ seen: Int) {
        pthread_mutex_lock(conditionMutex)
        while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(condition, conditionMutex) }
        pthread_mutex_unlock(conditionMutex)
    }

    @inline(__always)
    private func spinPause() {
        // A few empty iterations; Swift exposes no PAUSE instruction.
        for _ in 0..<8 { _ = generation.load(ordering: .relaxed) }
    }

    private static func microseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000 + UInt64(t.tv_nsec) / 1000
    }
}
