import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
import NN
import Tensor

/// `leuko crossval`: leave-one-source-out. For each `--data` folder, trains on the others with
/// the same options (`TrainingRecipe` with that source held out: not trained on, not
/// calibrated on) and evaluates on every image of it through the real path.
struct CrossvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crossval",
        abstract: "Leave-one-source-out: per --data folder, train on the others, evaluate on it (real path); mean and worst.",
        discussion: """
            Takes every `leuko train` option. Weights go to OUT-DIR/holdout-NAME.safetensors (with \
            a .jsonl log and a .resume checkpoint; --resume continues a run, --reuse evaluates \
            weights already there). For a short-budget check use e.g. --epochs 10 \
            --steps-per-epoch 50; the model card's table uses the full budget. Prints a table and, \
            with --json, writes every source's `leuko eval` report and the mean and worst.
            """
    )

    @OptionGroup var training: TrainingArguments
    @Option(help: "Folder for the held-out runs' weights and logs.") var outDir: String
    @Option(help: "Write the summary (each source's eval report, mean, worst) as JSON here.") var json: String?
    @Option(help: "Test-time views for the evaluation (1, 2, 4 or 8).") var views = AnalyzerSettings().views
    @Flag(help: "Continue interrupted runs from their .resume checkpoints.") var resume = false
    @Flag(help: "Evaluate held-out weights already in --out-dir instead of training them again.") var reuse = false

    func validate() throws {
        guard training.dataDirectories.count >= 2 else { throw ValidationError("give at least two --data folders") }
        guard TestTimeViews.counts.contains(views) else { throw ValidationError("--views must be 1, 2, 4 or 8") }
    }

    func run() throws {
        Parallel.setThreads(training.threads)
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let command = (["leuko"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        var sources: [CrossValidationSummary.HeldOut] = []
        for directory in training.dataDirectories {
            let dataset = try Dataset.load(directory: directory)
            let weights = outDir + "/holdout-\(dataset.name).safetensors"
            var seconds = 0
            if !(reuse && FileManager.default.fileExists(atPath: weights)) {
                TrainLog.stderr("== \(dataset.name) held out: training on the others")
                let started = Date()
                let recipe = try training.recipe(holdOut: [dataset.name])
                let log = try TrainLog(path: weights + ".jsonl")
                let outcome = try recipe.run(try recipe.samples(), resumeURL: URL(fileURLWithPath: weights + ".resume"), resume: resume) { event in
                    TrainLog.report(event)
                    log.write(event)
                }
                seconds = Int(Date().timeIntervalSince(started))
                var metadata: [String: String] = [
                    "version": Leuko.version, "command": command, "held_out": dataset.name, "seed": String(training.seed),
                    "training": String(decoding: try JSONEncoder.sorted.encode(outcome.options), as: UTF8.self),
                    "training_seconds": String(seconds),
                ]
                if training.stainResidual { metadata[ModelFile.stainResidualKey] = "true" }
                if let t = outcome.analyzerTemperature { metadata[ModelFile.temperatureKey(views: AnalyzerSettings().views)] = String(t) }
                try ModelFile.save(outcome.network, temperature: outcome.temperature, extra: metadata, to: URL(fileURLWithPath: weights))
            }
            TrainLog.stderr("== \(dataset.name) held out: evaluating \(weights) on all \(dataset.records.count) images")
            var evaluation = RealPathEvaluation()
            evaluation.views = views
            evaluation.threads = training.threads
            evaluation.softwareVersion = Leuko.version
            let report = try evaluation.evaluate(try ModelFile.load(URL(fileURLWithPath: weights)), on: dataset, records: dataset.records)
            sources.append(.init(dataset: dataset.name, weights: weights, trainingSeconds: seconds, report: report))
        }
        let summary = CrossValidationSummary(sources: sources, command: command)
        print(summary.table)
        if let json {
            let encoder = JSONEncoder.sorted
            encoder.outputFormatting.insert(.prettyPrinted)
            try encoder.encode(summary).write(to: URL(fileURLWithPath: json), options: .atomic)
        }
    }
}
