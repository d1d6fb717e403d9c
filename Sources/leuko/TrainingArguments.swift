import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
import NN
import Tensor

/// The options that describe a training run, shared by `leuko train` and `leuko crossval`
/// (data, budget, network ablations, losses, augmentation, masks and negatives).
struct TrainingArguments: ParsableArguments {
    @Option(name: .customLong("data"), help: "A dataset folder (repeatable).")
    var dataDirectories: [String]

    @Option(name: .customLong("weight"), help: "Sampling weight NAME=W for a dataset (repeatable; default 1).")
    var weights: [String] = []

    @Option var epochs = 30
    @Option var stepsPerEpoch = 60
    @Option var batchSize = 32
    @Option var learningRate: Float = 2e-3
    @Option var seed: UInt64 = 1
    @Option(help: "Threads for the engine and data preparation.") var threads = 2
    @Option(help: "Use at most this many images per dataset (quick runs): an evenly spaced subset in index order, so every class keeps its share.") var maxImages: Int?
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
    @Flag(help: "Cells without a drawn mask whose outline the localisation traced (a cell alone on glass, as in most PBC images) get a whole-cell mask from it: nucleus and cytoplasm inside the outline, background beyond a thin unlabelled band. Cells it could not outline keep the partial masks above.")
    var outlineMasks = false
    @Flag(help: "Stain normalisation keeps the optical density the two stain vectors do not explain (eosinophil granules keep their orange-red instead of taking the counter stain's hue); recorded in the weights, which the analyzer then normalises alike.")
    var stainResidual = false
    @Option(help: "Full augmentation: HED stain jitter, each stain's concentration scaled by 1 ± this.")
    var stainJitter = AugmentParameters().stainScale

    @Option(help: "Full augmentation: the chance that a crop is given a whole stain appearance (lab colour statistics) drawn from a distribution fitted over the training crops, RandStainNA-style (0: off).")
    var stainAppearance = 0.0
    @Option(help: "With --stain-appearance: the factor on the fitted spread of each colour statistic when drawing.")
    var appearanceWidening = 1.5
    @Option(help: "With --stain-appearance: the chance that a crop given an appearance also loses its colour (grayscale).")
    var grayscale = 0.0

    func validate() throws {
        guard (0...1).contains(stainAppearance), (0...1).contains(grayscale), appearanceWidening >= 0 else {
            throw ValidationError("--stain-appearance and --grayscale must be in [0, 1], --appearance-widening 0 or more")
        }
        guard grayscale == 0 || stainAppearance > 0 else { throw ValidationError("--grayscale acts on crops given a stain appearance: set --stain-appearance too") }
        guard stainAppearance == 0 || augmentation == .full, !noAugment || stainAppearance == 0 else {
            throw ValidationError("--stain-appearance is part of the full augmentation")
        }
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

    /// The run these options describe, holding out the sources named `holdOut`.
    func recipe(holdOut: Set<String> = []) throws -> TrainingRecipe {
        var recipe = TrainingRecipe(dataDirectories: dataDirectories)
        recipe.holdOut = holdOut
        recipe.options = try trainingOptions()
        recipe.augment = augmentation.function(augmentParameters)
        recipe.negatives = negatives
        recipe.boxNucleusMasks = boxNucleusMasks
        recipe.singleCellNucleusMasks = singleCellNucleusMasks
        recipe.outlineMasks = outlineMasks
        recipe.stainResidual = stainResidual
        recipe.appearanceProbability = stainAppearance
        recipe.appearanceWidening = appearanceWidening
        recipe.grayscaleProbability = grayscale
        recipe.maxImages = maxImages
        recipe.report = TrainLog.stderr
        return recipe
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
