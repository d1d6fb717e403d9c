import Analysis
import CellModel
import Foundation
import NN
import Tensor

/// One training run from dataset folders to calibrated weights: which crops it trains on,
/// which it only watches, which it calibrates on, and what it records in the weights file.
/// `leuko train` runs one; `leuko crossval` runs one per held-out source.
///
/// Held-out sources (`holdOut`, by dataset folder name) never reach the network: not their
/// training crops, not the negatives cut from their fields (`NAME-negatives`), and not the
/// temperature fit, which uses only the validation crops of trained sources. Their validation
/// crops are still measured every epoch (`Trainer.validate`, inference only: batch-norm
/// statistics and EMA come from training batches alone), so a log shows how an unseen
/// source fares, but nothing is chosen on them.
package struct TrainingRecipe {
    package var dataDirectories: [String]
    package var holdOut: Set<String> = []
    package var options = TrainingOptions()
    package var augment: Trainer.Augment?
    /// Negative crops per smear field with boxes (`TrainingSampleBuilder.negativesPerImage`).
    package var negatives = 0
    package var boxNucleusMasks = false
    package var singleCellNucleusMasks = false
    /// Whole-cell masks from traced outlines for cells without a drawn mask (`OutlineMask`).
    package var outlineMasks = false
    package var stainResidual = false
    /// Whole stain appearances drawn from the training crops' distribution
    /// (`StainAppearance`): the chance per crop (0: off), the spread's widening, and the
    /// chance that such a crop also loses its chroma.
    package var appearanceProbability = 0.0
    package var appearanceWidening = 1.5
    package var grayscaleProbability = 0.0
    /// At most this many images per dataset (quick runs): evenly spaced in index order.
    package var maxImages: Int?
    /// Where progress lines go (stderr in the command).
    package var report: (String) -> Void = { _ in }

    package init(dataDirectories: [String]) { self.dataDirectories = dataDirectories }

    /// The crops of a run.
    package struct Samples {
        package var training: [TrainingSample] = []
        /// Every source's validation crops, held-out ones included (watched, not chosen on).
        package var validation: [TrainingSample] = []
        /// The validation crops of trained sources only: what calibration may use.
        package var calibration: [TrainingSample] = []
    }

    /// Localises every image of every folder and cuts the crops (long: seconds per hundred
    /// images).
    package func samples() throws -> Samples {
        var builder = TrainingSampleBuilder()
        builder.negativesPerImage = negatives
        builder.localizer.normalizer.keepsResidual = stainResidual
        var result = Samples()
        for directory in dataDirectories {
            let dataset = try Dataset.load(directory: directory)
            for problem in dataset.problems { report("warning: \(problem)") }
            let heldOut = holdOut.contains(dataset.name)
            for split in [DatasetSplit.train, .validation] {
                if split == .train && heldOut { continue }
                builder.nucleusMasksForBoxes = boxNucleusMasks && split == .train
                builder.nucleusMasksForSingleCells = singleCellNucleusMasks && split == .train
                builder.outlineMasks = outlineMasks && split == .train
                var records = dataset.records(in: split)
                if let maxImages { records = Self.evenlySpaced(records, count: split == .train ? maxImages : max(1, maxImages / 4)) }
                let (samples, summary) = builder.samples(for: records, threads: options.threads)
                report("\(dataset.name) \(split)\(heldOut ? " (held out)" : ""): \(summary.records) images -> \(summary.samples) crops"
                       + " (\(summary.boxesWithoutCandidate) boxes without a candidate, \(summary.negatives) negatives, \(summary.failures.count) failures)")
                for failure in summary.failures.prefix(5) { report("  failed: \(failure)") }
                if split == .train {
                    result.training += samples
                } else {
                    result.validation += samples
                    if !heldOut { result.calibration += samples }
                }
            }
        }
        let named = Set(result.training.map(\.dataset))
        for name in holdOut where named.contains(name) || named.contains(name + "-negatives") {
            preconditionFailure("held-out source \(name) reached the training crops")
        }
        return result
    }

    /// At most `count` records, evenly spaced through `records` (index files are often sorted
    /// by class, so a prefix would hold one or two classes only).
    package static func evenlySpaced<T>(_ records: [T], count: Int) -> [T] {
        guard count < records.count else { return records }
        return (0..<count).map { records[$0 * records.count / count] }
    }

    /// `augment`, followed by a drawn stain appearance when `appearanceProbability` is set,
    /// its distribution fitted on `training` (the trained sources' crops only).
    func augmentation(fittedOn training: [TrainingSample]) -> Trainer.Augment? {
        guard let base = augment, appearanceProbability > 0, !training.isEmpty else { return augment }
        let appearance = StainAppearance(distribution: StainAppearance.fit(training), probability: appearanceProbability,
                                         widening: appearanceWidening, grayscaleProbability: grayscaleProbability)
        let d = appearance.distribution
        report("stain appearances fitted on \(training.count) crops: lab means \(d.meanOfMeans) ± \(d.spreadOfMeans), deviations \(d.meanOfDeviations) ± \(d.spreadOfDeviations)")
        return { sample, rng in
            base(&sample, &rng)
            appearance.apply(&sample, rng: &rng)
        }
    }

    /// A finished run: the EMA network, its temperatures and its crop validation.
    package struct Outcome {
        package var network: SGCLDFFNetwork
        package var temperature: Double
        /// Temperature for the analyzer's default number of test-time views (nil at 1 view).
        package var analyzerTemperature: Double?
        package var validation: CropValidation
        package var trainingCrops: Int
        package var validationCrops: Int
        /// The options as trained (class weights filled in from the training crops).
        package var options: TrainingOptions
    }

    /// Trains on `samples` (from `samples()`), starting from `initial` weights when given,
    /// with a resumable checkpoint per epoch at `resumeURL` (restored first when `resume`),
    /// then calibrates on `samples.calibration`.
    package func run(_ samples: Samples, initial: SafeTensors? = nil, resumeURL: URL? = nil, resume: Bool = false,
                     progress: (TrainingEvent) -> Void) throws -> Outcome {
        guard !samples.training.isEmpty else {
            throw TrainingError.noTrainingData("no labelled crops in \(dataDirectories) (held out: \(holdOut.sorted()))")
        }
        let trainer = Trainer(options: options, training: samples.training, validation: samples.validation,
                              augment: augmentation(fittedOn: samples.training))
        if let initial { try trainer.start(from: initial) }
        if resume, let resumeURL { try ResumableCheckpoint.restore(trainer, from: resumeURL) }
        try trainer.run(progress: progress, checkpoint: { trainer in
            if let resumeURL { try ResumableCheckpoint.save(trainer, to: resumeURL) }
        })
        let network = trainer.averagedNetwork()
        let classifies = options.network.classify
        let temperature = classifies ? TemperatureFit.fit(network, samples: samples.calibration, views: 1) : 1
        let views = AnalyzerSettings().views
        let analyzerTemperature = classifies && views != 1 ? TemperatureFit.fit(network, samples: samples.calibration, views: views) : nil
        let scores = CropValidation.measure(CropPredictor(network: network, temperature: temperature), samples: samples.validation,
                                            classNames: CellClass.allCases.map(\.rawValue))
        return Outcome(network: network, temperature: temperature, analyzerTemperature: analyzerTemperature,
                       validation: scores, trainingCrops: samples.training.count, validationCrops: samples.validation.count,
                       options: trainer.options)
    }
}
