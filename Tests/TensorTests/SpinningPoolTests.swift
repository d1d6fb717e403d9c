import Foundation
import Synchronization
import Testing
@testable import Tensor

/// The pool behind `Parallel.forEach`: every index runs exactly once, job after job; a loop
/// inside a loop's body runs on its thread; two threads looping at once both finish right
/// (one on the pool, the other through Dispatch).
@Suite struct SpinningPoolTests {
    @Test func everyIndexRunsOnceJobAfterJob() {
        Parallel.withThreads(2) {
            for job in 0..<500 {
                let count = 1 + job % 37
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0, count: count)
                defer { hits.deallocate() }
                Parallel.forEach(count) { hits[$0] += 1 }
                #expect((0..<count).allSatisfy { hits[$0] == 1 }, "job \(job)")
            }
        }
    }

    @Test func aNestedLoopRunsOnItsThread() {
        Parallel.withThreads(2) {
            let outer = 4, inner = 50
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: outer * inner)
            hits.initialize(repeating: 0, count: outer * inner)
            defer { hits.deallocate() }
            let threads = Mutex<Set<UInt>>([])
            Parallel.forEach(outer) { i in
                let own = UInt(pthread_self())
                Parallel.forEach(inner) { j in
                    hits[i * inner + j] += 1
                    if UInt(pthread_self()) != own { threads.withLock { $0.insert(UInt(pthread_self())) } }
                }
            }
            #expect((0..<(outer * inner)).allSatisfy { hits[$0] == 1 })
            #expect(threads.withLock { $0.isEmpty }, "inner chunks ran on another thread")
        }
    }

    @Test func twoThreadsLoopingAtOnceBothFinishRight() {
        let count = 10_000
        let sums = Mutex<[Int]>([])
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread {
                Parallel.withThreads(2) {
                    for _ in 0..<50 {
                        let values = UnsafeMutablePointer<Int>.allocate(capacity: count)
                        Parallel.forEach(count) { values[$0] = $0 }
                        let sum = (0..<count).reduce(0) { $0 + values[$1] }
                        values.deallocate()
                        sums.withLock { $0.append(sum) }
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(sums.withLock { $0.count == 100 && $0.allSatisfy { $0 == count * (count - 1) / 2 } })
    }
}
