import NN
import Tensor

/// Reference convolution: direct loops in Double over `ConvGeometry`, for checking the fast
/// kernels (`GEMMConvolution`, `DepthwiseConvolution`).
extension NaiveKernels {
    /// `y[n, o] = bias[o] + sum over the group's channels and taps of weight * input`.
    package static func conv2d(_ g: ConvGeometry, input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let y = Tensor(zeros: g.outputShape)
        let k = g.kernel
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / g.outPerGroup
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var sum = Double(bias?.data[o] ?? 0)
                        for ci in 0..<g.inPerGroup {
                            let c = group * g.inPerGroup + ci
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let iy = oy * g.stride - g.padding + ky * g.dilation
                                    let ix = ox * g.stride - g.padding + kx * g.dilation
                                    guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                                    sum += Double(weight.data[((o * g.inPerGroup + ci) * k + ky) * k + kx])
                                        * Double(input[n, c, iy, ix])
                                }
                            }
                        }
                        y[n, o, oy, ox] = Float(sum)
                    }
                }
            }
        }
        return y
    }

    /// Gradients of `sum(conv2d(input) * dOutput)` with respect to input, weight and bias.
    package static func conv2dBackward(_ g: ConvGeometry, input: Tensor, weight: Tensor, dOutput: Tensor)
        -> (dInput: Tensor, dWeight: Tensor, dBias: Tensor) {
        let k = g.kernel
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: weight.count)
        var db = [Double](repeating: 0, count: g.outChannels)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / g.outPerGroup
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let dy = Double(dOutput[n, o, oy, ox])
                        db[o] += dy
                        for ci in 0..<g.inPerGroup {
                            let c = group * g.inPerGroup + ci
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let iy = oy * g.stride - g.padding + ky * g.dilation
                                    let ix = ox * g.stride - g.padding + kx * g.dilation
                                    guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                                    let wi = ((o * g.inPerGroup + ci) * k + ky) * k + kx
                                    let xi = ((n * g.inChannels + c) * g.height + iy) * g.width + ix
                                    dw[wi] += dy * Double(input.data[xi])
                                    dx[xi] += dy * Double(weight.data[wi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: input.shape, values: dx.map(Float.init)),
                Tensor(shape: weight.shape, values: dw.map(Float.init)),
                Tensor(shape: [g.outChannels], values: db.map(Float.init)))
    }
}
