import Analysis
import CellModel
import NN
import Tensor

/// Adapts trained weights to one lab from a few cells its technicians verified (onboarding):
/// re-estimates batch-norm statistics on that lab's cells, then fine-tunes only the parts that
/// `tuned` names on the verified cells, and judges the result on verified cells it kept aside.
///
/// The procedure (`run`):
/// 1. `VerifiedCellSplit`: the verified cells are split by class into fit and check parts.
/// 2. Accuracy on the check part with the weights as given (`before`).
/// 3. Batch-norm statistics re-estimated on the fit cells and any unlabelled cells of the lab
///    (`BatchNormAdaptation`, blended by `statisticsBlend`).
/// 4. `steps` AdamW steps on augmented batches of fit cells, class cross-entropy only
///    (class-weighted by the fit cells' frequencies, label smoothing 0.1), every layer in
///    inference mode (batch norm keeps the statistics of step 3, no dropout), only the
///    parameters of `tuned` updated.
/// 5. Accuracy on the check part again (`after`); `accepted` when it is not lower.
/// The network passed in is changed in place; callers keep the original file. Deterministic
/// for the same inputs and seed on one kind of CPU.
package struct VerifiedCellAdaptation {
    /// Parts of the network fine-tuning may change.
    package enum Part: String, CaseIterable, Sendable, Codable {
        /// The classification head (its linear layer).
        case head
        /// Every batch-norm layer's scale and shift.
        case norms
        /// The last backbone stage and the cross-layer fusion.
        case lastStage = "last-stage"
    }

    package var tuned: Set<Part> = [.head, .norms]
    package var checkShare = 0.3
    package var steps = 60
    package var batchSize = 16
    package var learningRate: Float = 1e-3
    package var statisticsBlend = 1.0
    package var augmentation = AugmentParameters()
    /// Test-time views for the before/after accuracy (the analyzer's default).
    package var views = AnalyzerSettings().views
    package var seed: UInt64 = 1

    package init() {}

    /// What one adaptation measured and did.
    package struct Result: Codable, Sendable, Equatable {
        package var fitCells: Int
        package var checkCells: Int
        package var unlabelledCells: Int
        /// Accuracy on the check cells before and after.
        package var before: Double
        package var after: Double
        package var accepted: Bool
        package var tuned: [String]
        package var steps: Int
        package var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case fitCells = "fit_cells", checkCells = "check_cells", unlabelledCells = "unlabelled_cells"
            case before = "check_accuracy_before", after = "check_accuracy_after", accepted, tuned, steps, seed
        }
    }

    /// Adapts `network` (changed in place) to the lab of `verified` (cells with a class) and
    /// `unlabelled` crops. Throws `CellModelError.invalidInput` when the verified cells cover
    /// fewer than two classes or leave no cell to check with.
    package func run(_ network: SGCLDFFNetwork, temperature: Double, verified: [TrainingSample],
                     unlabelled: [[Float]] = []) throws -> Result {
        let labelled = verified.filter { $0.classIndex != nil }
        let classes = labelled.map { $0.classIndex! }
        guard Set(classes).count >= 2 else {
            throw CellModelError(.invalidInput, "the verified cells cover \(Set(classes).count) class(es); adaptation needs at least two")
        }
        let split = VerifiedCellSplit(classes: classes, checkShare: checkShare, seed: seed)
        guard !split.check.isEmpty, !split.fit.isEmpty else {
            throw CellModelError(.invalidInput, "too few verified cells to keep some aside for checking (\(labelled.count) cells)")
        }
        let fit = split.fit.map { labelled[$0] }, check = split.check.map { labelled[$0] }
        let before = accuracy(network, temperature: temperature, on: check)

        var statistics = BatchNormAdaptation()
        statistics.blend = statisticsBlend
        statistics.seed = seed
        let statisticsCrops = fit.map(\.crop) + unlabelled
        if statisticsCrops.count >= 2 { _ = try statistics.adapt(network, crops: statisticsCrops) }
        if steps > 0 { fineTune(network, on: fit) }

        let after = accuracy(network, temperature: temperature, on: check)
        return Result(fitCells: fit.count, checkCells: check.count, unlabelledCells: unlabelled.count,
                      before: before, after: after, accepted: after >= before,
                      tuned: tuned.map(\.rawValue).sorted(), steps: steps, seed: seed)
    }

    /// Share of `samples` whose predicted class is their class.
    package func accuracy(_ network: SGCLDFFNetwork, temperature: Double, on samples: [TrainingSample]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let predictions = CropPredictor(network: network, temperature: temperature, views: views).predict(samples.map(\.crop))
        let right = zip(samples, predictions).filter { $0.0.classIndex == $0.1.predictedClass }.count
        return Double(right) / Double(samples.count)
    }

    /// The parameters of the `tuned` parts.
    package func parameters(of network: SGCLDFFNetwork) -> [Parameter] {
        var chosen: [Parameter] = []
        let all = network.parameters
        if tuned.contains(.head) { chosen += all.filter { $0.name.hasPrefix("cls_head.") } }
        if tuned.contains(.lastStage) {
            chosen += all.filter { $0.name.hasPrefix("stage4.") || $0.name.hasPrefix("fusion.") }
        }
        if tuned.contains(.norms) {
            for layer in BatchNormAdaptation.batchNormLayers(of: network) {
                for p in [layer.weight, layer.bias] where !chosen.contains(where: { $0 === p }) { chosen.append(p) }
            }
        }
        return chosen
    }

    private func fineTune(_ network: SGCLDFFNetwork, on fit: [TrainingSample]) {
        let trainable = parameters(of: network)
        guard !trainable.isEmpty else { return }
        let optimizer = AdamW(parameters: trainable, learningRate: learningRate, weightDecay: 0)
        let schedule = CosineSchedule(baseRate: learningRate, warmupSteps: min(5, steps), totalSteps: steps,
                                      floorRate: learningRate / 100)
        var losses = LossSettings()
        losses.segmentationCrossEntropy = 0
        losses.segmentationDice = 0
        losses.gateBCE = 0
        losses.alignment = 0
        losses.classWeights = ClassWeights.fromFrequencies(fit, classCount: network.configuration.classCount)
        let objective = TrainingObjective(settings: losses)
        let assembler = BatchAssembler(configuration: network.configuration)
        let augmenter = Augmenter(parameters: augmentation)
        var rng = RandomSource(seed: seed &+ 0x5EED)
        network.setTraining(false)
        for step in 0..<steps {
            var batch = (0..<min(batchSize, max(fit.count, 2))).map { _ in fit[Int(rng.next() % UInt64(fit.count))] }
            for i in batch.indices { augmenter.apply(&batch[i], rng: &rng) }
            network.zeroGrad()
            optimizer.learningRate = schedule.rate(at: step)
            objective.step(network, assembler.batch(batch))
            _ = GradientClipping.clipGlobalNorm(trainable, maxNorm: 5)
            optimizer.step()
        }
        network.setTraining(false)
    }
}
