import Tensor

extension Benchmark {
    /// The cases of `leuko bench engine` (issue 3), at the given batch size:
    /// window attention on 96 channels, 8x8 tokens per image (window 4 as in stage 3 of the
    /// network, so 4 windows of 16 tokens), 4 heads; its input is token rows `[B*64, 96]`.
    package static func engineCases(batch: Int) -> [Case] {
        [
            Case(name: "window_attention_96_8x8", inputShape: [batch * 64, 96]) { rng in
                WindowAttention(channels: 96, heads: 4, window: 4, rng: &rng)
            },
        ]
    }
}
