import Testing
@testable import NN
import Tensor

/// The inference epilogue (batch norm folded into a scale and shift, activation, residual in
/// one pass) gives what the layers give one after another, within 1e-5.
@Suite struct ChannelEpilogueTests {
    /// Non-trivial running statistics and affine weights.
    static func randomise(_ norm: BatchNorm2d, _ rng: inout RandomSource) {
        for c in 0..<norm.channels {
            norm.runningMean.data[c] = rng.uniform() - 0.5
            norm.runningVar.data[c] = 0.2 + rng.uniform()
            norm.weight.value.data[c] = 0.5 + rng.uniform()
            norm.bias.value.data[c] = rng.uniform() - 0.5
        }
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: [Activation.Kind?.none, .silu, .sigmoid, .relu, .geluErf])
    func epilogueMatchesBatchNormThenActivation(kind: Activation.Kind?) {
        var rng = RandomSource(seed: 5)
        let norm = BatchNorm2d(5)
        Self.randomise(norm, &rng)
        norm.setTraining(false)
        // 7x5 planes: 35 values, so both the 8-lane loop and the scalar tail run.
        let x = Tensor.randomUniform([2, 5, 7, 5], -3, 3, rng: &rng), residual = Tensor.randomUniform([2, 5, 7, 5], -1, 1, rng: &rng)
        var expected = norm.forward(x)
        if let kind { expected = Activation(kind).forward(expected) }
        expected.add(residual)
        let fused = x.copy()
        ChannelEpilogue(norm, activation: kind, residual: residual).apply(to: fused)
        #expect(Self.maxDifference(fused, expected) < 1e-5)
    }

    @Test func mbConvInferenceMatchesItsLayersOneAfterAnother() {
        var rng = RandomSource(seed: 6)
        for (inChannels, outChannels, stride) in [(8, 8, 1), (6, 10, 2)] {
            let block = MBConv(inChannels, outChannels, stride: stride, rng: &rng)
            for case let norm as BatchNorm2d in block.children.map(\.1) { Self.randomise(norm, &rng) }
            block.setTraining(false)
            block.setInferenceOnly(true)
            let x = Tensor.randomUniform([2, inChannels, 9, 9], -1, 1, rng: &rng)
            var h = block.act1.forward(block.bn1!.forward(block.expand!.forward(x)))
            h = block.act2.forward(block.bn2.forward(block.depthwise.forward(h)))
            let expected = block.bn3.forward(block.project.forward(block.squeezeExcite.forward(h)))
            if block.hasResidual { expected.add(x) }
            #expect(Self.maxDifference(block.forward(x), expected) < 1e-5, "\(inChannels) -> \(outChannels), stride \(stride)")
        }
    }
}

extension ChannelEpilogueTests {
    /// Applied inside each convolution kernel, span by span, the epilogue gives what it gives
    /// applied afterwards to the whole output: dense, pointwise, grouped, depthwise 3x3 same
    /// and strided, with and without a residual, on 1 and 2 threads.
    @Test(arguments: [(8, 12, 3, 1, 1), (8, 12, 1, 1, 1), (8, 16, 3, 1, 4), (8, 8, 3, 1, 8), (8, 8, 3, 2, 8), (8, 8, 5, 1, 8)])
    func kernelsApplyTheEpilogueToEverySpan(case c: (inChannels: Int, outChannels: Int, kernel: Int, stride: Int, groups: Int)) {
        var rng = RandomSource(seed: 9)
        let conv = Conv2d(c.inChannels, c.outChannels, kernel: c.kernel, stride: c.stride, padding: c.kernel / 2,
                          groups: c.groups, bias: false, rng: &rng)
        let norm = BatchNorm2d(c.outChannels)
        Self.randomise(norm, &rng)
        // 3 images of 40x40 (the banded GEMM path cuts several bands per image).
        let x = Tensor.randomUniform([3, c.inChannels, 40, 40], -1, 1, rng: &rng)
        let plain = conv.forward(x)
        let residual = c.inChannels == c.outChannels && c.stride == 1 ? x : nil
        let epilogue = ChannelEpilogue(norm, activation: .silu, residual: residual)
        let expected = plain.copy()
        epilogue.apply(to: expected)
        let saved = Parallel.threadCount
        defer { Parallel.setThreads(saved) }
        for threads in [1, 2] {
            Parallel.setThreads(threads)
            let fused = conv.forward(x, epilogue: epilogue)
            #expect(fused.values == expected.values, "\(c), \(threads) threads")
        }
    }
}
