import Tensor

extension Benchmark {
    /// The cases of `leuko bench engine` (issue 3), at the given batch size:
    /// - `conv3x3_24_64x64`: 3x3 conv 24 -> 32 channels, padding 1, on 64x64 maps;
    /// - `conv3x3_64_32x32`: 3x3 conv 64 -> 64, padding 1, on 32x32;
    /// - `depthwise3x3_192_32x32`: depthwise 3x3 on 192 channels, padding 1, on 32x32;
    /// - `window_attention_96_8x8`: window attention on 96 channels, 8x8 tokens per image
    ///   (window 4 as in stage 3 of the network, so 4 windows of 16 tokens), 4 heads, with
    ///   its qkv and output projections; input is token rows `[B*64, 96]`.
    /// Convs have no bias, as in the network (a norm follows each).
    package static func engineCases(batch: Int) -> [Case] {
        [
            Case(name: "conv3x3_24_64x64", inputShape: [batch, 24, 64, 64]) { rng in
                Conv2d(24, 32, kernel: 3, padding: 1, bias: false, rng: &rng)
            },
            Case(name: "conv3x3_64_32x32", inputShape: [batch, 64, 32, 32]) { rng in
                Conv2d(64, 64, kernel: 3, padding: 1, bias: false, rng: &rng)
            },
            Case(name: "depthwise3x3_192_32x32", inputShape: [batch, 192, 32, 32]) { rng in
                Conv2d(192, 192, kernel: 3, padding: 1, groups: 192, bias: false, rng: &rng)
            },
            Case(name: "window_attention_96_8x8", inputShape: [batch * 64, 96]) { rng in
                WindowAttention(channels: 96, heads: 4, window: 4, rng: &rng)
            },
        ]
    }
}
