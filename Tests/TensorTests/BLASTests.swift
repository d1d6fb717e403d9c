import Testing
@testable import Tensor

/// `BLAS.sgemm` (OpenBLAS on one thread; large products cut into row blocks over Leuko's
/// threads) against a naive product, for every transpose combination, strides and beta, and
/// the same bits on one and two threads.
@Suite struct BLASTests {
    static func naive(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                      b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                out[i * ldc + j] = Float(Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j]))
            }
        }
        return out
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitAndWholeProductsMatchTheNaiveOne(transposes: (a: Bool, b: Bool)) {
        var rng = RandomSource(seed: 21)
        // 300 x 70 x 60 is split (5 blocks of 64 rows); 20 x 9 x 5 is not. Padded strides.
        for (m, n, k) in [(300, 70, 60), (20, 9, 5)] {
            let lda = (transposes.a ? m : k) + 3, ldb = (transposes.b ? k : n) + 2, ldc = n + 5
            let a = (0..<((transposes.a ? k : m) * lda)).map { _ in rng.uniform() - 0.5 }
            let b = (0..<((transposes.b ? n : k) * ldb)).map { _ in rng.uniform() - 0.5 }
            let c0 = (0..<(m * ldc)).map { _ in rng.uniform() - 0.5 }
            let expected = Self.naive(transA: transposes.a, transB: transposes.b, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda,
                                      b: b, ldb: ldb, beta: 0.3, c: c0, ldc: ldc)
            var results: [[Float]] = []
            for threads in [1, 2] {
                var c = c0
                Parallel.withThreads(threads) {
                    BLAS.sgemm(transA: transposes.a, transB: transposes.b, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda,
                               b: b, ldb: ldb, beta: 0.3, c: &c, ldc: ldc)
                }
                let error = zip(c, expected).map { abs($0 - $1) }.max()!
                #expect(error < 1e-4, "\(m)x\(n)x\(k), \(threads) threads: max error \(error)")
                results.append(c)
            }
            #expect(results[0] == results[1], "1 and 2 threads give the same bits")
        }
    }
}
