import Analysis
import ArgumentParser
import CellModel
import Foundation
import ModelLab

/// `leuko localize-eval --data DIR [--split validation|train|all] [--json FILE]`: localisation quality of
/// one dataset folder as JSON (keys in `LocalizationReport`).
struct LocalizeEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize-eval",
        abstract: "Measure WBC localisation against a dataset's boxes or masks; print JSON."
    )

    @Option(help: "Dataset folder (with index.csv).")
    var data: String

    @Option(help: "Which images: 'validation' or 'val' (the hash-based validation split), 'train' (the rest) or 'all'.")
    var split: SplitChoice = .validation

    @Option(help: "Also write the JSON to this file.")
    var json: String?

    @Flag(help: "Also list the errors: box datasets each image's missed boxes (with the best IoU reached) and false positives, single-cell datasets each image whose cell was not located.")
    var details = false

    @Option(help: ArgumentHelp("Override CandidateParameters.lobeBridgeFraction (tuning).", visibility: .hidden))
    var lobeBridgeFraction: Float?

    @Option(help: ArgumentHelp("Override CandidateParameters.maxBridgeAreaRatio (tuning).", visibility: .hidden))
    var maxBridgeAreaRatio: Double?

    @Option(help: ArgumentHelp("Override CandidateParameters.cellBoxMarginFraction (tuning).", visibility: .hidden))
    var cellBoxMarginFraction: Double?

    @Option(help: ArgumentHelp("Override CandidateParameters.lobeGapFraction (tuning).", visibility: .hidden))
    var lobeGapFraction: Double?

    @Option(help: ArgumentHelp("Override CandidateParameters.lobeGapSmallerPieceFactor (tuning).", visibility: .hidden))
    var lobeGapSmallerPieceFactor: Double?

    @Option(help: ArgumentHelp("Override CandidateParameters.lobeWaistFraction (tuning; 0 = off).", visibility: .hidden))
    var lobeWaistFraction: Double?

    @Option(help: ArgumentHelp("Override CandidateParameters.lobeWaistDensityThreshold (tuning).", visibility: .hidden))
    var lobeWaistDensity: Float?

    func run() throws {
        let dataset = try Dataset.load(directory: data)
        for p in dataset.problems { FileHandle.standardError.write(Data("skipped bad row: \(p)\n".utf8)) }
        var evaluator = LocalizationEvaluator()
        if let maxBridgeAreaRatio { evaluator.localizer.detector.parameters.maxBridgeAreaRatio = maxBridgeAreaRatio }
        if let cellBoxMarginFraction { evaluator.localizer.detector.parameters.cellBoxMarginFraction = cellBoxMarginFraction }
        if let lobeGapFraction { evaluator.localizer.detector.parameters.lobeGapFraction = lobeGapFraction }
        if let lobeGapSmallerPieceFactor { evaluator.localizer.detector.parameters.lobeGapSmallerPieceFactor = lobeGapSmallerPieceFactor }
        if let lobeWaistDensity { evaluator.localizer.detector.parameters.lobeWaistDensityThreshold = lobeWaistDensity }
        if let lobeWaistFraction { evaluator.localizer.detector.parameters.lobeWaistFraction = lobeWaistFraction }
        if let lobeBridgeFraction { evaluator.localizer.detector.parameters.lobeBridgeFraction = lobeBridgeFraction }
        let report = try evaluator.evaluate(dataset, split: split.datasetSplit, details: details)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = try encoder.encode(report)
        print(String(decoding: bytes, as: UTF8.self))
        if let json { try bytes.write(to: URL(fileURLWithPath: json)) }
    }
}
