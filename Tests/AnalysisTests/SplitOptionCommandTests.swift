import Foundation
import Testing
import TestSupport
@testable import Analysis

/// `leuko localize-eval` and `leuko eval` take the same `--split` words: `validation` and its
/// short form `val` name the same images, and an unknown word is refused with the choices.
@Suite struct SplitOptionCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try AnalyzeCommandTests.runLeuko(arguments)
    }

    static func images(_ output: String) throws -> Int {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return try #require(object["images"] as? Int)
    }

    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func localizeEvalTakesValidationValTrainAndAll() throws {
        let folder = try TrainingDataTests.writeDataset(count: 12, classes: ["lymphocyte"])
        defer { folder.remove() }
        var counts: [String: Int] = [:]
        for split in ["validation", "val", "train", "all"] {
            let r = try Self.run(["localize-eval", "--data", folder.path, "--split", split])
            #expect(r.status == 0, "\(split): \(r.error)")
            counts[split] = try Self.images(r.output)
        }
        #expect(counts["validation"] == counts["val"])
        #expect(counts["all"] == 12)
        #expect(counts["train"].map { $0 + counts["val"]! } == 12)
        let bad = try Self.run(["localize-eval", "--data", folder.path, "--split", "holdout"])
        #expect(bad.status != 0)
        #expect(bad.error.contains("validation") && bad.error.contains("train"))
    }

    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func evalRefusesAnUnknownSplitBeforeLoadingAnything() throws {
        let r = try Self.run(["eval", "--data", "/nonexistent", "--split", "holdout"])
        #expect(r.status != 0)
        #expect(r.error.contains("holdout") && r.error.contains("validation"))
    }
}
