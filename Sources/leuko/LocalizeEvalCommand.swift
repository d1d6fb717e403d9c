import Analysis
import ArgumentParser
import CellModel
import Foundation

/// `leuko localize-eval --data DIR [--split val|all] [--json FILE]`: localisation quality of
/// one dataset folder as JSON (keys in `LocalizationReport`).
struct LocalizeEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localize-eval",
        abstract: "Measure WBC localisation against a dataset's boxes or masks; print JSON."
    )

    @Option(help: "Dataset folder (with index.csv).")
    var data: String

    @Option(help: "Which images: 'val' (the hash-based validation split) or 'all'.")
    var split: String = "val"

    @Option(help: "Also write the JSON to this file.")
    var json: String?

    func validate() throws {
        guard ["val", "all"].contains(split) else { throw ValidationError("--split must be 'val' or 'all', got '\(split)'") }
    }

    func run() throws {
        let dataset = try Dataset.load(directory: data)
        for p in dataset.problems { FileHandle.standardError.write(Data("skipped bad row: \(p)\n".utf8)) }
        let report = try LocalizationEvaluator().evaluate(dataset, split: split == "val" ? .validation : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = try encoder.encode(report)
        print(String(decoding: bytes, as: UTF8.self))
        if let json { try bytes.write(to: URL(fileURLWithPath: json)) }
    }
}
