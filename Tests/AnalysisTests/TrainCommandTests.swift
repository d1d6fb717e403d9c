import CellModel
import Foundation
import Testing
import TestSupport
@testable import Analysis

/// `leuko train` end to end on a tiny generated dataset: `--stain-residual` is recorded in the
/// weights (so analysis normalises alike), fine-tuning across normalisations is refused, and a
/// `--weight` naming no trained dataset is reported rather than silently ignored.
@Suite struct TrainCommandTests {
    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func stainResidualIsRecordedAndFineTuningMustMatchIt() throws {
        let folder = try TrainingDataTests.writeDataset(count: 10, classes: ["lymphocyte", "monocyte"])
        defer { folder.remove() }
        let out = folder.path + "/residual.safetensors"
        let quick = ["--epochs", "1", "--steps-per-epoch", "1", "--batch-size", "2", "--threads", "1"]
        let r = try AnalyzeCommandTests.runLeuko(["train", "--data", folder.path, "--stain-residual", "--weight", "nosuch=2",
                                                  "--out", out] + quick)
        #expect(r.status == 0, "\(r.error)")
        #expect(r.error.contains("warning: --weight nosuch"), "\(r.error)")
        let model = try ModelFile.load(URL(fileURLWithPath: out))
        #expect(model.keepsStainResidual)
        #expect(FieldLocalizer(for: model).normalizer.keepsResidual)

        let refused = try AnalyzeCommandTests.runLeuko(["train", "--data", folder.path, "--init-weights", out,
                                                        "--out", folder.path + "/plain.safetensors"] + quick)
        #expect(refused.status != 0)
        #expect(refused.error.contains("--stain-residual"), "\(refused.error)")
        #expect(!refused.error.contains("images ->"), "refused only after localising the data: \(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/plain.safetensors"))
    }
}
