import Testing
import Tensor
import TestSupport
@testable import NN

/// The gradient-check table: every differentiable op against central differences.
///
/// Small shapes keep this fast in debug builds; inputs stay away from kinks.
@Suite struct GradientCheckTests {
    private func expectPasses(_ report: GradientCheck.Report, _ label: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.passed, "\(label)\n\(report)", sourceLocation: sourceLocation)
    }

    @Test(arguments: Activation.Kind.allCases)
    func activation(kind: Activation.Kind) {
        var rng = RandomSource(seed: 11)
        let kinks: [Float] = switch kind {
        case .relu: [0]
        case .hardswish: [-3, 3]
        default: []
        }
        let x = GradientCheck.input([2, 3, 4, 5], scale: 2, avoiding: kinks, rng: &rng)
        expectPasses(GradientCheck.check(layer: Activation(kind), input: x), "\(kind)")
    }

    @Test func linear() {
        var rng = RandomSource(seed: 12)
        let layer = Linear(6, 4, rng: &rng)
        expectPasses(GradientCheck.check(layer: layer, input: GradientCheck.input([2, 3, 6], rng: &rng)), "linear tokens")
        let noBias = Linear(5, 3, bias: false, rng: &rng)
        expectPasses(GradientCheck.check(layer: noBias, input: GradientCheck.input([4, 5], rng: &rng)), "linear no bias")
    }

    @Test(arguments: [
        (3, 1, 1, 1, 1, 4, 5),   // kernel, stride, padding, dilation, groups, in, out
        (3, 2, 1, 1, 1, 3, 4),
        (1, 1, 0, 1, 1, 4, 3),
        (3, 1, 2, 2, 2, 4, 6),
        (3, 1, 1, 1, 4, 4, 4),   // depthwise, direct kernel
        (3, 2, 1, 1, 4, 4, 4),   // depthwise, stride 2
    ])
    func conv2d(kernel: Int, stride: Int, padding: Int, dilation: Int, groups: Int, inChannels: Int, outChannels: Int) {
        var rng = RandomSource(seed: 14)
        let layer = Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: padding,
                           dilation: dilation, groups: groups, rng: &rng)
        let x = GradientCheck.input([2, inChannels, 6, 7], rng: &rng)
        expectPasses(GradientCheck.check(layer: layer, input: x), "conv2d k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups)")
    }

    @Test(arguments: [true, false])
    func batchNorm(training: Bool) {
        var rng = RandomSource(seed: 15)
        let layer = BatchNorm2d(3)
        layer.weight.value.assign(GradientCheck.input([3], rng: &rng))
        layer.bias.value.assign(GradientCheck.input([3], rng: &rng))
        layer.runningMean.assign(GradientCheck.input([3], scale: 0.3, rng: &rng))
        layer.runningVar.fill(1.5)
        layer.setTraining(training)
        expectPasses(GradientCheck.check(layer: layer, input: GradientCheck.input([3, 3, 4, 5], rng: &rng)),
                     "batch norm training=\(training)")
    }

    @Test func layerNorm() {
        var rng = RandomSource(seed: 16)
        for (axis, shape) in [(LayerNorm.Axis.last, [2, 5, 6]), (.channels, [2, 6, 3, 4])] {
            let layer = LayerNorm(6, axis: axis)
            layer.weight.value.assign(GradientCheck.input([6], rng: &rng))
            layer.bias.value.assign(GradientCheck.input([6], rng: &rng))
            expectPasses(GradientCheck.check(layer: layer, input: GradientCheck.input(shape, rng: &rng)), "layer norm \(axis)")
        }
    }

    @Test func groupNorm() {
        var rng = RandomSource(seed: 17)
        let layer = GroupNorm(groups: 3, channels: 6)
        layer.weight.value.assign(GradientCheck.input([6], rng: &rng))
        layer.bias.value.assign(GradientCheck.input([6], rng: &rng))
        expectPasses(GradientCheck.check(layer: layer, input: GradientCheck.input([2, 6, 3, 4], rng: &rng)), "group norm")
    }

    @Test func softmaxAndGlobalPool() {
        var rng = RandomSource(seed: 18)
        expectPasses(GradientCheck.check(layer: Softmax(), input: GradientCheck.input([3, 4, 7], scale: 2, rng: &rng)), "softmax")
        expectPasses(GradientCheck.check(layer: GlobalAvgPool(), input: GradientCheck.input([2, 3, 4, 5], rng: &rng)), "global pool")
    }

    @Test func dropoutWithFixedMask() {
        var rng = RandomSource(seed: 19)
        let x = GradientCheck.input([2, 3, 4, 4], rng: &rng)
        var layer = Dropout(0.3, seed: 5)
        // A fresh layer per forward replays the same mask, so the function is fixed.
        let report = GradientCheck.check([("input", x)], forward: {
            layer = Dropout(0.3, seed: 5)
            return layer.forward(x)
        }, backward: { [layer.backward($0)] })
        expectPasses(report, "dropout")
    }

    @Test func checkerCatchesAWrongGradient() {
        // A deliberately wrong backward (2x the true gradient) must fail the check.
        var rng = RandomSource(seed: 13)
        let x = GradientCheck.input([10], rng: &rng)
        let report = GradientCheck.check([("x", x)], forward: {
            let y = Tensor(zeros: [10])
            for i in 0..<10 { y.data[i] = x.data[i] * x.data[i] }
            return y
        }, backward: { dy in
            let dx = Tensor(zeros: [10])
            for i in 0..<10 { dx.data[i] = 4 * x.data[i] * dy.data[i] }
            return [dx]
        })
        #expect(!report.passed)
        #expect(report.maxError > 0.4)
    }
}
