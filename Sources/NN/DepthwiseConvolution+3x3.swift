import Tensor

/// The specialised depthwise kernel for 3x3, stride 1, padding 1, dilation 1 (the network's
/// depthwise convolution): all nine taps unrolled, weights held in registers, missing rows
/// read from a shared zero row, so the interior of a plane runs branch-free on eight outputs
/// at a time. Output planes have the input's size.
extension DepthwiseConvolution {
    static func is3x3Same(_ g: ConvGeometry) -> Bool {
        g.kernel == 3 && g.stride == 1 && g.padding == 1 && g.dilation == 1
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// `dst = base + correlate(src, taps)` over one `h x w` plane with zero padding, where
    /// `base` is `dst` itself when `accumulate`, else `bias`. `zeros` holds at least `w` zeros.
    @inline(__always)
    static func plane3x3(src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>, taps t: UnsafePointer<Float>,
                         bias: Float, accumulate: Bool, height h: Int, width w: Int, zeros: UnsafePointer<Float>) {
        let (k0, k1, k2) = (SIMD8(repeating: t[0]), SIMD8(repeating: t[1]), SIMD8(repeating: t[2]))
        let (k3, k4, k5) = (SIMD8(repeating: t[3]), SIMD8(repeating: t[4]), SIMD8(repeating: t[5]))
        let (k6, k7, k8) = (SIMD8(repeating: t[6]), SIMD8(repeating: t[7]), SIMD8(repeating: t[8]))
        let biasVector = SIMD8<Float>(repeating: bias)
        for y in 0..<h {
            let r0 = y > 0 ? src + (y - 1) * w : zeros
            let r1 = src + y * w
            let r2 = y < h - 1 ? src + (y + 1) * w : zeros
            let out = dst + y * w
            @inline(__always) func vector(_ x: Int) -> SIMD8<Float> {
                var acc = accumulate ? load(out + x) : biasVector
                acc.addProduct(k0, load(r0 + x - 1)); acc.addProduct(k1, load(r0 + x)); acc.addProduct(k2, load(r0 + x + 1))
                acc.addProduct(k3, load(r1 + x - 1)); acc.addProduct(k4, load(r1 + x)); acc.addProduct(k5, load(r1 + x + 1))
                acc.addProduct(k6, load(r2 + x - 1)); acc.addProduct(k7, load(r2 + x)); acc.addProduct(k8, load(r2 + x + 1))
                return acc
            }
            @inline(__always) func scalar(_ x: Int) {
                var acc = accumulate ? out[x] : bias
                for kx in 0..<3 where x - 1 + kx >= 0 && x - 1 + kx < w {
                    acc += t[kx] * r0[x - 1 + kx] + t[3 + kx] * r1[x - 1 + kx] + t[6 + kx] * r2[x - 1 + kx]
                }
                out[x] = acc
            }
            // Interior 1 ..< w-1: every horizontal tap in range.
            let (lo, hi) = (min(1, w), max(w - 1, min(1, w)))
            for x in 0..<lo { scalar(x) }
            if hi - lo >= 8 {
                let tail = vector(hi - 8)
                var x = lo
                while x + 8 <= hi - 8 {
                    UnsafeMutableRawPointer(out + x).storeBytes(of: vector(x), as: SIMD8<Float>.self)
                    x += 8
                }
                if x < hi - 8 { UnsafeMutableRawPointer(out + x).storeBytes(of: vector(x), as: SIMD8<Float>.self) }
                UnsafeMutableRawPointer(out + hi - 8).storeBytes(of: tail, as: SIMD8<Float>.self)
            } else {
                for x in lo..<hi { scalar(x) }
            }
            for x in hi..<w { scalar(x) }
        }
    }

    /// Adds into `gradient[0..<9]` the taps' gradients and into `gradient[9]` the bias gradient
    /// of one plane: `sum_y,x dy[y, x] * src[y + ky - 1, x + kx - 1]` and `sum dy`.
    ///
    /// One pass per horizontal tap offset, each with three accumulators (one per row): with all
    /// nine taps in one loop the compiler rebuilt the shifted loads from shuffles, 3x slower.
    @inline(__always)
    static func weightGradient3x3(src: UnsafePointer<Float>, dy: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                  height h: Int, width w: Int, zeros: UnsafePointer<Float>) {
        let (lo, hi) = (min(1, w), max(w - 1, min(1, w)))
        for y in 0..<h {
            let r0 = y > 0 ? src + (y - 1) * w : zeros
            let r1 = src + y * w
            let r2 = y < h - 1 ? src + (y + 1) * w : zeros
            let row = dy + y * w
            gradient[9] += Vector.sum(w, row)
            for kx in 0..<3 {
                let o = kx - 1
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
                var x = lo
                while x + 8 <= hi {
                    let d = load(row + x)
                    a0.addProduct(d, load(r0 + x + o))
                    a1.addProduct(d, load(r1 + x + o))
                    a2.addProduct(d, load(r2 + x + o))
                    x += 8
                }
                if x < hi && hi - lo >= 8 {
                    // The overlapping last vector, with the lanes already counted masked to zero.
                    let start = hi - 8
                    let fresh = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Int32>(repeating: Int32(x - start))
                    let d = SIMD8<Float>(repeating: 0).replacing(with: load(row + start), where: fresh)
                    a0.addProduct(d, load(r0 + start + o))
                    a1.addProduct(d, load(r1 + start + o))
                    a2.addProduct(d, load(r2 + start + o))
                    x = hi
                }
                var (s0, s1, s2) = (a0.sum(), a1.sum(), a2.sum())
                @inline(__always) func scalar(_ x: Int) {
                    guard x + o >= 0 && x + o < w else { return }
                    s0 += row[x] * r0[x + o]
                    s1 += row[x] * r1[x + o]
                    s2 += row[x] * r2[x + o]
                }
                for edge in 0..<lo { scalar(edge) }
                for rest in x..<w { scalar(rest) }
                gradient[kx] += s0
                gradient[3 + kx] += s1
                gradient[6 + kx] += s2
            }
        }
    }

    /// Backward of the 3x3 "same" case: `dInput` is the forward kernel with the taps rotated by
    /// 180 degrees; weight and bias gradients come from `weightGradient3x3`. Planes are visited
    /// in memory order (split over threads like forward); each plane's tap and bias gradients
    /// go to its own slot and are summed over the batch afterwards, in a fixed order.
    static func backward3x3(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                            dOutput: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?, overwriteInput: Bool,
                            dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?) {
        let (n, c, h, w) = (g.batch, g.inChannels, g.height, g.width)
        let zeros = [Float](repeating: 0, count: w + 16)
        let partials = Tensor(zeros: [n * c, 10])
        zeros.withUnsafeBufferPointer { zeros in
            let zeros = zeros.baseAddress!
            Parallel.forEach(n * c) { plane in
                let channel = plane % c, offset = plane * h * w
                if dWeight != nil || dBias != nil {
                    weightGradient3x3(src: input + offset, dy: dOutput + offset, gradient: partials.data + plane * 10,
                                      height: h, width: w, zeros: zeros)
                }
                guard let dInput else { return }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 9) { rotated in
                    for t in 0..<9 { rotated[t] = weight[channel * 9 + 8 - t] }
                    plane3x3(src: dOutput + offset, dst: dInput + offset, taps: rotated.baseAddress!, bias: 0,
                             accumulate: !overwriteInput, height: h, width: w, zeros: zeros)
                }
            }
        }
        for image in 0..<n {
            for channel in 0..<c {
                let slot = partials.data + (image * c + channel) * 10
                if let dWeight { for t in 0..<9 { dWeight[channel * 9 + t] += slot[t] } }
                dBias?[channel] += slot[9]
            }
        }
    }
}
