import Testing
import Tensor
import NN

@Suite struct OptimizerTests {
    private func parameter(_ values: [Float], grad: [Float], decays: Bool = true) -> Parameter {
        let p = Parameter(name: "p", value: Tensor(shape: [values.count], values: values), decays: decays)
        p.grad.assign(Tensor(shape: [grad.count], values: grad))
        return p
    }

    @Test func sgdMomentumMatchesHandComputedSteps() {
        let p = parameter([1, -2], grad: [0.5, 1])
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        sgd.step()                       // buf = g; p -= 0.1 * g
        #expect(p.value.values == [0.95, -2.1])
        sgd.step()                       // buf = 0.9 * g + g = 1.9 g
        #expect(abs(p.value.data[0] - (0.95 - 0.1 * 0.95)) < 1e-6)
        #expect(abs(p.value.data[1] - (-2.1 - 0.1 * 1.9)) < 1e-6)
    }

    @Test func sgdNesterovAndWeightDecaySkipNonDecaying() {
        let w = parameter([2], grad: [1])
        let b = parameter([2], grad: [1], decays: false)
        let sgd = SGD(parameters: [w, b], learningRate: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1)
        sgd.step()
        // w: g = 1 + 0.1 * 2 = 1.2, buf = 1.2, step g = 1.2 + 0.5 * 1.2 = 1.8.
        #expect(abs(w.value.data[0] - (2 - 0.18)) < 1e-6)
        // b: no decay: g = 1, buf = 1, step g = 1.5.
        #expect(abs(b.value.data[0] - (2 - 0.15)) < 1e-6)
    }

    @Test func adamwSkipsDecayForNormsAndBiases() {
        let w = parameter([1], grad: [0]), b = parameter([1], grad: [0], decays: false)
        let adam = AdamW(parameters: [w, b], learningRate: 0.1, weightDecay: 0.5)
        adam.step()
        #expect(abs(w.value.data[0] - 0.95) < 1e-7)
        #expect(b.value.data[0] == 1)
        #expect(adam.namedState.map(\.0) == ["exp_avg.p", "exp_avg_sq.p", "exp_avg.p", "exp_avg_sq.p"])
    }

    @Test func adamwFirstStepMovesByLearningRate() {
        // With zero state, the bias-corrected first step is lr * g / (|g| + eps') = lr * sign(g).
        let p = parameter([0, 0], grad: [3, -0.01])
        let adam = AdamW(parameters: [p], learningRate: 0.01, weightDecay: 0)
        adam.step()
        #expect(abs(p.value.data[0] + 0.01) < 1e-6 && abs(p.value.data[1] - 0.01) < 1e-5)
    }

    @Test func cosineScheduleWarmsUpThenDecays() {
        let s = CosineSchedule(baseRate: 1, warmupSteps: 4, totalSteps: 14, floorRate: 0.1)
        #expect(s.rate(at: 0) == 0.25 && s.rate(at: 3) == 1)
        #expect(s.rate(at: 4) == 1)
        #expect(abs(s.rate(at: 9) - 0.55) < 1e-6)       // halfway: floor + (base - floor) / 2
        #expect(abs(s.rate(at: 14) - 0.1) < 1e-6 && abs(s.rate(at: 100) - 0.1) < 1e-6)
        let rates = (4...14).map { s.rate(at: $0) }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(CosineSchedule(baseRate: 2, warmupSteps: 0, totalSteps: 10).rate(at: 0) == 2)
    }

    @Test func clippingScalesToMaxNormOnlyWhenAbove() {
        let a = parameter([0, 0], grad: [3, 0]), b = parameter([0], grad: [4])
        let norm = GradientClipping.clipGlobalNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-9)
        #expect(abs(GradientClipping.globalNorm([a, b]) - 1) < 1e-5)
        #expect(abs(a.grad.data[0] - 0.6) < 1e-6 && abs(b.grad.data[0] - 0.8) < 1e-6)
        let before = GradientClipping.clipGlobalNorm([a, b], maxNorm: 10)
        #expect(abs(before - 1) < 1e-5 && abs(a.grad.data[0] - 0.6) < 1e-6)
        let bad = parameter([0], grad: [.nan])
        #expect(GradientClipping.clipGlobalNorm([bad, a], maxNorm: 1).isNaN)
        #expect(abs(a.grad.data[0] - 0.6) < 1e-6)
    }
}

private final class Holder: Module {
    var isTraining = true
    let weight = Parameter(name: "weight", value: Tensor(shape: [2], values: [0, 0]))
    let stats = Tensor(shape: [1], values: [5])
    var localParameters: [(String, Parameter)] { [("weight", weight)] }
    var localBuffers: [(String, Tensor)] { [("running_mean", stats)] }
}

@Suite struct EMATests {
    @Test func averagesWeightsAndCopiesBuffers() {
        let model = Holder()
        let ema = ExponentialMovingAverage(model: model, decay: 0.5, warmup: false)
        model.weight.value.assign(Tensor(shape: [2], values: [4, 8]))
        model.stats.data[0] = 7
        ema.update()
        #expect(ema.shadowParameters[0].1.values == [2, 4])
        #expect(ema.shadowBuffers[0].1.values == [7])
        ema.update()
        #expect(ema.shadowParameters[0].1.values == [3, 6])
        let target = Holder()
        ema.copy(into: target)
        #expect(target.weight.value.values == [3, 6] && target.stats.values == [7])
        // With warm-up the first decay is min(0.999, 1/10).
        #expect(ExponentialMovingAverage(model: model, decay: 0.999).currentDecay == 0.1)
    }

    @Test func restartTakesTheModelsCurrentWeights() {
        let model = Holder()
        let ema = ExponentialMovingAverage(model: model, decay: 0.5, warmup: true)
        ema.update()
        model.weight.value.assign(Tensor(shape: [2], values: [5, -1]))
        model.stats.data[0] = 3
        ema.restart()
        #expect(ema.shadowParameters[0].1.values == [5, -1])
        #expect(ema.shadowBuffers[0].1.values == [3])
        #expect(ema.updateCount == 0)
    }
}
