import Foundation
import Testing
import Tensor
import NN

/// Window attention written for clarity in Double, straight from the Swin formulas.
private struct NaiveWindowAttention {
    let channels: Int, heads: Int, window: Int
    var qkvW: [Double], qkvB: [Double], table: [Double], projW: [Double], projB: [Double]
    var mask: [Double]?    // [nW, n, n]

    init(_ layer: WindowAttention) {
        channels = layer.channels; heads = layer.heads; window = layer.window
        qkvW = layer.qkvWeight.value.values.map(Double.init)
        qkvB = layer.qkvBias.value.values.map(Double.init)
        table = layer.biasTable.value.values.map(Double.init)
        projW = layer.projWeight.value.values.map(Double.init)
        projB = layer.projBias.value.values.map(Double.init)
        mask = layer.mask?.values.map(Double.init)
    }

    func forward(_ x: [Double]) -> [Double] {
        let c = channels, n = window * window, d = c / heads
        let rows = x.count / c, windows = rows / n
        let index = RelativePositionIndex(window: window).index
        var qkv = [Double](repeating: 0, count: rows * 3 * c)
        for r in 0..<rows { for o in 0..<(3 * c) {
            var s = qkvB[o]
            for i in 0..<c { s += qkvW[o * c + i] * x[r * c + i] }
            qkv[r * 3 * c + o] = s
        } }
        var context = [Double](repeating: 0, count: rows * c)
        for w in 0..<windows { for h in 0..<heads { for i in 0..<n {
            var logits = [Double](repeating: 0, count: n)
            for j in 0..<n {
                var s = 0.0
                for e in 0..<d { s += qkv[(w * n + i) * 3 * c + h * d + e] * qkv[(w * n + j) * 3 * c + c + h * d + e] }
                logits[j] = s / Double(d).squareRoot() + table[index[i * n + j] * heads + h]
                if let mask { logits[j] += mask[((w % (mask.count / (n * n))) * n + i) * n + j] }
            }
            let top = logits.max()!
            let e = logits.map { exp($0 - top) }, total = e.reduce(0, +)
            for j in 0..<n { for k in 0..<d {
                context[(w * n + i) * c + h * d + k] += e[j] / total * qkv[(w * n + j) * 3 * c + 2 * c + h * d + k]
            } }
        } } }
        var y = [Double](repeating: 0, count: rows * c)
        for r in 0..<rows { for o in 0..<c {
            var s = projB[o]
            for i in 0..<c { s += projW[o * c + i] * context[r * c + i] }
            y[r * c + o] = s
        } }
        return y
    }
}

@Suite struct WindowAttentionTests {
    private func makeLayer(shifted: Bool) -> (WindowAttention, Tensor) {
        var rng = RandomSource(seed: shifted ? 11 : 10)
        let layer = WindowAttention(channels: 6, heads: 2, window: 2, rng: &rng)
        // Larger-than-init weights so softmax is far from uniform and every term matters.
        for p in layer.parameters { for i in 0..<p.value.count { p.value.data[i] = rng.normal() * 0.5 } }
        if shifted { layer.mask = WindowShiftMask.make(height: 4, width: 4, window: 2, shift: 1) }
        let x = Tensor.randomNormal([2 * 4 * 4, 6], rng: &rng)   // 2 images, 4 windows each
        return (layer, x)
    }

    @Test(arguments: [false, true]) func forwardMatchesNaiveReference(shifted: Bool) {
        let (layer, x) = makeLayer(shifted: shifted)
        let y = layer.forward(x)
        let expected = NaiveWindowAttention(layer).forward(x.values.map(Double.init))
        let scale = expected.map(abs).max()!
        for i in 0..<y.count { #expect(abs(Double(y.data[i]) - expected[i]) <= 1e-5 * scale, "element \(i)") }
    }

    /// Backward against central differences of the Double reference (loss = sum(y * dy)).
    @Test(arguments: [false, true]) func backwardMatchesFiniteDifferencesOfReference(shifted: Bool) {
        let (layer, x) = makeLayer(shifted: shifted)
        var rng = RandomSource(seed: 99)
        let dy = Tensor.randomNormal([x.shape[0], 6], rng: &rng)
        layer.zeroGrad()
        _ = layer.forward(x)
        let dx = layer.backward(dy)
        let dyD = dy.values.map(Double.init)
        let base = NaiveWindowAttention(layer)
        func loss(_ f: NaiveWindowAttention, _ input: [Double]) -> Double {
            zip(f.forward(input), dyD).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let h = 1e-5
        func check(_ name: String, analytic: [Float], perturb: (inout NaiveWindowAttention, inout [Double], Int, Double) -> Void) {
            var numeric = [Double]()
            for i in 0..<analytic.count {
                var (f1, x1) = (base, x.values.map(Double.init)); perturb(&f1, &x1, i, h)
                var (f2, x2) = (base, x.values.map(Double.init)); perturb(&f2, &x2, i, -h)
                numeric.append((loss(f1, x1) - loss(f2, x2)) / (2 * h))
            }
            let scale = max(numeric.map(abs).max()!, 1e-12)
            let worst = zip(analytic, numeric).map { abs(Double($0) - $1) }.max()!
            #expect(worst <= 1e-4 * scale, "\(name): worst error \(worst) vs scale \(scale)")
        }
        check("dx", analytic: dx.values) { _, x, i, e in x[i] += e }
        check("qkv.weight", analytic: layer.qkvWeight.grad.values) { f, _, i, e in f.qkvW[i] += e }
        check("qkv.bias", analytic: layer.qkvBias.grad.values) { f, _, i, e in f.qkvB[i] += e }
        check("table", analytic: layer.biasTable.grad.values) { f, _, i, e in f.table[i] += e }
        check("proj.weight", analytic: layer.projWeight.grad.values) { f, _, i, e in f.projW[i] += e }
        check("proj.bias", analytic: layer.projBias.grad.values) { f, _, i, e in f.projB[i] += e }
    }

    @Test func flopsCountProjectionsAndAttention() {
        var rng = RandomSource(seed: 1)
        let layer = WindowAttention(channels: 96, heads: 4, window: 4, rng: &rng)
        // 32 images of 8x8 tokens = 2048 rows, 128 windows of 16 tokens, head dim 24.
        let expected = 2 * 2048 * 96 * 288 + 2 * 2048 * 96 * 96 + 128 * 4 * 2 * (2 * 16 * 16 * 24)
        #expect(layer.flops(inputShape: [2048, 96]) == expected)
        #expect(layer.parameterCount == 288 * 96 + 288 + 49 * 4 + 96 * 96 + 96)
    }
}
