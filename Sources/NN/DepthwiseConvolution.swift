import Tensor

/// The direct depthwise convolution kernel: one `k x k` filter per channel (multiplier 1).
///
/// Input `[N, C, H, W]`, weight `[C, 1, k, k]`, optional bias `[C]`, output
/// `[N, C, outHeight, outWidth]` (see `ConvGeometry`). Stride 1 (the network's case) runs
/// vectorised row kernels (`accumulateRow`, `correlateRow`): no im2col, no padded copies, all
/// taps of eight outputs gathered in registers. Other strides run a plain scalar loop.
/// Forward splits over the N x C planes; backward splits over channels (each thread owns its
/// channels' weight and bias gradients, so no reduction is needed).
package enum DepthwiseConvolution {
    package static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                                epilogue: ChannelEpilogue? = nil) {
        precondition(g.isDepthwise || (g.inChannels == 1 && g.outChannels == 1), "not a depthwise geometry: \(g)")
        let (k, s, p, d, c) = (g.kernel, g.stride, g.padding, g.dilation, g.inChannels)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        if is3x3Same(g) {
            let zeros = [Float](repeating: 0, count: w + 16)
            zeros.withUnsafeBufferPointer { zeros in
                Parallel.forEach(g.batch * c) { plane in
                    plane3x3(src: input + plane * h * w, dst: output + plane * h * w, taps: weight + (plane % c) * 9,
                             bias: bias?[plane % c] ?? 0, accumulate: false, height: h, width: w, zeros: zeros.baseAddress!)
                    epilogue?.apply(output, offset: plane * h * w, count: h * w, channel: plane % c)
                }
            }
            return
        }
        // Taps sit at horizontal offsets kx*d - p; all are in range for x in p ..< w - ((k-1)d - p).
        let interior = (lo: p, hi: w - ((k - 1) * d - p))
        Parallel.forEach(g.batch * c) { plane in
            let channel = plane % c
            let src = input + plane * h * w, dst = output + plane * oh * ow
            let taps = weight + channel * k * k
            let b = bias?[channel] ?? 0
            withTapScratch(k * k) { sources, weights, offsets, _ in
                for oy in 0..<oh {
                    let row = dst + oy * ow
                    row.update(repeating: b, count: ow)
                    if s == 1 {
                        var n = 0
                        for ky in 0..<k {
                            let iy = oy + ky * d - p
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<k {
                                sources[n] = UnsafePointer(src + iy * w + kx * d - p)
                                weights[n] = taps[ky * k + kx]
                                offsets[n] = kx * d - p
                                n += 1
                            }
                        }
                        accumulateRow(row, count: ow, srcCount: w, sources: sources, weights: weights, offsets: offsets,
                                      taps: n, interior: interior)
                    } else {
                        for ky in 0..<k {
                            let iy = oy * s + ky * d - p
                            guard iy >= 0 && iy < h else { continue }
                            for kx in 0..<k {
                                let tap = taps[ky * k + kx], offset = kx * d - p
                                for ox in g.validRange(offset: offset, extent: w, outExtent: ow) {
                                    row[ox] += tap * src[iy * w + ox * s + offset]
                                }
                            }
                        }
                    }
                }
            }
            epilogue?.apply(output, offset: plane * oh * ow, count: oh * ow, channel: channel)
        }
    }

    /// Adds `dInput`, `dWeight` and `dBias` (each optional) for upstream `dOutput`; with
    /// `overwriteInput` the input gradient is written instead of added (its memory may then
    /// start uninitialised, which saves a pass over a large tensor).
    package static func backward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                 dOutput: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?,
                                 overwriteInput: Bool = false,
                                 dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?) {
        precondition(g.isDepthwise || (g.inChannels == 1 && g.outChannels == 1), "not a depthwise geometry: \(g)")
        let (k, s, c) = (g.kernel, g.stride, g.inChannels)
        if is3x3Same(g) {
            backward3x3(g, input: input, weight: weight, dOutput: dOutput, dInput: dInput, overwriteInput: overwriteInput,
                        dWeight: dWeight, dBias: dBias)
            return
        }
        if overwriteInput, let dInput { dInput.update(repeating: 0, count: g.batch * c * g.inPlane) }
        Parallel.forEach(c) { channel in
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: k * k) { vectors in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: k * k + 1) { scalars in
                    let (acc, tail) = (vectors.baseAddress!, scalars.baseAddress!)
                    acc.initialize(repeating: .zero, count: k * k)
                    tail.initialize(repeating: 0, count: k * k + 1)
                    for n in 0..<g.batch {
                        let plane = n * c + channel
                        if s == 1 {
                            backwardPlaneStride1(g, plane: plane, input: input, weight: weight, dOutput: dOutput,
                                                 dInput: dInput, acc: acc, tail: tail)
                        } else {
                            backwardPlaneStrided(g, plane: plane, input: input, weight: weight, dOutput: dOutput,
                                                 dInput: dInput, tail: tail)
                        }
                    }
                    if let dWeight { for t in 0..<k * k { dWeight[channel * k * k + t] += acc[t].sum() + tail[t] } }
                    dBias?[channel] += tail[k * k]
                }
            }
        }
    }

    /// One plane, stride 1: `tail[k*k]` gathers the bias gradient, `acc`/`tail` the taps'.
    @inline(__always)
    private static func backwardPlaneStride1(_ g: ConvGeometry, plane: Int, input: UnsafePointer<Float>,
                                             weight: UnsafePointer<Float>, dOutput: UnsafePointer<Float>,
                                             dInput: UnsafeMutablePointer<Float>?, acc: UnsafeMutablePointer<SIMD8<Float>>,
                                             tail: UnsafeMutablePointer<Float>) {
        let (k, p, d, c) = (g.kernel, g.padding, g.dilation, g.inChannels)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        let src = input + plane * h * w, dy = dOutput + plane * oh * ow
        let taps = weight + (plane % c) * k * k
        withTapScratch(k * k) { sources, weights, offsets, tapIndex in
            for oy in 0..<oh {
                let row = dy + oy * ow
                tail[k * k] += Vector.sum(ow, row)
                var n = 0
                for ky in 0..<k {
                    let iy = oy + ky * d - p
                    guard iy >= 0 && iy < h else { continue }
                    for kx in 0..<k {
                        sources[n] = UnsafePointer(src + iy * w + kx * d - p)
                        offsets[n] = kx * d - p
                        tapIndex[n] = ky * k + kx
                        n += 1
                    }
                }
                correlateRow(row, count: ow, srcCount: w, sources: sources, offsets: offsets, taps: n,
                             into: acc, tail: tail, tapIndex: tapIndex)
            }
            guard let dInput else { return }
            // dInput row iy gathers dOutput rows oy = iy + p - ky*d at offsets p - kx*d.
            let dx = dInput + plane * h * w
            let interior = (lo: (k - 1) * d - p, hi: ow - p)
            for iy in 0..<h {
                var n = 0
                for ky in 0..<k {
                    let oy = iy + p - ky * d
                    guard oy >= 0 && oy < oh else { continue }
                    for kx in 0..<k {
                        sources[n] = dy + oy * ow + p - kx * d
                        weights[n] = taps[ky * k + kx]
                        offsets[n] = p - kx * d
                        n += 1
                    }
                }
                accumulateRow(dx + iy * w, count: w, srcCount: ow, sources: sources, weights: weights,
                              offsets: offsets, taps: n, interior: interior)
            }
        }
    }

    /// One plane, any stride, scalar: taps' gradients into `tail[0..<k*k]`, bias into `tail[k*k]`.
    private static func backwardPlaneStrided(_ g: ConvGeometry, plane: Int, input: UnsafePointer<Float>,
                                             weight: UnsafePointer<Float>, dOutput: UnsafePointer<Float>,
                                             dInput: UnsafeMutablePointer<Float>?, tail: UnsafeMutablePointer<Float>) {
        let (k, s, p, d, c) = (g.kernel, g.stride, g.padding, g.dilation, g.inChannels)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        let src = input + plane * h * w, dy = dOutput + plane * oh * ow
        let dx = dInput.map { $0 + plane * h * w }
        let taps = weight + (plane % c) * k * k
        for oy in 0..<oh {
            let row = dy + oy * ow
            tail[k * k] += Vector.sum(ow, row)
            for ky in 0..<k {
                let iy = oy * s + ky * d - p
                guard iy >= 0 && iy < h else { continue }
                for kx in 0..<k {
                    let offset = iy * w + kx * d - p, tap = taps[ky * k + kx]
                    var sum: Float = 0
                    for ox in g.validRange(offset: kx * d - p, extent: w, outExtent: ow) {
                        sum += row[ox] * src[offset + ox * s]
                        dx?[offset + ox * s] += tap * row[ox]
                    }
                    tail[ky * k + kx] += sum
                }
            }
        }
    }
}
