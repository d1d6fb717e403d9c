import Foundation
import Testing
import TestSupport
@testable import Analysis
import CellModel
@testable import ModelLab

/// The shipped weights still do what their model card says: on a fixed subset of the PBC
/// validation split, through the real path (localise -> crop -> network), accuracy is at least
/// 0.9 x the PBC accuracy the card reports. Catches a stale card, a weights file that no longer
/// matches the code (localisation, crop scale, network layout) and a broken loader.
@Suite struct BundledModelAccuracyTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let weights = packageRoot.appendingPathComponent("Models/leuko-wbc-v1.safetensors")
    static let card = packageRoot.appendingPathComponent("Models/leuko-wbc-v1.md")
    /// Images per class in the fixed subset (the first ones in index order).
    static let perClass = 6

    /// The PBC accuracy from the card's real-path table: the first table after the heading
    /// that names `leuko eval`, in its row `| pbc | IMAGES | ACCURACY | ...`.
    static func cardAccuracy(dataset: String) throws -> Double {
        let text = try String(contentsOf: card, encoding: .utf8)
        guard let heading = text.range(of: "## Validation metrics (leuko eval)") else {
            throw CardError("no '## Validation metrics (leuko eval)' heading in \(card.path)")
        }
        for line in text[heading.upperBound...].split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 3, cells[0] == dataset, let accuracy = Double(cells[2]) { return accuracy }
        }
        throw CardError("no '| \(dataset) | images | accuracy |' row under the heading")
    }

    struct CardError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test(.enabled(if: SharedDatasets.present, "../shared/datasets is absent (a fresh clone): nothing to evaluate on"))
    func bundledWeightsReachTheCardAccuracyOnAValidationSubset() throws {
        let expected = try Self.cardAccuracy(dataset: "pbc")
        let model = try ModelFile.load(Self.weights)
        let dataset = try Dataset.load(directory: SharedDatasets.root! + "/pbc")
        var subset: [DatasetRecord] = []
        for cellClass in CellClass.allCases {
            subset += dataset.records(in: .validation).filter { $0.label.cellClass == cellClass }.prefix(Self.perClass)
        }
        #expect(subset.count == Self.perClass * CellClass.allCases.count)
        let predictor = CropPredictor(network: model.network, temperature: model.temperature)
        let report = try DatasetEvaluator(predictor: predictor).evaluate(dataset, records: subset)
        #expect(report.failures.isEmpty)
        #expect(report.accuracy >= 0.9 * expected,
                "accuracy \(report.accuracy) on \(subset.count) PBC validation images; the card says \(expected)")
    }

    @Test func cardParserReadsTheRealPathTable() throws {
        // The card must carry the heading and a PBC row the test above relies on.
        let accuracy = try Self.cardAccuracy(dataset: "pbc")
        #expect(accuracy > 0 && accuracy <= 1)
    }
}
