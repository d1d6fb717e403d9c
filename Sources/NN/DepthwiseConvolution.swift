import Tensor

/// The direct depthwise convolution kernel: one `k x k` filter per channel (multiplier 1).
///
/// Input `[N, C, H, W]`, weight `[C, 1, k, k]`, optional bias `[C]`, output
/// `[N, C, outHeight, outWidth]` (see `ConvGeometry`). For stride 1 each filter tap is one
/// vectorised `axpy` over the valid part of an output row (no im2col, no padding copies);
/// other strides use a scalar gather. Forward splits over the N x C planes; backward splits over
/// channels (each thread owns its channels' weight gradients, so no reduction is needed).
package enum DepthwiseConvolution {
    package static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        precondition(g.isDepthwise || (g.groups == 1 && g.inChannels == 1 && g.outChannels == 1), "not a depthwise geometry")
        let (k, s, p, d, c) = (g.kernel, g.stride, g.padding, g.dilation, g.inChannels)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        let columns = (0..<k).map { kx in g.validRange(offset: kx * d - p, extent: w, outExtent: ow) }
        columns.withUnsafeBufferPointer { columns in
            Parallel.forEach(g.batch * c) { plane in
                let channel = plane % c
                let src = input + plane * h * w, dst = output + plane * oh * ow
                let taps = weight + channel * k * k
                let b = bias?[channel] ?? 0
                for oy in 0..<oh {
                    let row = dst + oy * ow
                    row.update(repeating: b, count: ow)
                    for ky in 0..<k {
                        let iy = oy * s + ky * d - p
                        guard iy >= 0 && iy < h else { continue }
                        let line = src + iy * w
                        for kx in 0..<k {
                            let cols = columns[kx], tap = taps[ky * k + kx], offset = kx * d - p
                            if s == 1 {
                                Vector.axpy(cols.count, tap, line + offset + cols.lowerBound, row + cols.lowerBound)
                            } else {
                                for ox in cols { row[ox] += tap * line[ox * s + offset] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds `dInput`, `dWeight` and `dBias` (each optional) for upstream `dOutput`.
    package static func backward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                 dOutput: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?,
                                 dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?) {
        let (k, s, p, d, c) = (g.kernel, g.stride, g.padding, g.dilation, g.inChannels)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        let columns = (0..<k).map { kx in g.validRange(offset: kx * d - p, extent: w, outExtent: ow) }
        columns.withUnsafeBufferPointer { columns in
            Parallel.forEach(c) { channel in
                let taps = weight + channel * k * k
                var tapGradient = [Float](repeating: 0, count: k * k)
                var biasGradient: Float = 0
                tapGradient.withUnsafeMutableBufferPointer { dTaps in
                    for n in 0..<g.batch {
                        let plane = n * c + channel
                        let src = input + plane * h * w, dSrc = dInput.map { $0 + plane * h * w }
                        let dy = dOutput + plane * oh * ow
                        for oy in 0..<oh {
                            let row = dy + oy * ow
                            biasGradient += Vector.sum(ow, row)
                            for ky in 0..<k {
                                let iy = oy * s + ky * d - p
                                guard iy >= 0 && iy < h else { continue }
                                for kx in 0..<k {
                                    let cols = columns[kx], offset = iy * w + kx * d - p
                                    guard !cols.isEmpty else { continue }
                                    if s == 1 {
                                        let lo = cols.lowerBound
                                        dTaps[ky * k + kx] += Vector.dot(cols.count, row + lo, src + offset + lo)
                                        if let dSrc { Vector.axpy(cols.count, taps[ky * k + kx], row + lo, dSrc + offset + lo) }
                                    } else {
                                        var acc: Float = 0
                                        let tap = taps[ky * k + kx]
                                        for ox in cols {
                                            acc += row[ox] * src[offset + ox * s]
                                            dSrc?[offset + ox * s] += tap * row[ox]
                                        }
                                        dTaps[ky * k + kx] += acc
                                    }
                                }
                            }
                        }
                    }
                }
                if let dWeight { for i in 0..<k * k { dWeight[channel * k * k + i] += tapGradient[i] } }
                dBias?[channel] += biasGradient
            }
        }
    }
}
