import CellModel
import Foundation
import ImageIO
import ModelLab
import Testing
import TestSupport

/// `leuko adapt --verified`: onboarding from a lab's verified cells, end to end through the
/// binary. Bad folders are refused with the reason and nothing is written; weights that get
/// worse on the verified cells kept aside are refused too.
@Suite struct AdaptVerifiedCommandTests {
    static let ready = AnalyzeCommandTests.binary != nil

    /// A verified-cells folder: generated single-cell images and `index.csv` with `rows`.
    static func folder(rows: String, images: Int) throws -> ScratchFolder {
        let folder = try ScratchFolder(prefix: "verified")
        for i in 0..<images {
            try ImageWriter.writePNG(PipelineFixtures.field(width: 96, height: 96, cells: [(48, 48)], seed: UInt64(i + 1)).image(),
                                     to: folder.path + "/\(i).png")
        }
        try folder.write("index.csv", "image,class\n" + rows)
        return folder
    }

    @Test(.enabled(if: ready, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func badFoldersAreRefusedWithTheReasonAndNothingIsWritten() throws {
        let scratch = try ScratchFolder(prefix: "verified-out")
        defer { scratch.remove() }
        let weights = try AnalyzeCommandTests.weights(in: scratch.path)
        let cases: [(rows: String, reason: String)] = [
            ("0.png,neutrophil\n1.png,blast\n", "unknown class 'blast'"),
            ("0.png,neutrophil\nmissing.png,lymphocyte\n", "'missing.png' does not exist"),
            ("0.png,neutrophil\n1.png,neutrophil\n2.png,neutrophil\n", "at least two"),
            ("0.png,neutrophil\n1.png,mixed\n", "not one cell type"),
            ("", "lists no cells"),
        ]
        for (n, item) in cases.enumerated() {
            let folder = try Self.folder(rows: item.rows, images: 3)
            defer { folder.remove() }
            let out = scratch.path + "/adapted-\(n).safetensors"
            let r = try AnalyzeCommandTests.runLeuko(["adapt", "--verified", folder.path, "--weights", weights, "--out", out,
                                                      "--threads", "1", "--steps", "2"])
            #expect(r.status != 0 && r.error.contains(item.reason), "\(item.rows): \(r.error)")
            #expect(!FileManager.default.fileExists(atPath: out), "nothing written for \(item.reason)")
        }
        let nowhere = try AnalyzeCommandTests.runLeuko(["adapt", "--verified", scratch.path + "/nowhere", "--weights", weights,
                                                        "--out", scratch.path + "/x.safetensors"])
        #expect(nowhere.status != 0 && nowhere.error.contains("index.csv"), "\(nowhere.error)")
        let part = try AnalyzeCommandTests.runLeuko(["adapt", "--verified", scratch.path, "--weights", weights,
                                                     "--out", scratch.path + "/x.safetensors", "--tune", "head,everything"])
        #expect(part.status != 0 && part.error.contains("unknown part 'everything'"), "\(part.error)")
    }

    /// PBC cells as a lab's verified cells, with the bundled weights. Where the cells it fits
    /// on are labelled as the other type (neutrophils called lymphocytes and the reverse) and
    /// the cells it keeps aside are labelled truly, fine-tuning makes the weights worse on the
    /// cells kept aside: refused, nothing written. With true labels throughout: written.
    @Test(.enabled(if: ready && SharedDatasets.present && PipelineFixtures.bundledModelURL != nil,
                   "needs .build/debug/leuko, ../shared/datasets and the bundled model"))
    func weightsThatGetWorseOnTheCellsKeptAsideAreRefused() throws {
        let pbc = SharedDatasets.root! + "/pbc"
        let index = try String(contentsOfFile: pbc + "/index.csv", encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        func images(_ type: String) -> [String] {
            index.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { $0.count >= 2 && $0[1] == type }.prefix(8).map { pbc + "/" + $0[0] }
        }
        let (neutrophils, lymphocytes) = (images("neutrophil"), images("lymphocyte"))
        try #require(neutrophils.count == 8 && lymphocytes.count == 8)
        let labels = Array(repeating: "neutrophil", count: 8) + Array(repeating: "lymphocyte", count: 8)
        let classIndex = ["neutrophil": CellClass.neutrophil.index, "lymphocyte": CellClass.lymphocyte.index]
        let split = VerifiedCellSplit(classes: labels.map { classIndex[$0]! }, checkShare: 0.3, seed: 1)

        func run(swapFitCells: Bool) throws -> (status: Int32, output: String, error: String, written: Bool) {
            let folder = try ScratchFolder(prefix: "verified-pbc")
            defer { folder.remove() }
            var rows = "image,class\n"
            for (i, label) in labels.enumerated() {
                let own = label == "neutrophil" ? neutrophils[i % 8] : lymphocytes[i % 8]
                let other = label == "neutrophil" ? lymphocytes[i % 8] : neutrophils[i % 8]
                try FileManager.default.createSymbolicLink(atPath: folder.path + "/\(i).jpg",
                                                           withDestinationPath: swapFitCells && split.fit.contains(i) ? other : own)
                rows += "\(i).jpg,\(label)\n"
            }
            try folder.write("index.csv", rows)
            let out = folder.path + "/adapted.safetensors"
            let r = try AnalyzeCommandTests.runLeuko(["adapt", "--verified", folder.path, "--out", out, "--steps", "30",
                                                      "--learning-rate", "0.01", "--tune", "head,norms,last-stage", "--seed", "1"])
            return (r.status, r.output, r.error, FileManager.default.fileExists(atPath: out))
        }
        let swapped = try run(swapFitCells: true)
        #expect(swapped.status == 1 && swapped.error.contains("refused") && !swapped.written, "\(swapped.error)")
        let measured = try JSONSerialization.jsonObject(with: Data(swapped.output.utf8)) as? [String: Any]
        let (before, after) = (measured?["check_accuracy_before"] as? Double ?? 0, measured?["check_accuracy_after"] as? Double ?? 1)
        #expect(after < before, "\(swapped.output)")
        let honest = try run(swapFitCells: false)
        #expect(honest.status == 0 && honest.written, "\(honest.error)")
    }
}
