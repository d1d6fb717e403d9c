import Testing
import Tensor
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
