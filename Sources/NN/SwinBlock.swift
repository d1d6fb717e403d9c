import Tensor

/// One Swin transformer block on `[N, C, H, W]` feature maps (tokens are pixels).
///
/// Inside, tokens are channels-last rows `[N*H*W, C]`: `t = t + reverse(attn(partition(
/// norm1(t))))`, then `t = t + fc2(gelu_erf(fc1(norm2(t))))`, with pre-norm LayerNorms
/// (eps 1e-5), window partition with the cyclic shift `(-shift, -shift)` fused in, the shift
/// mask (`WindowShiftMask`) on shifted blocks and an MLP of `mlpRatio * C` hidden units.
/// As in Swin, a map no larger than one window (`H <= window` or `W <= window`) is not
/// shifted. `H` and `W` must be multiples of `window` (no padding). Names follow timm:
/// `norm1`, `attn.qkv`, `attn.relative_position_bias_table`, `attn.proj`, `norm2`,
/// `mlp.fc1`, `mlp.fc2`. No dropout or stochastic depth.
package final class SwinBlock: Layer {
    package var isTraining = true
    package let channels: Int
    package let window: Int
    package let shift: Int
    package let norm1: LayerNorm
    package let attention: WindowAttention
    package let norm2: LayerNorm
    package let fc1: Linear
    package let activation = Activation(.geluErf)
    package let fc2: Linear

    private var geometry: (n: Int, h: Int, w: Int, shift: Int)?
    private var partition: WindowPartition?

    package init(channels: Int, heads: Int, window: Int, shift: Int, mlpRatio: Int = 4, rng: inout RandomSource) {
        precondition(shift >= 0 && shift < window, "SwinBlock: shift \(shift) must be in 0..<\(window)")
        self.channels = channels
        self.window = window
        self.shift = shift
        norm1 = LayerNorm(channels)
        attention = WindowAttention(channels: channels, heads: heads, window: window, rng: &rng)
        norm2 = LayerNorm(channels)
        fc1 = Linear(channels, mlpRatio * channels, rng: &rng)
        fc2 = Linear(mlpRatio * channels, channels, rng: &rng)
    }

    package var children: [(String, any Module)] {
        [("norm1", norm1), ("attn", attention), ("norm2", norm2), ("mlp.fc1", fc1), ("mlp.fc2", fc2)]
    }

    /// The shift actually applied on an `h x w` map.
    package func effectiveShift(height: Int, width: Int) -> Int {
        height <= window || width <= window ? 0 : shift
    }

    /// Rebuilds the partition and mask when the batch or map size changes.
    private func prepare(n: Int, h: Int, w: Int) -> WindowPartition {
        let s = effectiveShift(height: h, width: w)
        if let partition, let g = geometry, g == (n, h, w, s) { return partition }
        precondition(h % window == 0 && w % window == 0, "SwinBlock: \(h)x\(w) map is not a multiple of window \(window)")
        let made = WindowPartition(batch: n, height: h, width: w, window: window, shift: s)
        attention.mask = WindowShiftMask.make(height: h, width: w, window: window, shift: s)
        geometry = (n, h, w, s)
        partition = made
        return made
    }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(c == channels, "SwinBlock: expected \(channels) channels, got \(input.shape)")
        let partition = prepare(n: n, h: h, w: w)
        let profile = OpProfile.shared
        let tokens = profile.measure("layout", .forward) { WindowTokens.tokens(fromNCHW: input) }
        let normed = norm1.profiledForward("norm1", tokens)
        let windows = profile.measure("partition", .forward) { partition.partition(normed) }
        let attentionOutput = attention.profiledForward("attn", windows)
        let attended = profile.measure("reverse", .forward) { partition.reverse(attentionOutput) }
        profile.measure("residual", .forward) { attended.add(tokens) }
        let hidden = activation.profiledForward("mlp.act", fc1.profiledForward("mlp.fc1", norm2.profiledForward("norm2", attended)))
        let mlp = fc2.profiledForward("mlp.fc2", hidden)
        profile.measure("residual", .forward) { mlp.add(attended) }
        return profile.measure("layout", .forward) { WindowTokens.nchw(fromTokens: mlp, n: n, h: h, w: w) }
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let partition, let g = geometry else { preconditionFailure("SwinBlock.backward called before forward") }
        precondition(dOutput.shape == [g.n, channels, g.h, g.w], "SwinBlock: gradient \(dOutput.shape) for the last forward")
        let profile = OpProfile.shared
        let dTokens = profile.measure("layout", .backward) { WindowTokens.tokens(fromNCHW: dOutput) }
        let dHidden = activation.profiledBackward("mlp.act", fc2.profiledBackward("mlp.fc2", dTokens))
        let dAttended = norm2.profiledBackward("norm2", fc1.profiledBackward("mlp.fc1", dHidden))
        profile.measure("residual", .backward) { dAttended.add(dTokens) }
        let dWindows = profile.measure("reverse", .backward) { partition.partition(dAttended) }
        let dPartitioned = attention.profiledBackward("attn", dWindows)
        let dNormed = profile.measure("partition", .backward) { partition.reverse(dPartitioned) }
        let dInput = norm1.profiledBackward("norm1", dNormed)
        profile.measure("residual", .backward) { dInput.add(dAttended) }
        return profile.measure("layout", .backward) { WindowTokens.nchw(fromTokens: dInput, n: g.n, h: g.h, w: g.w) }
    }

    package func flops(inputShape: [Int]) -> Int {
        let rows = inputShape[0] * inputShape[2] * inputShape[3]
        let tokenShape = [rows, channels]
        return norm1.flops(inputShape: tokenShape) + attention.flops(inputShape: tokenShape)
            + norm2.flops(inputShape: tokenShape) + fc1.flops(inputShape: tokenShape)
            + activation.flops(inputShape: [rows, fc1.outFeatures]) + fc2.flops(inputShape: [rows, fc1.outFeatures])
    }
}
