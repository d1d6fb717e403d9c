import CBLAS
import Foundation

/// The one place that calls OpenBLAS: single-precision GEMM, GEMV and AXPY on raw pointers.
///
/// All matrices are row-major. `lda`, `ldb`, `ldc` default to the packed row length.
package enum BLAS {
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
        let lda = lda ?? (transA ? m : k)
        let ldb = ldb ?? (transB ? k : n)
        let ldc = ldc ?? n
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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

    /// Number of threads OpenBLAS uses for one call.
    package static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Runs `body` with OpenBLAS on one thread, then restores the previous count.
    ///
    /// Used when Leuko's own loops already occupy every core (batch-parallel convolution), so
    /// each GEMM runs on its caller's thread. OpenBLAS's setting is process-wide, so sections
    /// are counted under a lock: the first to enter saves and lowers the count, the last to
    /// leave restores it, and concurrent sections (two workers, concurrent tests) cannot leave
    /// it lowered.
    package static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        sectionLock.lock()
        if sections == 0 {
            savedThreadCount = threadCount
            if savedThreadCount != 1 { threadCount = 1 }
        }
        sections += 1
        sectionLock.unlock()
        defer {
            sectionLock.lock()
            sections -= 1
            if sections == 0 && savedThreadCount != 1 { threadCount = savedThreadCount }
            sectionLock.unlock()
        }
        return try body()
    }

    /// Sets OpenBLAS's process-wide thread count, respecting open `singleThreaded` sections:
    /// while one is open the count stays at 1 and `count` is applied when the last one leaves.
    /// (A concurrent benchmark must not raise the count under a section that relies on it.)
    package static func setProcessThreadCount(_ count: Int) {
        sectionLock.lock()
        defer { sectionLock.unlock() }
        if sections > 0 { savedThreadCount = max(1, count) } else { threadCount = count }
    }

    private static let sectionLock = NSLock()
    // Guarded by `sectionLock`.
    nonisolated(unsafe) private static var sections = 0
    nonisolated(unsafe) private static var savedThreadCount = 1

    /// Name of the kernel OpenBLAS selected for this CPU (e.g. `Zen`, `Haswell`).
    package static var coreName: String { String(cString: openblas_get_corename()) }
}
