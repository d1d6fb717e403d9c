import Testing
import Tensor

@Suite struct TensorBufferPoolTests {
    @Test func largeBuffersAreRecycledAndSmallOnesAreNot() {
        let pool = TensorBufferPool()
        let big = pool.acquire(3 << 20)
        pool.release(big, bytes: 3 << 20)
        #expect(pool.acquire((3 << 20) - 100) == big, "same rounded size comes back")
        let small = pool.acquire(1024)
        pool.release(small, bytes: 1024)
        let other = pool.acquire(1024)
        other.deallocate()
        pool.drain()
    }

    @Test func poolStopsKeepingBuffersAtItsCapacity() {
        let pool = TensorBufferPool()
        pool.capacityBytes = 2 << 20
        let a = pool.acquire(2 << 20), b = pool.acquire(2 << 20)
        pool.release(a, bytes: 2 << 20)
        pool.release(b, bytes: 2 << 20)   // over capacity: freed, not kept
        #expect(pool.acquire(2 << 20) == a)
        let fresh = pool.acquire(2 << 20)
        #expect(fresh != a)
        fresh.deallocate()
        a.deallocate()
    }

    @Test func recycledTensorMemoryStartsAtZero() {
        let count = 1 << 20
        do {
            let dirty = Tensor(zeros: [count])
            dirty.fill(7)
        }
        let clean = Tensor(zeros: [count])
        #expect(clean.values.allSatisfy { $0 == 0 })
    }
}
