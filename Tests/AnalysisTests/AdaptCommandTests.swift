import CellModel
import Foundation
import ImageIO
import NN
import Tensor
import Testing
import TestSupport
@testable import Analysis
@testable import ModelLab

/// `leuko adapt` end to end, and the crops it adapts on (`CandidateCropCollector`): every
/// candidate of every readable image, a broken file skipped with its reason.
@Suite struct AdaptCommandTests {
    /// A folder with three generated fields (2, 3 and 1 WBCs), a corrupt PNG and a text file.
    static func writeFields() throws -> ScratchFolder {
        let folder = try ScratchFolder(prefix: "adapt")
        let layouts: [[(Double, Double)]] = [[(80, 80), (220, 150)], [(60, 60), (170, 120), (260, 190)], [(160, 120)]]
        try FileManager.default.createDirectory(atPath: folder.path + "/fields", withIntermediateDirectories: true)
        for (i, cells) in layouts.enumerated() {
            try ImageWriter.writePNG(PipelineFixtures.field(cells: cells, seed: UInt64(i + 1)).image(), to: folder.path + "/fields/\(i).png")
        }
        try folder.write("fields/broken.png", "\u{89}PNG\r\n\u{1A}\nnot really a png")
        try folder.write("fields/notes.txt", "scanner 2, stain batch 7")
        return folder
    }

    @Test func collectorCropsEveryCandidateAndSkipsABrokenFile() throws {
        let folder = try Self.writeFields()
        defer { folder.remove() }
        let paths = ["0", "1", "broken", "2"].map { folder.path + "/fields/\($0).png" }
        let collection = CandidateCropCollector().collect(paths, threads: 2)
        #expect(collection.images == 3)
        #expect(collection.crops.count == 6, "one crop per WBC: \(collection.crops.count)")
        #expect(collection.crops.allSatisfy { $0.count == 4 * 128 * 128 })
        #expect(collection.failures.count == 1 && collection.failures[0].contains("broken.png"))
        #expect(collection.imagesRead == 4)
        var capped = CandidateCropCollector()
        capped.maxCropsPerImage = 1
        #expect(capped.collect(paths, threads: 1).crops.count == 3)
        var few = CandidateCropCollector()
        few.maxCrops = 4
        let some = few.collect(paths, threads: 2)
        #expect(some.crops.count == 4, "stops at the total cap")
        var strict = CandidateCropCollector()
        strict.limits = ImageLimits(maxPixels: 100 * 100)
        let refused = strict.collect(paths, threads: 1)
        #expect(refused.crops.isEmpty && refused.failures.count == 4)
        #expect(refused.failures.filter { $0.contains("decode limit") }.count == 3, "\(refused.failures)")
    }

    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func adaptWritesNewStatisticsAndKeepsTheWeights() throws {
        let folder = try Self.writeFields()
        defer { folder.remove() }
        let tiny = PipelineFixtures.tinyModel()
        let input = folder.path + "/tiny.safetensors", output = folder.path + "/adapted.safetensors"
        try ModelFile.save(tiny.network, temperature: 1.3, extra: ["model": "tiny-test"], to: URL(fileURLWithPath: input))

        // Folders are searched recursively; hidden files are not images to adapt on.
        try FileManager.default.createDirectory(atPath: folder.path + "/fields/more", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder.path + "/fields/0.png", toPath: folder.path + "/fields/more/3.png")
        try FileManager.default.copyItem(atPath: folder.path + "/fields/0.png", toPath: folder.path + "/fields/.hidden.png")
        let r = try AnalyzeCommandTests.runLeuko(["adapt", folder.path + "/fields", "--weights", input, "--out", output,
                                                  "--threads", "1"])
        #expect(r.status == 0, "\(r.error)")
        #expect(r.error.contains("skipped") && r.error.contains("broken.png"), "\(r.error)")
        let printed = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any]
        #expect(printed?["images"] as? Int == 4 && printed?["failed_images"] as? Int == 1)
        #expect(printed?["images_given"] as? Int == 5 && printed?["images_read"] as? Int == 5, "neither the text nor the hidden file")
        #expect((printed?["batch_norm"] as? [String: Any])?["crops"] as? Int == 8)

        let original = try ModelFile.load(URL(fileURLWithPath: input)), adapted = try ModelFile.load(URL(fileURLWithPath: output))
        #expect(adapted.metadata["adaptation"]?.contains("\"adapted_from_sha256\":\"\(original.sha256!)\"") == true)
        #expect(adapted.metadata["adaptation_command"]?.hasPrefix("leuko adapt") == true)
        #expect(adapted.temperature == 1.3)
        #expect(adapted.metadata["version"] == "unversioned+adapted")
        func values(_ tensors: [(String, Tensor)]) -> [[Float]] {
            tensors.map { Array(UnsafeBufferPointer(start: $0.1.data, count: $0.1.count)) }
        }
        #expect(values(original.network.namedParameters().map { ($0.0, $0.1.value) })
                == values(adapted.network.namedParameters().map { ($0.0, $0.1.value) }), "learned weights changed")
        #expect(values(original.network.namedBuffers()) != values(adapted.network.namedBuffers()), "statistics unchanged")

        let same = try AnalyzeCommandTests.runLeuko(["adapt", folder.path + "/fields", "--weights", input, "--out", input])
        #expect(same.status != 0 && same.error.contains("new file"), "\(same.error)")
        let missing = try AnalyzeCommandTests.runLeuko(["adapt", folder.path + "/nowhere", "--weights", input, "--out", output + "3"])
        #expect(missing.status != 0 && missing.error.contains("no such file or folder"), "\(missing.error)")
        let empty = try ScratchFolder(prefix: "adapt-empty")
        defer { empty.remove() }
        let none = try AnalyzeCommandTests.runLeuko(["adapt", empty.path, "--weights", input, "--out", output + "2"])
        #expect(none.status != 0 && none.error.contains("found 0 cells"), "\(none.error)")
    }
}
