/// The vectorised inner loops of the stride-1 depthwise kernels.
extension DepthwiseConvolution {
    /// `dst[x] += sum_t weights[t] * sources[t][x]` for `x` in `0..<count`, where `sources[t]`
    /// is a row pointer already shifted by the tap's offset and a term whose shifted index
    /// `x + offsets[t]` falls outside `0..<srcCount` is skipped (zero padding).
    ///
    /// On the interior `lo..<hi`, where every tap is in range, eight outputs at a time gather all
    /// taps in a register; the last, possibly partial, group is computed first from the original
    /// `dst` as the overlapping vector ending at `hi` and stored last, so every lane gets the
    /// same value in the same order as a scalar loop would. Edges run scalar.
    @inline(__always)
    static func accumulateRow(_ dst: UnsafeMutablePointer<Float>, count: Int, srcCount: Int,
                              sources: UnsafeMutablePointer<UnsafePointer<Float>>, weights: UnsafeMutablePointer<Float>,
                              offsets: UnsafeMutablePointer<Int>, taps: Int, interior: (lo: Int, hi: Int)) {
        guard taps > 0 else { return }
        let lo = min(max(interior.lo, 0), count), hi = max(min(interior.hi, count), lo)
        @inline(__always) func scalar(_ x: Int) {
            var acc = dst[x]
            for t in 0..<taps {
                let j = x + offsets[t]
                if j >= 0 && j < srcCount { acc += weights[t] * sources[t][x] }
            }
            dst[x] = acc
        }
        @inline(__always) func vector(_ x: Int) -> SIMD8<Float> {
            var acc = UnsafeRawPointer(dst + x).loadUnaligned(as: SIMD8<Float>.self)
            for t in 0..<taps {
                acc.addProduct(SIMD8(repeating: weights[t]), UnsafeRawPointer(sources[t] + x).loadUnaligned(as: SIMD8<Float>.self))
            }
            return acc
        }
        for x in 0..<lo { scalar(x) }
        if hi - lo >= 8 {
            let tail = vector(hi - 8)
            var x = lo
            while x + 8 <= hi - 8 {
                UnsafeMutableRawPointer(dst + x).storeBytes(of: vector(x), as: SIMD8<Float>.self)
                x += 8
            }
            if x < hi - 8 {
                UnsafeMutableRawPointer(dst + x).storeBytes(of: vector(x), as: SIMD8<Float>.self)
            }
            UnsafeMutableRawPointer(dst + hi - 8).storeBytes(of: tail, as: SIMD8<Float>.self)
        } else {
            for x in lo..<hi { scalar(x) }
        }
        for x in hi..<count { scalar(x) }
    }

    /// `acc[t] += sum_x dy[x] * sources[t][x]` over the `x` in `0..<count` whose shifted index
    /// `x + offsets[t]` lies in `0..<srcCount`: the weight gradient of one output row.
    @inline(__always)
    static func correlateRow(_ dy: UnsafePointer<Float>, count: Int, srcCount: Int,
                             sources: UnsafeMutablePointer<UnsafePointer<Float>>, offsets: UnsafeMutablePointer<Int>,
                             taps: Int, into acc: UnsafeMutablePointer<SIMD8<Float>>, tail: UnsafeMutablePointer<Float>,
                             tapIndex: UnsafeMutablePointer<Int>) {
        for t in 0..<taps {
            let lo = max(0, -offsets[t]), hi = min(count, srcCount - offsets[t])
            guard lo < hi else { continue }
            let src = sources[t]
            var sum = acc[tapIndex[t]]
            var x = lo
            while x + 8 <= hi {
                sum.addProduct(UnsafeRawPointer(dy + x).loadUnaligned(as: SIMD8<Float>.self),
                               UnsafeRawPointer(src + x).loadUnaligned(as: SIMD8<Float>.self))
                x += 8
            }
            acc[tapIndex[t]] = sum
            var rest: Float = 0
            while x < hi {
                rest += dy[x] * src[x]
                x += 1
            }
            tail[tapIndex[t]] += rest
        }
    }

    /// Runs `body` with scratch arrays of `capacity` entries on the stack: shifted source rows,
    /// weights, offsets and tap indices.
    @inline(__always)
    static func withTapScratch<R>(_ capacity: Int,
                                  _ body: (UnsafeMutablePointer<UnsafePointer<Float>>, UnsafeMutablePointer<Float>,
                                           UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: capacity) { sources in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity) { weights in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * capacity) { ints in
                    body(sources.baseAddress!, weights.baseAddress!, ints.baseAddress!, ints.baseAddress! + capacity)
                }
            }
        }
    }
}
