import Testing
import Tensor

@Suite struct ParallelTests {
    @Test func taskOverrideAppliesInsideItsScope() {
        // Only task-local state is asserted: other suites may change the global setting meanwhile.
        Parallel.withThreads(1) { #expect(Parallel.threadCount == 1) }
        Parallel.withThreads(3) {
            #expect(Parallel.threadCount == 3)
            Parallel.withThreads(2) { #expect(Parallel.threadCount == 2) }
            #expect(Parallel.threadCount == 3)
        }
    }

    @Test func forEachRangeCoversEveryIndexOnceInDisjointRanges() {
        for threads in [1, 2, 3] {
            Parallel.withThreads(threads) {
                let counts = Tensor(zeros: [100_003])
                Parallel.forEachRange(counts.count, grain: 1000) { range in for i in range { counts.data[i] += 1 } }
                #expect(counts.values.allSatisfy { $0 == 1 }, "threads \(threads)")
            }
        }
    }
}
