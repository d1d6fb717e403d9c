import Tensor

/// A 2-D convolution layer (PyTorch `nn.Conv2d` semantics, square kernel, zero padding).
///
/// Input `[N, inChannels, H, W]`, output `[N, outChannels, H', W']` (see `ConvGeometry`).
/// `weight` is `[outChannels, inChannels / groups, k, k]`, `bias` `[outChannels]` (no decay);
/// both initialised `U(-1/sqrt(fanIn), 1/sqrt(fanIn))` like PyTorch. Depthwise geometries
/// (groups == in == out) run the direct kernel `DepthwiseConvolution`; all others run
/// `GEMMConvolution` (im2col + sgemm, 1x1 without im2col). Forward keeps a reference to its input.
package final class Conv2d: Layer {
    package let inChannels: Int
    package let outChannels: Int
    package let kernel: Int
    package let stride: Int
    package let padding: Int
    package let dilation: Int
    package let groups: Int
    package let weight: Parameter
    package let bias: Parameter?
    package var isTraining = true
    private var input: Tensor?

    package init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                 dilation: Int = 1, groups: Int = 1, bias: Bool = true, rng: inout RandomSource) {
        precondition(inChannels > 0 && outChannels > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d(\(inChannels) -> \(outChannels), groups \(groups)): channels must divide into groups")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        let fanIn = inChannels / groups * kernel * kernel
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Parameter(name: "weight",
                           value: .randomUniform([outChannels, inChannels / groups, kernel, kernel], -bound, bound, rng: &rng))
        self.bias = bias ? Parameter(name: "bias", value: .randomUniform([outChannels], -bound, bound, rng: &rng), decays: false) : nil
    }

    package var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// The geometry for an input of `shape` (`[N, C, H, W]`).
    package func geometry(for shape: [Int]) -> ConvGeometry {
        precondition(shape.count == 4 && shape[1] == inChannels, "Conv2d(\(inChannels) -> \(outChannels)): input \(shape)")
        return ConvGeometry(batch: shape[0], inChannels: inChannels, height: shape[2], width: shape[3],
                            outChannels: outChannels, kernel: kernel, stride: stride, padding: padding,
                            dilation: dilation, groups: groups)
    }

    package func forward(_ input: Tensor) -> Tensor { forward(input, epilogue: nil) }

    /// The convolution followed by `epilogue` (inference: batch norm, activation, residual),
    /// applied to each part of the output as the kernel finishes it.
    package func forward(_ input: Tensor, epilogue: ChannelEpilogue?) -> Tensor {
        let g = geometry(for: input.shape)
        self.input = input
        let output = Tensor(uninitialized: g.outputShape)
        if g.isDepthwise {
            DepthwiseConvolution.forward(g, input: input.data, weight: weight.value.data,
                                         bias: bias?.value.data, output: output.data, epilogue: epilogue)
        } else {
            GEMMConvolution.forward(g, input: input.data, weight: weight.value.data,
                                    bias: bias?.value.data, output: output.data, epilogue: epilogue)
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Conv2d.backward called before forward") }
        let g = geometry(for: input.shape)
        precondition(dOutput.shape == g.outputShape, "Conv2d: dOutput \(dOutput.shape), expected \(g.outputShape)")
        if g.isDepthwise {
            let dInput = Tensor(uninitialized: input.shape)
            DepthwiseConvolution.backward(g, input: input.data, weight: weight.value.data, dOutput: dOutput.data,
                                          dInput: dInput.data, overwriteInput: true,
                                          dWeight: weight.grad.data, dBias: bias?.grad.data)
            return dInput
        }
        let dInput = Tensor(zeros: input.shape)
        GEMMConvolution.backward(g, input: input.data, weight: weight.value.data, dOutput: dOutput.data,
                                 dInput: dInput.data, dWeight: weight.grad.data, dBias: bias?.grad.data)
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { geometry(for: inputShape).flops }
}
