import Testing
@testable import Tensor

/// OpenBLAS's thread count is process-wide: a `singleThreaded` section holds it at 1 even when
/// another task sets the count meanwhile.
@Suite struct BLASThreadSectionTests {
    @Test func aCountSetDuringASectionWaitsForItsEnd() {
        let before = BLAS.threadCount
        defer { BLAS.setProcessThreadCount(before) }
        BLAS.singleThreaded {
            BLAS.setProcessThreadCount(2)
            #expect(BLAS.threadCount == 1)
        }
        // (That the count then applies is not asserted here: concurrent benchmark tests may set
        // it again at any moment.)
    }
}
