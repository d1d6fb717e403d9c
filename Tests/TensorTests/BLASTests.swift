import Testing
@testable import Tensor
import TestSupport

@Suite struct BLASTests {
    @Test func sgemmMatchesNaiveMatmulForAllTransposes() {
        var rng = RandomSource(seed: 7)
        let (m, n, k) = (13, 17, 29)
        let a = Tensor.randomNormal([m, k], rng: &rng)
        let b = Tensor.randomNormal([k, n], rng: &rng)
        let expected = NaiveKernels.matmul(a, b)
        let at = NaiveKernels.transpose(a), bt = NaiveKernels.transpose(b)
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            let c = Tensor(zeros: [m, n])
            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                       a: (transA ? at : a).data, b: (transB ? bt : b).data, c: c.data)
            for i in 0..<c.count {
                #expect(abs(c.data[i] - expected.data[i]) < 1e-4, "transA=\(transA) transB=\(transB) at \(i)")
            }
        }
    }

    /// A product large enough to be cut into row blocks over Leuko's threads (300 x 70 x 60: 5
    /// blocks of 64 rows), with padded strides, alpha and beta, for every transpose: equal to
    /// the naive product, and the same bits on one and two threads.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitProductsMatchTheNaiveOneOnAnyThreadCount(transposes: (a: Bool, b: Bool)) {
        var rng = RandomSource(seed: 21)
        let (m, n, k, alpha, beta): (Int, Int, Int, Float, Float) = (300, 70, 60, 0.7, 0.3)
        let a = Tensor.randomNormal([m, k], rng: &rng), b = Tensor.randomNormal([k, n], rng: &rng)
        let c0 = Tensor.randomNormal([m, n], rng: &rng)
        let product = NaiveKernels.matmul(a, b)
        let expected = (0..<(m * n)).map { alpha * product.data[$0] + beta * c0.data[$0] }
        // op(A), op(B) and C stored with rows 3, 2 and 5 floats longer than they need.
        func padded(_ t: Tensor, by extra: Int) -> (values: [Float], stride: Int) {
            let (rows, cols) = (t.shape[0], t.shape[1])
            var out = [Float](repeating: 0, count: rows * (cols + extra))
            for r in 0..<rows { for col in 0..<cols { out[r * (cols + extra) + col] = t.data[r * cols + col] } }
            return (out, cols + extra)
        }
        let (pa, lda) = padded(transposes.a ? NaiveKernels.transpose(a) : a, by: 3)
        let (pb, ldb) = padded(transposes.b ? NaiveKernels.transpose(b) : b, by: 2)
        let (pc, ldc) = padded(c0, by: 5)
        var results: [[Float]] = []
        for threads in [1, 2] {
            var c = pc
            Parallel.withThreads(threads) {
                BLAS.sgemm(transA: transposes.a, transB: transposes.b, m: m, n: n, k: k, alpha: alpha, a: pa, lda: lda,
                           b: pb, ldb: ldb, beta: beta, c: &c, ldc: ldc)
            }
            var error: Float = 0
            for i in 0..<m { for j in 0..<n { error = max(error, abs(c[i * ldc + j] - expected[i * n + j])) } }
            #expect(error < 1e-3, "\(threads) threads: max error \(error)")
            results.append(c)
        }
        #expect(results[0] == results[1], "1 and 2 threads give the same bits")
    }

    @Test func randomSourceIsReproducible() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
    }

    @Test func parallelForEachVisitsEveryIndexOnce() {
        let counts = Tensor(zeros: [1000])
        Parallel.forEach(1000) { i in counts.data[i] += 1 }
        #expect(counts.values.allSatisfy { $0 == 1 })
    }
}
