import Analysis
import ArgumentParser
import CellModel
import Foundation
import NN
import Tensor

/// `leuko train`: trains SG-CLDFF on dataset folders and writes a weights file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the SG-CLDFF network on dataset folders (index.csv layout); write safetensors weights.",
        discussion: """
            Each --data folder is split by file-name hash (DatasetSplit: about 20 % validation). Training \
            crops come from the same localisation as `leuko analyze`. Progress goes to stderr, one JSON \
            object per step and epoch to --log, and a resumable checkpoint to OUT.resume after every epoch \
            (rerun the same command with --resume to continue).
            """
    )

    @Option(name: .customLong("data"), help: "A dataset folder (repeatable).")
    var dataDirectories: [String]

    @Option(name: .customLong("weight"), help: "Sampling weight NAME=W for a dataset (repeatable; default 1).")
    var weights: [String] = []

    @Option(help: "Leave this dataset out of training (cross-dataset validation); it is still validated on.")
    var holdOut: String?

    @Option(help: "Output weights file.") var out: String
    @Option(help: "JSON-lines log file.") var log: String?
    @Option var epochs = 30
    @Option var stepsPerEpoch = 60
    @Option var batchSize = 32
    @Option var learningRate: Float = 2e-3
    @Option var seed: UInt64 = 1
    @Option(help: "Threads for the engine and data preparation.") var threads = 2
    @Option(help: "Use at most this many images per dataset (quick runs): an evenly spaced subset in index order, so every class keeps its share.") var maxImages: Int?
    @Flag(help: "Continue from OUT.resume.") var resume = false
    @Option(help: "Fine-tune: start from these weights (same network options) instead of a fresh initialisation; optimizer, schedule and EMA start anew.")
    var initWeights: String?
    @Flag(help: "Ablation: no saliency-prior input channel.") var noPrior = false
    @Flag(help: "Ablation: no learned saliency gate.") var noGate = false
    @Flag(help: "Instance-normalise the stem's and stage 1's outputs (IBN-Net-b), for labs not trained on.")
    var instanceNorm = false
    @Option(help: "MixStyle: the probability that a training batch's shallow feature statistics (stem, stage 1) are mixed between its crops, for labs not trained on (0: off).")
    var mixStyle: Float = 0
    @Flag(help: "Ablation: no cross-layer fusion (deepest features only).") var noFusion = false
    @Flag(help: "Ablation: no saliency-alignment loss.") var noAlignment = false
    @Flag(help: "Alignment on the evidence against the other classes, of either sign (closes the all-negative map's escape).")
    var contrastiveAlignment = false
    @Flag(help: "Ablation: classification head only.") var classifyOnly = false
    @Flag(help: "Ablation: segmentation head only.") var segmentOnly = false
    @Flag(help: "No augmentation.") var noAugment = false
    @Option(help: "Augmentation when on: 'full' (Augmenter: dihedral turns, rotations up to 15 degrees, scale jitter 10 %, HED stain jitter, blur, noise) or 'basic' (CropAugmentation: dihedral turns, stain jitter, gamma, noise).")
    var augmentation: AugmentationKind = .full
    @Option(help: "Full augmentation: probability of simulating a coarser source (a crop reduced to 45-100 % of its linear size and enlarged back).")
    var resolutionLoss = AugmentParameters().resolutionLossProbability
    @Option(help: "Full augmentation: probability of cutting a crop along a straight edge (white glass beyond, 10-45 % of the crop side from its centre), as a cell at a field's border is cut.")
    var borderCuts = AugmentParameters().borderCutProbability
    @Option(help: "Negative crops per smear field with WBC boxes: what the localisation finds away from every box (and in a box-free strip of the field), with an all-background mask and no class, filed as dataset NAME-negatives (weigh it with --weight NAME-negatives=W).")
    var negatives = 0
    @Flag(help: "Training crops of box-labelled fields (BCCD) get a partial mask: the nucleus the localisation found is labelled nucleus, the rest unlabelled, so that with --negatives the segmentation head also sees that source's cells.")
    var boxNucleusMasks = false
    @Flag(help: "The same partial mask for single-cell images without a mask (PBC): the nucleus of the cell the localisation finds nearest the centre.")
    var singleCellNucleusMasks = false
    @Flag(help: "Stain normalisation keeps the optical density the two stain vectors do not explain (eosinophil granules keep their orange-red instead of taking the counter stain's hue); recorded in the weights, which the analyzer then normalises alike.")
    var stainResidual = false
    @Option(help: "Full augmentation: HED stain jitter, each stain's concentration scaled by 1 ± this.")
    var stainJitter = AugmentParameters().stainScale

    func validate() throws {
        guard !(classifyOnly && segmentOnly) else { throw ValidationError("--classify-only and --segment-only exclude each other") }
        guard (0...1).contains(resolutionLoss), (0...1).contains(borderCuts), (0..<1).contains(stainJitter) else {
            throw ValidationError("--resolution-loss and --border-cuts must be in [0, 1] and --stain-jitter in [0, 1)")
        }
        guard augmentation == .full || augmentParameters == AugmentParameters() else {
            throw ValidationError("--stain-jitter, --resolution-loss and --border-cuts set the full augmentation; they do nothing with --augmentation basic")
        }
        guard (0...1).contains(mixStyle) else { throw ValidationError("--mix-style must be in [0, 1]") }
        guard negatives >= 0 else { throw ValidationError("--negatives must be 0 or more") }
        guard epochs > 0, stepsPerEpoch > 0, batchSize > 0, threads > 0 else {
            throw ValidationError("--epochs, --steps-per-epoch, --batch-size and --threads must be positive")
        }
        _ = try datasetWeights()
    }

    func datasetWeights() throws -> [String: Double] {
        var result: [String: Double] = [:]
        for item in weights {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value >= 0 else {
                throw ValidationError("--weight expects NAME=W with W >= 0, got '\(item)'")
            }
            result[parts[0]] = value
        }
        return result
    }

    /// At most `count` records, evenly spaced through `records` (index files are often sorted
    /// by class, so a prefix would hold one or two classes only).
    static func evenlySpaced<T>(_ records: [T], count: Int) -> [T] {
        guard count < records.count else { return records }
        return (0..<count).map { records[$0 * records.count / count] }
    }

    func trainingOptions() throws -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.stepsPerEpoch = stepsPerEpoch
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.seed = seed
        options.threads = threads
        options.datasetWeights = try datasetWeights()
        options.augment = !noAugment
        options.network.inputChannels = noPrior ? 3 : 4
        options.network.useGate = !noGate
        if instanceNorm { options.network.instanceNorm = true }
        if mixStyle > 0 { options.network.mixStyle = mixStyle }
        options.network.useFusion = !noFusion
        options.network.classify = !segmentOnly
        options.network.segment = !classifyOnly
        if noAlignment { options.losses.alignment = 0 }
        if contrastiveAlignment { options.losses.contrastiveAlignment = true }
        return options
    }

    var augmentParameters: AugmentParameters {
        var p = AugmentParameters()
        p.resolutionLossProbability = resolutionLoss
        p.borderCutProbability = borderCuts
        p.stainScale = stainJitter
        return p
    }

    func run() throws {
        Parallel.setThreads(threads)
        let started = Date()
        // Checked before the (long) localisation of every image.
        let initial = try initWeights.map { try SafeTensors(contentsOf: URL(fileURLWithPath: $0)) }
        if let initWeights, let initial, ModelFile.keepsStainResidual(initial.metadata) != stainResidual {
            throw ValidationError("\(initWeights) was trained \(stainResidual ? "without" : "with") --stain-residual; fine-tune with the same normalisation")
        }
        var training: [TrainingSample] = [], validation: [TrainingSample] = []
        var builder = TrainingSampleBuilder()
        builder.negativesPerImage = negatives
        builder.localizer.normalizer.keepsResidual = stainResidual
        for directory in dataDirectories {
            let dataset = try Dataset.load(directory: directory)
            for problem in dataset.problems { TrainLog.stderr("warning: \(problem)") }
            for split in [DatasetSplit.train, .validation] {
                if split == .train && dataset.name == holdOut { continue }
                builder.nucleusMasksForBoxes = boxNucleusMasks && split == .train
                builder.nucleusMasksForSingleCells = singleCellNucleusMasks && split == .train
                var records = dataset.records(in: split)
                if let maxImages { records = Self.evenlySpaced(records, count: split == .train ? maxImages : max(1, maxImages / 4)) }
                let (samples, summary) = builder.samples(for: records, threads: threads)
                TrainLog.stderr("\(dataset.name) \(split): \(summary.records) images -> \(summary.samples) crops"
                                + " (\(summary.boxesWithoutCandidate) boxes without a candidate, \(summary.negatives) negatives, \(summary.failures.count) failures)")
                for failure in summary.failures.prefix(5) { TrainLog.stderr("  failed: \(failure)") }
                if split == .train { training += samples } else { validation += samples }
            }
        }
        guard !training.isEmpty else { throw TrainingError.noTrainingData("no labelled crops in \(dataDirectories)") }
        let options = try trainingOptions()
        let trained = Set(training.map(\.dataset))
        for name in options.datasetWeights.keys.sorted() where !trained.contains(name) {
            TrainLog.stderr("warning: --weight \(name)=… names no dataset trained on (trained: \(trained.sorted().joined(separator: ", ")))")
        }
        let trainer = Trainer(options: options, training: training, validation: validation,
                              augment: augmentation.function(augmentParameters))
        let outURL = URL(fileURLWithPath: out)
        let resumeURL = URL(fileURLWithPath: out + ".resume")
        var initialDigest: String?
        if let initWeights, let initial {
            let url = URL(fileURLWithPath: initWeights)
            try trainer.start(from: initial)
            initialDigest = try SHA256Digest.hex(of: url)
            TrainLog.stderr("starting from \(initWeights) (sha256 \(initialDigest ?? ""))")
        }
        if resume { try ResumableCheckpoint.restore(trainer, from: resumeURL) }
        let log = try log.map { try TrainLog(path: $0) }
        try trainer.run(progress: { event in
            TrainLog.report(event)
            log?.write(event)
        }, checkpoint: { trainer in try ResumableCheckpoint.save(trainer, to: resumeURL) })

        let network = trainer.averagedNetwork()
        let classifies = options.network.classify
        let temperature = classifies ? TemperatureFit.fit(network, samples: validation, views: 1) : 1
        let analyzerViews = AnalyzerSettings().views
        let scores = CropValidation.measure(CropPredictor(network: network, temperature: temperature), samples: validation,
                                            classNames: CellClass.allCases.map(\.rawValue))
        var metadata: [String: String] = [
            "version": Leuko.version,
            "command": (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            "seed": String(seed),
            "training": String(decoding: try JSONEncoder.sorted.encode(trainer.options), as: UTF8.self),
            "training_seconds": String(Int(Date().timeIntervalSince(started))),
            "validation": String(decoding: try JSONEncoder.sorted.encode(scores), as: UTF8.self),
            "training_crops": String(training.count),
            "validation_crops": String(validation.count),
        ]
        if let initialDigest { metadata["initial_weights_sha256"] = initialDigest }
        if stainResidual { metadata[ModelFile.stainResidualKey] = "true" }
        if classifies, analyzerViews != 1 {
            metadata[ModelFile.temperatureKey(views: analyzerViews)] =
                String(TemperatureFit.fit(network, samples: validation, views: analyzerViews))
        }
        try ModelFile.save(network, temperature: temperature, extra: metadata, to: outURL)
        TrainLog.stderr("wrote \(out) (temperature \(String(format: "%.3f", temperature)))")
        print(String(decoding: try JSONEncoder.sorted.encode(scores), as: UTF8.self))
    }
}

/// Which augmentation `leuko train` applies to training crops.
enum AugmentationKind: String, ExpressibleByArgument, CaseIterable {
    case full, basic

    func function(_ parameters: AugmentParameters) -> Trainer.Augment {
        switch self {
        case .full:
            let augmenter = Augmenter(parameters: parameters)
            return { sample, rng in augmenter.apply(&sample, rng: &rng) }
        case .basic:
            return { sample, rng in CropAugmentation().apply(&sample, rng: &rng) }
        }
    }
}
