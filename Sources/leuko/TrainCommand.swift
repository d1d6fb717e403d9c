import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
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

    @OptionGroup var training: TrainingArguments

    @Option(help: "Leave this dataset out of training and calibration (cross-dataset validation); its validation crops are still measured each epoch. `leuko crossval` does this for each source in turn.")
    var holdOut: String?

    @Option(help: "Output weights file.") var out: String
    @Option(help: "JSON-lines log file.") var log: String?
    @Flag(help: "Continue from OUT.resume.") var resume = false
    @Option(help: "Fine-tune: start from these weights (same network options) instead of a fresh initialisation; optimizer, schedule and EMA start anew.")
    var initWeights: String?

    func run() throws {
        Parallel.setThreads(training.threads)
        let started = Date()
        // Checked before the (long) localisation of every image.
        let initial = try initWeights.map { try SafeTensors(contentsOf: URL(fileURLWithPath: $0)) }
        if let initWeights, let initial, ModelFile.keepsStainResidual(initial.metadata) != training.stainResidual {
            throw ValidationError("\(initWeights) was trained \(training.stainResidual ? "without" : "with") --stain-residual; fine-tune with the same normalisation")
        }
        let recipe = try training.recipe(holdOut: Set([holdOut].compactMap { $0 }))
        let samples = try recipe.samples()
        let trained = Set(samples.training.map(\.dataset))
        for name in recipe.options.datasetWeights.keys.sorted() where !trained.contains(name) {
            TrainLog.stderr("warning: --weight \(name)=… names no dataset trained on (trained: \(trained.sorted().joined(separator: ", ")))")
        }
        var initialDigest: String?
        if let initWeights {
            initialDigest = try SHA256Digest.hex(of: URL(fileURLWithPath: initWeights))
            TrainLog.stderr("starting from \(initWeights) (sha256 \(initialDigest ?? ""))")
        }
        let log = try log.map { try TrainLog(path: $0) }
        let outcome = try recipe.run(samples, initial: initial, resumeURL: URL(fileURLWithPath: out + ".resume"), resume: resume) { event in
            TrainLog.report(event)
            log?.write(event)
        }
        var metadata: [String: String] = [
            "version": Leuko.version,
            "command": (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            "seed": String(training.seed),
            "training": String(decoding: try JSONEncoder.sorted.encode(outcome.options), as: UTF8.self),
            "training_seconds": String(Int(Date().timeIntervalSince(started))),
            "validation": String(decoding: try JSONEncoder.sorted.encode(outcome.validation), as: UTF8.self),
            "training_crops": String(outcome.trainingCrops),
            "validation_crops": String(outcome.validationCrops),
        ]
        if let holdOut { metadata["held_out"] = holdOut }
        if let initialDigest { metadata["initial_weights_sha256"] = initialDigest }
        if training.stainResidual { metadata[ModelFile.stainResidualKey] = "true" }
        if let t = outcome.analyzerTemperature { metadata[ModelFile.temperatureKey(views: AnalyzerSettings().views)] = String(t) }
        try ModelFile.save(outcome.network, temperature: outcome.temperature, extra: metadata, to: URL(fileURLWithPath: out))
        TrainLog.stderr("wrote \(out) (temperature \(String(format: "%.3f", outcome.temperature)))")
        print(String(decoding: try JSONEncoder.sorted.encode(outcome.validation), as: UTF8.self))
    }
}

