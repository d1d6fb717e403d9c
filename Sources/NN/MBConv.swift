import Tensor

/// The MBConv (inverted residual) block of EfficientNet, on `[N, C, H, W]` maps.
///
/// `expand` 1x1 conv (no bias) -> `bn1` -> SiLU -> `depthwise` 3x3 conv (padding 1, the
/// given stride, no bias) -> `bn2` -> SiLU -> squeeze-excite (reduced to `inChannels / 4`,
/// at least 1; SiLU inside, sigmoid gate) -> `project` 1x1 conv (no bias) -> `bn3`, plus the
/// input when stride is 1 and the channel counts match. With `expandRatio == 1` the expand
/// conv, `bn1` and its SiLU are left out. Names follow timm: `conv_pw`, `bn1`, `conv_dw`,
/// `bn2`, `se`, `conv_pwl`, `bn3`. No dropout or stochastic depth.
package final class MBConv: Layer, InferenceFusing {
    package var isTraining = true
    package var inferenceOnly = false
    package let inChannels: Int
    package let outChannels: Int
    package let stride: Int
    package let expand: Conv2d?
    package let bn1: BatchNorm2d?
    package let act1 = Activation(.silu)
    package let depthwise: Conv2d
    package let bn2: BatchNorm2d
    package let act2 = Activation(.silu)
    package let squeezeExcite: SqueezeExcite
    package let project: Conv2d
    package let bn3: BatchNorm2d

    package init(_ inChannels: Int, _ outChannels: Int, expandRatio: Int = 4, stride: Int = 1, rng: inout RandomSource) {
        precondition(expandRatio >= 1 && (stride == 1 || stride == 2), "MBConv: expandRatio >= 1 and stride 1 or 2")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        let mid = inChannels * expandRatio
        if expandRatio > 1 {
            expand = Conv2d(inChannels, mid, kernel: 1, bias: false, rng: &rng)
            bn1 = BatchNorm2d(mid)
        } else {
            expand = nil
            bn1 = nil
        }
        depthwise = Conv2d(mid, mid, kernel: 3, stride: stride, padding: 1, groups: mid, bias: false, rng: &rng)
        bn2 = BatchNorm2d(mid)
        squeezeExcite = SqueezeExcite(channels: mid, reduced: max(1, inChannels / 4), rng: &rng)
        project = Conv2d(mid, outChannels, kernel: 1, bias: false, rng: &rng)
        bn3 = BatchNorm2d(outChannels)
    }

    /// True when the block adds its input to its output.
    package var hasResidual: Bool { stride == 1 && inChannels == outChannels }

    package var children: [(String, any Module)] {
        var list: [(String, any Module)] = []
        if let expand, let bn1 { list += [("conv_pw", expand), ("bn1", bn1)] }
        return list + [("conv_dw", depthwise), ("bn2", bn2), ("se", squeezeExcite), ("conv_pwl", project), ("bn3", bn3)]
    }

    /// True when the last forward ran the inference epilogues (nothing kept for backward).
    private var forwardWasFused = false

    package func forward(_ input: Tensor) -> Tensor {
        // Inference-only (`InferenceFusing`), and batch norms may train in an inference
        // network (AdaBN re-estimates their statistics).
        forwardWasFused = inferenceOnly && !isTraining && !(bn1?.isTraining ?? false) && !bn2.isTraining && !bn3.isTraining
        if forwardWasFused { return inferenceForward(input) }
        var h = input
        if let expand, let bn1 {
            h = act1.profiledForward("act1", bn1.profiledForward("bn1", expand.profiledForward("conv_pw", h)))
        }
        h = act2.profiledForward("act2", bn2.profiledForward("bn2", depthwise.profiledForward("conv_dw", h)))
        let y = bn3.profiledForward("bn3", project.profiledForward("conv_pwl", squeezeExcite.profiledForward("se", h)))
        if hasResidual { OpProfile.shared.measure("residual", .forward) { y.add(input) } }
        return y
    }

    /// Inference-only: each convolution followed by its batch norm, activation and (last) the
    /// residual in one pass over its output (`ChannelEpilogue`).
    private func inferenceForward(_ input: Tensor) -> Tensor {
        let profile = OpProfile.shared
        func convolve(_ conv: Conv2d, _ x: Tensor, _ epilogue: ChannelEpilogue, _ name: String) -> Tensor {
            profile.measure(name, .forward, flops: conv.flops(inputShape: x.shape)) { conv.forward(x, epilogue: epilogue) }
        }
        var h = input
        if let expand, let bn1 { h = convolve(expand, h, ChannelEpilogue(bn1, activation: act1.kind), "conv_pw+bn1+act1") }
        h = convolve(depthwise, h, ChannelEpilogue(bn2, activation: act2.kind), "conv_dw+bn2+act2")
        let excited = squeezeExcite.profiledForward("se", h)
        return convolve(project, excited, ChannelEpilogue(bn3, activation: nil, residual: hasResidual ? input : nil),
                        "conv_pwl+bn3+residual")
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        precondition(!forwardWasFused, "MBConv.backward after an inference forward (run forward in training mode)")
        var d = squeezeExcite.profiledBackward("se", project.profiledBackward("conv_pwl", bn3.profiledBackward("bn3", dOutput)))
        d = depthwise.profiledBackward("conv_dw", bn2.profiledBackward("bn2", act2.profiledBackward("act2", d)))
        if let expand, let bn1 {
            d = expand.profiledBackward("conv_pw", bn1.profiledBackward("bn1", act1.profiledBackward("act1", d)))
        }
        if hasResidual { OpProfile.shared.measure("residual", .backward) { d.add(dOutput) } }
        return d
    }

    package func flops(inputShape: [Int]) -> Int {
        var total = 0
        var shape = inputShape
        func visit(_ layer: some Layer, _ outChannels: Int, _ outStride: Int = 1) {
            total += layer.flops(inputShape: shape)
            shape = [shape[0], outChannels, (shape[2] - 1) / outStride + 1, (shape[3] - 1) / outStride + 1]
        }
        let mid = depthwise.inChannels
        if let expand, let bn1 { visit(expand, mid); visit(bn1, mid); visit(act1, mid) }
        visit(depthwise, mid, stride); visit(bn2, mid); visit(act2, mid); visit(squeezeExcite, mid)
        visit(project, outChannels); visit(bn3, outChannels)
        return total
    }
}
