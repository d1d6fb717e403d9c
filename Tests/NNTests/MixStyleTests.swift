import Testing
import Tensor
import NN
import TestSupport

@Suite struct MixStyleTests {
    /// Per-(image, channel) mean and biased standard deviation of `[N, C, H, W]`.
    private func statistics(_ t: Tensor) -> (mean: [Double], std: [Double]) {
        let (n, c, h, w) = t.nchw
        let plane = h * w, values = t.values
        var mean: [Double] = [], std: [Double] = []
        for nc in 0..<(n * c) {
            let x = values[(nc * plane)..<((nc + 1) * plane)].map(Double.init)
            let mu = x.reduce(0, +) / Double(plane)
            mean.append(mu)
            std.append((x.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(plane)).squareRoot())
        }
        return (mean, std)
    }

    @Test func eachImageTakesTheMixOfItsOwnAndItsPartnersStatistics() throws {
        var rng = RandomSource(seed: 3)
        let x = Tensor.randomNormal([6, 3, 5, 4], rng: &rng)
        for i in 0..<x.count { x.data[i] = x.data[i] * Float(1 + i / 60) + Float(i / 20) }  // distinct styles
        let layer = MixStyle(probability: 1, seed: 11)
        let y = layer.forward(x)
        let mix = try #require(layer.lastMix)
        #expect(Set(mix.partner) == Set(0..<6), "the partners are a permutation of the batch")
        #expect(mix.ownWeight.allSatisfy { (0...1).contains($0) })
        let (inMean, inStd) = statistics(x), (outMean, outStd) = statistics(y)
        for i in 0..<6 {
            let (l, j) = (Double(mix.ownWeight[i]), mix.partner[i])
            for ch in 0..<3 {
                let (own, other) = (i * 3 + ch, j * 3 + ch)
                #expect(abs(outMean[own] - (l * inMean[own] + (1 - l) * inMean[other])) < 1e-4)
                #expect(abs(outStd[own] - (l * inStd[own] + (1 - l) * inStd[other])) < 1e-3)
            }
        }
        #expect(zip(outMean, inMean).contains { abs($0 - $1) > 0.1 }, "some image's style changed")
    }

    @Test func identityInInferenceAndOnBatchesNotDrawn() {
        var rng = RandomSource(seed: 4)
        let x = Tensor.randomNormal([4, 2, 3, 3], rng: &rng)
        let inference = MixStyle(probability: 1, seed: 1)
        inference.setTraining(false)
        #expect(inference.forward(x).values == x.values)
        #expect(inference.backward(x).values == x.values)
        let never = MixStyle(probability: 0, seed: 1)
        #expect(never.forward(x).values == x.values && never.lastMix == nil)
        // At probability 0.5 about half the batches are mixed.
        let half = MixStyle(probability: 0.5, seed: 2)
        let mixed = (0..<400).filter { _ in _ = half.forward(x); return half.lastMix != nil }.count
        #expect((160...240).contains(mixed), "\(mixed) of 400 batches mixed")
    }

    @Test func sameSeedSameMix() {
        var rng = RandomSource(seed: 5)
        let x = Tensor.randomNormal([4, 2, 3, 3], rng: &rng)
        #expect(MixStyle(probability: 1, seed: 7).forward(x).values == MixStyle(probability: 1, seed: 7).forward(x).values)
        #expect(MixStyle(probability: 1, seed: 7).forward(x).values != MixStyle(probability: 1, seed: 8).forward(x).values)
    }

    @Test func betaDrawsAreSymmetricAndUShapedForSmallAlpha() {
        var rng = RandomSource(seed: 6)
        let draws = (0..<20_000).map { _ in rng.beta(0.1) }
        let mean = draws.reduce(0, +) / Float(draws.count)
        #expect(draws.allSatisfy { (0...1).contains($0) })
        #expect(abs(mean - 0.5) < 0.02, "mean \(mean)")
        // Beta(0.1, 0.1) puts about 19 % of its mass in [0.1, 0.9]; Beta(2, 2) 94.4 % (3x^2 - 2x^3).
        let middle = Float(draws.filter { $0 > 0.1 && $0 < 0.9 }.count) / Float(draws.count)
        #expect(abs(middle - 0.187) < 0.02, "share in [0.1, 0.9]: \(middle)")
        let wide = (0..<20_000).map { _ in rng.beta(2) }
        let wideMiddle = Float(wide.filter { $0 > 0.1 && $0 < 0.9 }.count) / Float(wide.count)
        #expect(abs(wideMiddle - 0.944) < 0.02, "Beta(2, 2) share in [0.1, 0.9]: \(wideMiddle)")
    }

    @Test func gradientWithTheStatisticsHeldFixed() throws {
        var rng = RandomSource(seed: 7)
        let x0 = GradientCheck.input([3, 2, 4, 3], rng: &rng)
        let layer = MixStyle(probability: 1, seed: 13)
        _ = layer.forward(x0)
        let mix = try #require(layer.lastMix)
        // The statistics are detached (as in the paper): the function checked is the affine map
        // they give, applied to the perturbed input.
        let plan = MixStyle.plan(for: x0, partner: mix.partner, ownWeight: mix.ownWeight, epsilon: layer.epsilon)
        let x = x0.copy()
        let report = GradientCheck.check([("input", x)], forward: { MixStyle.apply(x, scale: plan.scale, shift: plan.shift) },
                                         backward: { [layer.backward($0)] })
        #expect(report.passed, "\(report)")
    }
}
