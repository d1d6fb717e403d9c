/// Small vectorised loops on raw Float32 pointers (AVX2 + FMA in release builds).
///
/// Building blocks for hand-written kernels: they use `SIMD8<Float>` explicitly because the
/// compiler does not vectorise Float reductions on its own (no reassociation without
/// fast-math). Pointers may be unaligned; `x` and `y` must not overlap in `axpy`.
package enum Vector {
    /// `y[i] += alpha * x[i]` for `i` in `0..<count`.
    @inlinable @inline(__always)
    package static func axpy(_ count: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var i = 0
        let a = SIMD8<Float>(repeating: alpha)
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y)
        while i + 8 <= count {
            let xv = xr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            var yv = yr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            yv.addProduct(a, xv)
            yr.storeBytes(of: yv, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            y[i] += alpha * x[i]
            i += 1
        }
    }

    /// `sum(x[i] * y[i])` for `i` in `0..<count`, in Float32 with eight partial sums.
    @inlinable @inline(__always)
    package static func dot(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        var i = 0
        var acc = SIMD8<Float>(repeating: 0)
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        while i + 8 <= count {
            acc.addProduct(xr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self),
                           yr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
            i += 8
        }
        var total = acc.sum()
        while i < count {
            total += x[i] * y[i]
            i += 1
        }
        return total
    }

    /// `sum(x[i])` for `i` in `0..<count`, in Float32 with eight partial sums.
    @inlinable @inline(__always)
    package static func sum(_ count: Int, _ x: UnsafePointer<Float>) -> Float {
        var i = 0
        var acc = SIMD8<Float>(repeating: 0)
        let xr = UnsafeRawPointer(x)
        while i + 8 <= count {
            acc += xr.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var total = acc.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }
}
