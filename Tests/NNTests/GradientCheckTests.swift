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

    @Test func pools() {
        var rng = RandomSource(seed: 20)
        let distinct = GradientCheck.distinctInput([2, 2, 7, 6], spacing: 0.05, rng: &rng)
        expectPasses(GradientCheck.check(layer: MaxPool2d(kernel: 2), input: distinct), "max pool 2x2")
        expectPasses(GradientCheck.check(layer: MaxPool2d(kernel: 3, stride: 2, padding: 1), input: distinct), "max pool 3x3 s2 p1")
        let x = GradientCheck.input([2, 2, 7, 6], rng: &rng)
        expectPasses(GradientCheck.check(layer: AvgPool2d(kernel: 3, stride: 2, padding: 1), input: x), "avg pool 3x3 s2 p1")
        expectPasses(GradientCheck.check(layer: AvgPool2d(kernel: 2), input: x), "avg pool 2x2")
    }

    @Test func upsampling() {
        var rng = RandomSource(seed: 21)
        let x = GradientCheck.input([2, 2, 5, 4], rng: &rng)
        for (label, layer) in [("bilinear x2", Upsample(.bilinear, scale: 2)), ("bilinear 7x9", Upsample(.bilinear, height: 7, width: 9)),
                               ("bilinear down 3x2", Upsample(.bilinear, height: 3, width: 2)),
                               ("nearest x2", Upsample(.nearest, scale: 2)), ("nearest 7x3", Upsample(.nearest, height: 7, width: 3))] {
            expectPasses(GradientCheck.check(layer: layer, input: x), label)
        }
    }

    @Test func concatSplitAndResidual() {
        var rng = RandomSource(seed: 22)
        let a = GradientCheck.input([2, 2, 3, 3], rng: &rng), b = GradientCheck.input([2, 3, 3, 3], rng: &rng)
        expectPasses(GradientCheck.check([("a", a), ("b", b)], forward: { Channels.concat([a, b]) },
                                         backward: { Channels.split($0, sizes: [2, 3]) }), "concat")
        let c = GradientCheck.input([2, 5, 3, 3], rng: &rng)
        // split, double the first part, concat again: both parts carry (different) gradient.
        expectPasses(GradientCheck.check([("c", c)], forward: {
            let parts = Channels.split(c, sizes: [3, 2])
            let out = parts[0].copy()
            out.scale(by: 2)
            return Channels.concat([out, parts[1]])
        }, backward: { dy in
            let parts = Channels.split(dy, sizes: [3, 2])
            parts[0].scale(by: 2)
            return [Channels.concat(parts)]
        }), "split")
        let d = GradientCheck.input([2, 2, 3, 3], rng: &rng)
        expectPasses(GradientCheck.check([("a", a), ("d", d)], forward: { Residual.add(a, d) },
                                         backward: { let g = Residual.backward($0); return [g.dA, g.dB] }), "residual add")
    }

    private func scalar(_ value: Float) -> Tensor { Tensor(shape: [], values: [value]) }

    @Test func crossEntropy() {
        var rng = RandomSource(seed: 23)
        let weights = Tensor(shape: [4], values: [0.5, 2, 1, 1.5])
        let logits = GradientCheck.input([5, 4], scale: 2, rng: &rng)
        let targets = [1, -100, 3, 0, 2]
        let loss = CrossEntropyLoss(classWeights: weights, labelSmoothing: 0.1)
        expectPasses(GradientCheck.check([("logits", logits)], forward: { self.scalar(loss.forward(logits, targets: targets)) },
                                         backward: { [loss.backward(scale: $0.item)] }), "cross-entropy weighted smoothed")
        let pixels = GradientCheck.input([2, 3, 2, 3], rng: &rng)
        let pixelTargets = (0..<12).map { $0 % 5 == 4 ? -100 : $0 % 3 }
        let mask = Tensor(shape: [12], values: (0..<12).map { $0 == 2 ? 0 : 1 })
        let perPixel = CrossEntropyLoss(labelSmoothing: 0.05)
        expectPasses(GradientCheck.check([("logits", pixels)], forward: {
            self.scalar(perPixel.forward(pixels, targets: pixelTargets, mask: mask))
        }, backward: { [perPixel.backward(scale: $0.item)] }), "cross-entropy per pixel with mask")
    }

    @Test func diceAndBCE() {
        var rng = RandomSource(seed: 24)
        let logits = GradientCheck.input([2, 3, 3, 3], rng: &rng)
        let targets = (0..<18).map { $0 % 7 == 6 ? -100 : ($0 * 5) % 3 }
        let dice = DiceLoss()
        expectPasses(GradientCheck.check([("logits", logits)], forward: { self.scalar(dice.forward(logits, targets: targets)) },
                                         backward: { [dice.backward(scale: $0.item)] }), "dice")
        let x = GradientCheck.input([2, 1, 3, 3], scale: 2, rng: &rng)
        let t = Tensor.randomUniform([2, 1, 3, 3], 0, 1, rng: &rng)
        let mask = Tensor(shape: [2, 1, 3, 3], values: (0..<18).map { $0 % 4 == 0 ? 0 : 1 })
        let bce = BCEWithLogitsLoss()
        expectPasses(GradientCheck.check([("logits", x)], forward: { self.scalar(bce.forward(x, targets: t, mask: mask)) },
                                         backward: { [bce.backward(scale: $0.item)] }), "bce masked")
    }

    @Test func checkerForgivesOnlyTheOutputsResolution() {
        // y = x^2 summed into one Float32 scalar near 1000, so ulp(y) = 6.1e-5 and, at step
        // 0.01, the numeric estimate moves in steps of about 3e-3 * |r|. A true gradient of
        // 2x = 0.2 with an analytic value off by 1e-4 is below that resolution; off by 0.05 it is not.
        let x = Tensor(shape: [1], values: [0.1])
        let offset: Float = 1000
        func report(error: Float) -> GradientCheck.Report {
            GradientCheck.check([("x", x)], forward: { Tensor(shape: [1], values: [offset + x.data[0] * x.data[0]]) },
                                backward: { dy in [Tensor(shape: [1], values: [(2 * x.data[0] + error) * dy.item])] })
        }
        #expect(report(error: 1e-4).passed, "\(report(error: 1e-4))")
        #expect(!report(error: 0.05).passed)
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
