import Foundation
import NN
import Tensor

/// Trains an SG-CLDFF network: AdamW with a warm-up + cosine schedule, gradient clipping,
/// EMA weights, per-dataset sampling, validation and a resumable checkpoint every epoch.
///
/// Reproducible from `options.seed`: each epoch's sampling and augmentation draw from a
/// generator seeded by (seed, epoch), so a resumed run samples what the uninterrupted run
/// would have (dropout masks and MixStyle draws restart from their seeds on resume, the one
/// difference).
/// Progress goes to `progress` as `TrainingEvent`s; the caller prints or logs them.
package final class Trainer {
    package typealias Augment = (inout TrainingSample, inout RandomSource) -> Void

    package let options: TrainingOptions
    package let network: SGCLDFFNetwork
    package let optimizer: AdamW
    package let ema: ExponentialMovingAverage
    package private(set) var completedEpochs = 0
    private let training: [TrainingSample]
    private let validation: [TrainingSample]
    private let augment: Augment?
    private let sampler: DatasetSampler
    private let assembler: BatchAssembler
    private let objective: TrainingObjective

    package init(options: TrainingOptions, training: [TrainingSample], validation: [TrainingSample], augment: Augment?) {
        var options = options
        if options.losses.classWeights == nil {
            options.losses.classWeights = ClassWeights.fromFrequencies(training, classCount: options.network.classCount)
        }
        self.options = options
        self.training = training
        self.validation = validation
        self.augment = options.augment ? augment : nil
        network = SGCLDFFNetwork(options.network, seed: options.seed)
        optimizer = AdamW(parameters: network.parameters, learningRate: options.learningRate,
                          weightDecay: options.weightDecay)
        ema = ExponentialMovingAverage(model: network, decay: options.emaDecay)
        sampler = DatasetSampler(samples: training, weights: options.datasetWeights)
        assembler = BatchAssembler(configuration: options.network)
        objective = TrainingObjective(settings: options.losses)
    }

    /// Starts from trained weights instead of the seeded initialisation (fine-tuning): loads
    /// `file` into the network (names and shapes must match the configuration exactly) and
    /// restarts the EMA from them. The optimizer state and schedule start fresh.
    package func start(from file: SafeTensors) throws {
        try network.load(file)
        ema.restart()
    }

    /// Runs the remaining epochs; after each, validates the EMA weights and calls `checkpoint`.
    package func run(progress: (TrainingEvent) -> Void, checkpoint: (Trainer) throws -> Void) throws {
        // A run shorter than the warm-up spends all of its steps warming up.
        let schedule = CosineSchedule(baseRate: options.learningRate, warmupSteps: min(options.warmupSteps, options.totalSteps),
                                      totalSteps: options.totalSteps, floorRate: options.minimumLearningRate)
        let started = Date()
        var stepsThisRun = 0
        while completedEpochs < options.epochs {
            let epoch = completedEpochs
            var rng = RandomSource(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch + 1))
            network.setTraining(true)
            var sums = TrainingObjective.Losses()
            let epochStart = Date()
            for step in 0..<options.stepsPerEpoch {
                var samples = sampler.draw(options.batchSize, rng: &rng).map { training[$0] }
                if let augment {
                    for i in samples.indices { augment(&samples[i], &rng) }
                }
                let batch = assembler.batch(samples)
                network.zeroGrad()
                optimizer.learningRate = schedule.rate(at: optimizer.stepCount)
                let (losses, _) = objective.step(network, batch)
                let norm = GradientClipping.clipGlobalNorm(network.parameters, maxNorm: options.gradientClipNorm)
                guard norm.isFinite, losses.total.isFinite else {
                    throw TrainingError.diverged(epoch: epoch + 1, step: step + 1, loss: losses.total)
                }
                optimizer.step()
                ema.update()
                sums = sums.adding(losses)
                stepsThisRun += 1
                let elapsed = Date().timeIntervalSince(started)
                let remaining = options.totalSteps - optimizer.stepCount
                progress(.step(epoch: epoch + 1, step: step + 1, stepsPerEpoch: options.stepsPerEpoch,
                               losses: losses, learningRate: optimizer.learningRate, gradientNorm: norm,
                               cropsPerSecond: Double(stepsThisRun * options.batchSize) / max(elapsed, 1e-9),
                               etaSeconds: elapsed / Double(stepsThisRun) * Double(remaining)))
            }
            completedEpochs += 1
            let validationScores = validate()
            progress(.epoch(epoch: epoch + 1, meanLosses: sums.scaled(1 / Float(options.stepsPerEpoch)),
                            seconds: Date().timeIntervalSince(epochStart), validation: validationScores))
            try checkpoint(self)
        }
    }

    /// A network holding the EMA weights, in inference mode.
    package func averagedNetwork() -> SGCLDFFNetwork {
        let copy = SGCLDFFNetwork(options.network, seed: options.seed)
        ema.copy(into: copy)
        copy.setTraining(false)
        return copy
    }

    /// Validation metrics of the EMA weights (empty without validation samples).
    package func validate() -> CropValidation {
        guard !validation.isEmpty else { return CropValidation() }
        return CropValidation.measure(CropPredictor(network: averagedNetwork()), samples: validation,
                                      classNames: CellClass.allCases.map(\.rawValue))
    }

    /// Restores a run saved by `TrainingCheckpoint.saveResumable`.
    package func restore(epochs: Int) { completedEpochs = epochs }
}

/// What went wrong in training.
package enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, step: Int, loss: Float)
    case noTrainingData(String)
    case badCheckpoint(String)

    package var description: String {
        switch self {
        case .diverged(let epoch, let step, let loss): "training diverged at epoch \(epoch), step \(step) (loss \(loss))"
        case .noTrainingData(let why): "no training data: \(why)"
        case .badCheckpoint(let why): "cannot resume: \(why)"
        }
    }
}

extension TrainingObjective.Losses {
    func adding(_ other: Self) -> Self {
        Self(classification: classification + other.classification, segmentation: segmentation + other.segmentation,
             dice: dice + other.dice, gate: gate + other.gate, alignment: alignment + other.alignment,
             total: total + other.total)
    }

    func scaled(_ factor: Float) -> Self {
        Self(classification: classification * factor, segmentation: segmentation * factor, dice: dice * factor,
             gate: gate * factor, alignment: alignment * factor, total: total * factor)
    }
}
