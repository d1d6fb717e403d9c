import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab
import Tensor

/// `leuko eval`: scores weights on a dataset folder through the real analysis path.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate weights on a dataset folder (index.csv layout): accuracy, macro-F1, per class, confusion, ECE, mask IoU/Dice; on box datasets also WBC detection (recall, precision at IoU >= 0.5, type accuracy), on single-cell datasets whether the analyzer counts each image's WBC."
    )

    @Option(help: "Dataset folder.") var data: String
    @Option(help: "Weights file (default: the bundled model).") var weights: String?
    @Option(help: "Also write the JSON report to this file.") var json: String?
    @Option(help: "Which part of the folder: all, train or validation (also 'val'; the file-name hash split).")
    var split: SplitChoice = .all
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Test-time views averaged per crop: 1, 2, 4 or 8 turned/flipped copies.")
    var views = AnalyzerSettings().views
    @Option(help: "Review threshold scored in 'review': flag crops whose calibrated probability is below this.")
    var lowConfidence = AnalyzerSettings().lowConfidence
    @Option(help: "Review threshold scored in 'review': flag crops whose Grad-CAM consistency is below this.")
    var lowConsistency = AnalyzerSettings().lowConsistency
    @Flag(help: "Also list every wrongly typed crop (image, crop number, true and predicted class, probability) under 'misclassified'.")
    var details = false

    func run() throws {
        Parallel.setThreads(threads)
        let model = try ModelFile.load(BundledModel.resolve(weights))
        let dataset = try Dataset.load(directory: data)
        let records = split.datasetSplit.map { dataset.records(in: $0) } ?? dataset.records
        guard TestTimeViews.counts.contains(views) else { throw ValidationError("--views must be 1, 2, 4 or 8") }
        guard (0...1).contains(lowConfidence), (0...1).contains(lowConsistency) else {
            throw ValidationError("--low-confidence and --low-consistency must be in [0, 1]")
        }
        var evaluation = RealPathEvaluation()
        evaluation.views = views
        evaluation.threads = threads
        evaluation.lowConfidence = lowConfidence
        evaluation.lowConsistency = lowConsistency
        evaluation.listsMisclassified = details
        evaluation.softwareVersion = Leuko.version
        let report = try evaluation.evaluate(model, on: dataset, records: records)
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        let text = String(decoding: try encoder.encode(report), as: UTF8.self)
        print(text)
        if let json { try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: json), options: .atomic) }
    }
}
