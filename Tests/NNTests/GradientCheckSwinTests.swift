import Testing
import Tensor
import TestSupport
@testable import NN

/// Gradient-check table rows for the Swin and MBConv layers (central differences).
@Suite struct GradientCheckSwinTests {
    private func expectPasses(_ report: GradientCheck.Report, _ label: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.passed, "\(label)\n\(report)", sourceLocation: sourceLocation)
    }

    @Test func squeezeExcite() {
        var rng = RandomSource(seed: 21)
        let se = SqueezeExcite(channels: 6, reduced: 3, rng: &rng)
        expectPasses(GradientCheck.check(layer: se, input: GradientCheck.input([2, 6, 3, 4], rng: &rng)), "squeeze-excite")
    }

    @Test(arguments: [false, true])
    func windowAttention(shifted: Bool) {
        var rng = RandomSource(seed: 22)
        let layer = WindowAttention(channels: 8, heads: 2, window: 2, rng: &rng)
        for p in layer.parameters { for i in 0..<p.value.count { p.value.data[i] = rng.normal() * 0.4 } }
        if shifted { layer.mask = WindowShiftMask.make(height: 4, width: 4, window: 2, shift: 1) }
        let x = GradientCheck.input([2 * 16, 8], rng: &rng)
        expectPasses(GradientCheck.check(layer: layer, input: x), "window attention shifted=\(shifted)")
    }

    @Test(arguments: [0, 2])
    func swinBlock(shift: Int) {
        var rng = RandomSource(seed: 24)
        let block = SwinBlock(channels: 8, heads: 2, window: 4, shift: shift, mlpRatio: 2, rng: &rng)
        for p in block.attention.parameters { for i in 0..<p.value.count { p.value.data[i] = rng.normal() * 0.3 } }
        let x = GradientCheck.input([1, 8, 8, 8], rng: &rng)
        expectPasses(GradientCheck.check(layer: block, input: x, options: .init(maxElementsPerVariable: 24)), "swin block shift \(shift)")
    }

    @Test func patchMerging() {
        var rng = RandomSource(seed: 25)
        let merge = PatchMerging(channels: 4, rng: &rng)
        expectPasses(GradientCheck.check(layer: merge, input: GradientCheck.input([2, 4, 4, 6], rng: &rng)), "patch merging")
    }

    @Test(arguments: [(8, 8, 1), (8, 12, 2), (6, 6, 1)])
    func mbconv(inChannels: Int, outChannels: Int, stride: Int) {
        var rng = RandomSource(seed: 26)
        let block = MBConv(inChannels, outChannels, expandRatio: inChannels == 6 ? 1 : 3, stride: stride, rng: &rng)
        let x = GradientCheck.input([2, inChannels, 6, 6], rng: &rng)
        expectPasses(GradientCheck.check(layer: block, input: x, options: .init(maxElementsPerVariable: 24)),
                     "mbconv \(inChannels)->\(outChannels) stride \(stride)")
    }

    @Test func cyclicShiftAndPartitionArePermutationsWithTransposeBackward() {
        var rng = RandomSource(seed: 23)
        let x = GradientCheck.input([2, 3, 4, 6], rng: &rng)
        let roll = GradientCheck.check([("x", x)], forward: { CyclicShift.roll(x, dy: -1, dx: 2) },
                                       backward: { [CyclicShift.rollBackward($0, dy: -1, dx: 2)] })
        expectPasses(roll, "cyclic shift")
        let tokens = GradientCheck.input([2 * 4 * 6, 3], rng: &rng)
        let p = WindowPartition(batch: 2, height: 4, width: 6, window: 2, shift: 1)
        expectPasses(GradientCheck.check([("tokens", tokens)], forward: { p.partition(tokens) },
                                         backward: { [p.reverse($0)] }), "window partition")
        let layout = GradientCheck.check([("x", x)], forward: { WindowTokens.tokens(fromNCHW: x) },
                                         backward: { [WindowTokens.nchw(fromTokens: $0, n: 2, h: 4, w: 6)] })
        expectPasses(layout, "NCHW -> tokens")
    }
}
