import CellModel
import Foundation
import ImageIO
import ModelLab
import NN
import Testing
import TestSupport
@testable import Analysis

/// Leave-one-source-out without leakage (`TrainingRecipe`, which `leuko crossval` runs per
/// source): a held-out source reaches neither the training crops (its cells nor its
/// negatives) nor the temperature fit, and is still measured.
extension MemoryCeilingTests { @Suite struct TrainingRecipeTests {
    /// Three small box-annotated sources (`alpha`, `beta`, `gamma`), 12 fields each (the field
    /// of `NegativeSampleTests`: one annotated WBC, red cells elsewhere for negatives).
    static func sources() throws -> (root: ScratchFolder, folders: [String]) {
        let root = try ScratchFolder(prefix: "recipe")
        let field = try NegativeSampleTests.writeField()
        defer { field.remove() }
        var folders: [String] = []
        for name in ["alpha", "beta", "gamma"] {
            let folder = root.path + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var index = "image,annotation,raw_label,class,wbc_boxes\n"
            for i in 0..<12 {
                try FileManager.default.copyItem(atPath: field.path + "/field.png", toPath: folder + "/\(name)-\(i).png")
                try FileManager.default.copyItem(atPath: field.path + "/field.xml", toPath: folder + "/\(name)-\(i).xml")
                index += "\(name)-\(i).png,\(name)-\(i).xml,LYMPHOCYTE,\(i % 3 == 0 ? "neutrophil" : "lymphocyte"),1\n"
            }
            try Data(index.utf8).write(to: URL(fileURLWithPath: folder + "/index.csv"))
            folders.append(folder)
        }
        return (root, folders)
    }

    static func recipe(_ folders: [String], holdOut: Set<String>) -> TrainingRecipe {
        var recipe = TrainingRecipe(dataDirectories: folders)
        recipe.holdOut = holdOut
        recipe.negatives = 2
        recipe.options.network = .tiny
        recipe.options.epochs = 1
        recipe.options.stepsPerEpoch = 2
        recipe.options.batchSize = 4
        recipe.options.threads = 2
        return recipe
    }

    @Test func aHeldOutSourceNeverReachesTrainingOrCalibration() throws {
        let (root, folders) = try Self.sources()
        defer { root.remove() }
        let all = try Self.recipe(folders, holdOut: []).samples()
        let names = Set(all.training.map(\.dataset))
        // Without a hold-out every source trains, cells and negatives (so the checks below can fail).
        #expect(names.isSuperset(of: ["alpha", "beta", "gamma", "gamma-negatives"]), "\(names.sorted())")
        #expect(all.validation.contains { $0.dataset == "gamma" }, "gamma has validation crops")

        let held = try Self.recipe(folders, holdOut: ["gamma"]).samples()
        #expect(!held.training.contains { $0.dataset.hasPrefix("gamma") }, "no gamma cell and no gamma negative trains")
        #expect(!held.calibration.contains { $0.dataset.hasPrefix("gamma") }, "calibration without gamma")
        #expect(held.validation.contains { $0.dataset == "gamma" }, "gamma is still measured")
        #expect(held.calibration.count == held.validation.filter { !$0.dataset.hasPrefix("gamma") }.count)

        // The temperature is fitted on the trained sources' validation crops alone.
        let outcome = try Self.recipe(folders, holdOut: ["gamma"]).run(held) { _ in }
        #expect(outcome.temperature == TemperatureFit.fit(outcome.network, samples: held.calibration, views: 1))
        #expect(outcome.validation.datasets["gamma"] != nil, "the held-out source appears in the run's validation")
    }

    /// `leuko crossval` end to end at a token budget: one held-out run per source, each
    /// evaluated on every image of its source; the mean and worst are those of the rows.
    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func crossvalTrainsOnePerSourceAndReportsTheMeanAndWorst() throws {
        let (root, folders) = try Self.sources()
        defer { root.remove() }
        let json = root.path + "/crossval.json"
        let r = try AnalyzeCommandTests.runLeuko(["crossval"] + folders.flatMap { ["--data", $0] } + [
            "--out-dir", root.path + "/runs", "--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "2",
            "--max-images", "4", "--threads", "2", "--views", "1", "--json", json])
        #expect(r.status == 0, "\(r.error.suffix(2000))")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let sources = try #require(summary["sources"] as? [[String: Any]])
        #expect(sources.map { $0["dataset"] as? String } == ["alpha", "beta", "gamma"])
        let accuracies = sources.compactMap { ($0["report"] as? [String: Any])?["accuracy"] as? Double }
        #expect(accuracies.count == 3)
        #expect(abs((summary["mean_accuracy"] as? Double ?? -1) - accuracies.reduce(0, +) / 3) < 1e-9)
        #expect(summary["worst_accuracy"] as? Double == accuracies.min())
        for name in ["alpha", "beta", "gamma"] {
            let weights = try ModelFile.load(URL(fileURLWithPath: root.path + "/runs/holdout-\(name).safetensors"))
            #expect(weights.metadata["held_out"] == name)
            #expect(((sources.first { $0["dataset"] as? String == name }?["report"] as? [String: Any])?["images"] as? Int) == 12,
                    "evaluated on every image of the held-out source")
        }
        #expect(r.output.contains("| mean |") && r.output.contains("| worst ("))
    }
} }
