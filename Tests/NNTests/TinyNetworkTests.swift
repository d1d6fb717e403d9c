import Testing
import Tensor
@testable import NN

/// conv (8) -> BN -> SiLU -> MBConv (16, stride 2) -> shifted Swin block -> global pool -> linear head.
private final class TinyNetwork: Layer {
    var isTraining = true
    let stem: Conv2d
    let stemNorm = BatchNorm2d(8)
    let stemActivation = Activation(.silu)
    let mbconv: MBConv
    let swin: SwinBlock
    let pool = GlobalAvgPool()
    let head: Linear

    init(classes: Int, rng: inout RandomSource) {
        stem = Conv2d(3, 8, kernel: 3, stride: 2, padding: 1, bias: false, rng: &rng)
        mbconv = MBConv(8, 16, expandRatio: 2, stride: 2, rng: &rng)
        swin = SwinBlock(channels: 16, heads: 2, window: 4, shift: 2, mlpRatio: 2, rng: &rng)
        head = Linear(16, classes, rng: &rng)
    }

    var children: [(String, any Module)] {
        [("stem", stem), ("stem_norm", stemNorm), ("mbconv", mbconv), ("swin", swin), ("head", head)]
    }

    func forward(_ x: Tensor) -> Tensor {
        head.forward(pool.forward(swin.forward(mbconv.forward(stemActivation.forward(stemNorm.forward(stem.forward(x)))))))
    }

    func backward(_ d: Tensor) -> Tensor {
        stem.backward(stemNorm.backward(stemActivation.backward(mbconv.backward(swin.backward(pool.backward(head.backward(d)))))))
    }

    func flops(inputShape: [Int]) -> Int {
        let n = inputShape[0]
        return stem.flops(inputShape: inputShape) + stemNorm.flops(inputShape: [n, 8, 16, 16])
            + stemActivation.flops(inputShape: [n, 8, 16, 16]) + mbconv.flops(inputShape: [n, 8, 16, 16])
            + swin.flops(inputShape: [n, 16, 8, 8]) + pool.flops(inputShape: [n, 16, 8, 8]) + head.flops(inputShape: [n, 16])
    }
}

/// What one training run produced.
private struct TrainingRun {
    var losses: [Float] = []
    /// Parameters and EMA shadows after `snapshotStep` steps.
    var weights: [[Float]] = []
    var averaged: [[Float]] = []
    var predictions: [Int] = []
    var labels: [Int] = []
}

/// Trains the tiny network on one batch of 16 random 32x32 images with random labels
/// (4 classes): AdamW, cosine schedule with warm-up over `scheduleSteps`, clipping, EMA.
/// Runs `steps` updates, snapshotting the weights after `snapshotStep` of them.
private func train(seed: UInt64, steps: Int, scheduleSteps: Int = 20, snapshotStep: Int) -> TrainingRun {
    var rng = RandomSource(seed: seed)
    let model = TinyNetwork(classes: 4, rng: &rng)
    let images = Tensor.randomNormal([16, 3, 32, 32], rng: &rng)
    let labels = (0..<16).map { _ in Int(rng.next() % 4) }
    let loss = CrossEntropyLoss()
    let optimizer = AdamW(parameters: model.parameters, learningRate: 0, weightDecay: 0.01)
    let schedule = CosineSchedule(baseRate: 3e-2, warmupSteps: 3, totalSteps: scheduleSteps, floorRate: 3e-3)
    let ema = ExponentialMovingAverage(model: model, decay: 0.9)
    var run = TrainingRun()
    for step in 0..<steps {
        if step == snapshotStep {
            run.weights = model.namedParameters().map { $0.1.value.values }
            run.averaged = ema.shadowParameters.map { $0.1.values }
        }
        model.zeroGrad()
        let logits = model.forward(images)
        run.losses.append(loss.forward(logits, targets: labels))
        _ = model.backward(loss.backward())
        GradientClipping.clipGlobalNorm(model.parameters, maxNorm: 5)
        optimizer.learningRate = schedule.rate(at: step)
        optimizer.step()
        ema.update()
    }
    let logits = model.forward(images)
    run.losses.append(loss.forward(logits, targets: labels))
    run.predictions = (0..<16).map { i in (0..<4).max { logits.data[i * 4 + $0] < logits.data[i * 4 + $1] }! }
    if snapshotStep == steps {
        run.weights = model.namedParameters().map { $0.1.value.values }
        run.averaged = ema.shadowParameters.map { $0.1.values }
    }
    run.labels = labels
    return run
}

@Suite struct TinyNetworkTests {
    @Test func overfitsOneBatchAndTrainsBitForBitReproducibly() {
        // One thread for Leuko's loops, for this task only (other tests run concurrently);
        // OpenBLAS always runs on its caller's thread.
        overfitsAndReproduces()
    }

    private func overfitsAndReproduces() {
        let first = Parallel.withThreads(1) { train(seed: 2024, steps: 20, snapshotStep: 8) }
        #expect(first.losses[0] > 1.0, "initial loss \(first.losses[0]) should be near ln 4")
        #expect(first.losses.last! < 0.05, "final loss \(first.losses.last!), losses \(first.losses)")
        #expect(first.predictions == first.labels)
        // The same seed again, stopped after 8 steps: identical losses and weights so far.
        let second = Parallel.withThreads(1) { train(seed: 2024, steps: 8, snapshotStep: 8) }
        #expect(Array(first.losses.prefix(8)) == Array(second.losses.prefix(8)))
        #expect(!first.weights.isEmpty && first.weights == second.weights)
        #expect(!first.averaged.isEmpty && first.averaged == second.averaged)
        // The engine reduces in a thread-count-independent order, so two threads agree too.
        let twoThreads = Parallel.withThreads(2) { train(seed: 2024, steps: 3, snapshotStep: 3) }
        #expect(Array(first.losses.prefix(3)) == Array(twoThreads.losses.prefix(3)))
        let other = Parallel.withThreads(1) { train(seed: 2025, steps: 1, snapshotStep: 1) }
        #expect(other.losses[0] != first.losses[0], "a different seed must give a different run")
    }

    @Test func flopsAddUpOverTheNetwork() {
        var rng = RandomSource(seed: 1)
        let model = TinyNetwork(classes: 4, rng: &rng)
        // The products: stem conv, MBConv's expand / depthwise / project convs, the Swin
        // block's qkv, attention, proj and MLP, and the head (2 x multiply-adds per image).
        let flops = model.flops(inputShape: [1, 3, 32, 32])
        let stem = 2 * 8 * 27 * 16 * 16
        let mbconvConvs = 2 * 8 * 16 * 16 * 16 + 2 * 16 * 9 * 8 * 8 + 2 * 16 * 16 * 8 * 8
        let swinProducts = 2 * 64 * 16 * 48 + 2 * 64 * 16 * 16 + 4 * 2 * 2 * 16 * 16 * 8 + 2 * 2 * 64 * 16 * 32
        #expect(flops >= stem + mbconvConvs + swinProducts + 2 * 16 * 4)
        #expect(flops < 2 * (stem + mbconvConvs + swinProducts))
        #expect(model.flops(inputShape: [3, 3, 32, 32]) == 3 * flops)
    }
}
