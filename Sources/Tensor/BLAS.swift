import CBLAS
import Foundation

/// The one place that calls OpenBLAS: single-precision GEMM, GEMV and AXPY on raw pointers.
///
/// All matrices are row-major. `lda`, `ldb`, `ldc` default to the packed row length.
///
/// OpenBLAS always runs on its caller's thread; Leuko's own pool (`Parallel`) is the only
/// one. Two pools on two cores fought: OpenBLAS's threads spin after each call while
/// Leuko's workers wait for the core (a batch-1 training step took 62 ms on two threads
/// against 33 on one). A large product is cut instead into blocks of `rowBlock` rows of C,
/// run over `Parallel` (serially inside another parallel loop, as in the convolutions, which
/// parallelise over bands). Blocks depend only on the shape, so results are the same bits for
/// every thread count.
package enum BLAS {
    /// Rows of C per block of a split product.
    static let rowBlock = 64
    /// Products below this many multiply-adds (or of fewer than two blocks) are not split.
    static let splitWork = 1 << 20

    /// OpenBLAS set to one thread, once, before its first call.
    private static let oneThread: Void = { openblas_set_num_threads(1) }()

    /// `C = alpha * op(A) * op(B) + beta * C`, with `op(A)` of shape `[m, k]` and `op(B)` `[k, n]`.
    package static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        _ = oneThread
        let lda = lda ?? (transA ? m : k)
        let ldb = ldb ?? (transB ? k : n)
        let ldc = ldc ?? n
        func rows(_ range: Range<Int>) {
            // Rows i0..<i1 of op(A): rows of A, or columns when A is transposed.
            let block = transA ? a + range.lowerBound : a + range.lowerBound * lda
            cblas_sgemm(CblasRowMajor,
                        transA ? CblasTrans : CblasNoTrans,
                        transB ? CblasTrans : CblasNoTrans,
                        Int32(range.count), Int32(n), Int32(k), alpha,
                        block, Int32(lda), b, Int32(ldb), beta, c + range.lowerBound * ldc, Int32(ldc))
        }
        let blocks = (m + rowBlock - 1) / rowBlock
        if blocks < 2 || m * n * k < splitWork {
            rows(0..<m)
        } else {
            Parallel.forEach(blocks) { i in rows(i * rowBlock ..< min(m, (i + 1) * rowBlock)) }
        }
    }

    /// `y = alpha * op(A) * x + beta * y` with `A` of shape `[m, n]` (row-major).
    package static func sgemv(
        trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda ?? n), x, 1, beta, y, 1)
    }

    /// `y += alpha * x` over `count` elements.
    package static func saxpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    /// Name of the kernel OpenBLAS selected for this CPU (e.g. `Zen`, `Haswell`).
    package static var coreName: String { String(cString: openblas_get_corename()) }
}
