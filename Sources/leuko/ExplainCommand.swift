import Analysis
import ArgumentParser
import CellModel
import Foundation
import ImageIO
import Reporting
import Tensor

/// `leuko explain IMAGE -o DIR`: why the network typed each cell as it did. For every cell
/// of the image it writes `cell-NNN.png` (the crop the network saw | its predicted
/// nucleus/cytoplasm mask | the Grad-CAM of the predicted class over the crop) and
/// `explain.json` (type, calibrated probability, runner-up, saliency-consistency, flags), and
/// prints one line per cell. The same analysis as `leuko analyze`, without the report set.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show what the network looked at: per cell, crop | mask | Grad-CAM side by side, and the consistency score.",
        discussion: """
        Consistency is the share of the Grad-CAM mass inside the predicted cell mask (1: the \
        network looked only at the cell). Cells below --low-consistency or --low-confidence are \
        flagged for review, as in `leuko analyze`. Exit statuses as for `leuko analyze` (README).
        """
    )

    @Argument(help: "An image file (a smear field, a single-cell image or a slide).") var image: String
    @Option(name: .shortAndLong, help: "Output folder (created).") var output: String
    @Option(help: "Weights file (default: $LEUKO_MODEL, else the bundled model).") var weights: String?
    @Option(help: "Threads for the network.") var threads = 2
    @Option(help: "Flag cells whose Grad-CAM consistency is below this.") var lowConsistency = AnalyzerSettings().lowConsistency
    @Option(help: "Flag cells whose calibrated probability is below this.") var lowConfidence = AnalyzerSettings().lowConfidence

    /// One cell in `explain.json`.
    struct CellExplanation: Codable, Equatable {
        var number: Int
        var type: String
        var probability: Double
        var runnerUp: String?
        var runnerUpProbability: Double?
        var consistency: Double?
        var flags: [String]
        var image: String

        enum CodingKeys: String, CodingKey {
            case number, type, probability, consistency, flags, image
            case runnerUp = "runner_up"
            case runnerUpProbability = "runner_up_probability"
        }
    }

    /// The whole of `explain.json`.
    struct Explanation: Codable, Equatable {
        var source: String
        var model: String
        var weightsSHA256: String
        var cells: [CellExplanation]

        enum CodingKeys: String, CodingKey {
            case source, model, cells
            case weightsSHA256 = "weights_sha256"
        }
    }

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        Parallel.setThreads(threads)
        var settings = AnalyzerSettings()
        settings.threads = threads
        settings.lowConsistency = lowConsistency
        settings.lowConfidence = lowConfidence
        settings.keepCellImages = true
        let analysis = try AnalyzeCommand.exitOnFailure(image) {
            let model = try ModelFile.load(BundledModel.resolve(weights))
            let analyzer = try ImageAnalyzer(model: model, settings: settings, softwareVersion: Leuko.version)
            return try analyzer.analyze(path: image)
        }
        let explanation = try AnalyzeCommand.exitOnFailure(image) { try write(analysis) }
        if explanation.cells.isEmpty { print("\(image): no cells found") }
        for cell in explanation.cells {
            var line = String(format: "cell %3d  %-12@ p=%.3f", cell.number, cell.type as NSString, cell.probability)
            if let runnerUp = cell.runnerUp, let p = cell.runnerUpProbability {
                line += String(format: "  runner-up %@ %.3f", runnerUp as NSString, p)
            }
            if let c = cell.consistency { line += String(format: "  consistency %.2f", c) }
            if !cell.flags.isEmpty { line += "  [" + cell.flags.joined(separator: ", ") + "]" }
            print(line + "  -> " + output + "/" + cell.image)
        }
    }

    /// Writes the cell pictures and `explain.json` into the output folder (each file atomically).
    func write(_ analysis: ImageAnalysis) throws -> Explanation {
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw ReportingError(.outputDirectory, path: output, "cannot create it: \(error.localizedDescription)")
        }
        var cells: [CellExplanation] = []
        for cell in analysis.cells {
            let name = String(format: "cell-%03d.png", cell.number)
            if cell.images != nil {
                try ImageWriter.writePNG(CellTileRenderer.render(cell), to: output + "/" + name)
            }
            cells.append(CellExplanation(
                number: cell.number, type: cell.cellClass.rawValue, probability: cell.probability,
                runnerUp: cell.runnerUp?.cellClass.rawValue, runnerUpProbability: cell.runnerUp?.probability,
                consistency: cell.consistency, flags: cell.flags.sorted().map(\.rawValue),
                image: cell.images != nil ? name : ""))
        }
        let explanation = Explanation(source: analysis.source.path, model: analysis.model.name + " " + analysis.model.version,
                                      weightsSHA256: analysis.model.weightsSHA256, cells: cells)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(explanation)), to: output + "/explain.json")
        return explanation
    }
}
