import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

/// Runs the built `leuko explain` with the tiny test network: one picture per cell (crop |
/// mask | Grad-CAM, three 128-px panels) and explain.json agreeing with the printed lines.
@Suite struct ExplainCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try AnalyzeCommandTests.runLeuko(["explain"] + arguments)
    }

    /// A scratch folder holding the tiny test network's weights and `field.png`, a field with
    /// two cells.
    static func twoCellField() throws -> (scratch: ScratchFolder, weights: String) {
        let scratch = try ScratchFolder(prefix: "explain-cli")
        let weights = try AnalyzeCommandTests.weights(in: scratch.path)
        try ImageWriter.writePNG(PipelineFixtures.field(cells: [(70, 70), (230, 90)]).image(), to: scratch.path + "/field.png")
        return (scratch, weights)
    }

    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func writesOnePicturePerCellAndTheExplanation() throws {
        let (scratch, weights) = try Self.twoCellField()
        defer { scratch.remove() }
        let r = try Self.run([scratch.path + "/field.png", "-o", scratch.path + "/out", "--weights", weights, "--threads", "1"])
        #expect(r.status == 0, "\(r.error)")
        #expect(AnalyzeCommandTests.files(scratch.path + "/out") == ["cell-001.png", "cell-002.png", "explain.json"])
        let picture = try ImageReader.read(scratch.path + "/out/cell-001.png")
        #expect(picture.height == 128 && picture.width == 3 * 128 + 2 * 4)
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/out/explain.json"))) as? [String: Any])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 2)
        #expect(cells.map { $0["number"] as? Int } == [1, 2])
        for cell in cells {
            let p = try #require(cell["probability"] as? Double)
            #expect(p > 0 && p <= 1)
            let consistency = try #require(cell["consistency"] as? Double)
            #expect(consistency >= 0 && consistency <= 1)
            let type = try #require(cell["type"] as? String)
            #expect(r.output.contains(type))
        }
        #expect(r.output.split(separator: "\n").count == 2)
    }

    /// The review thresholds given on the command line decide the flags in explain.json.
    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func reviewThresholdsSetTheFlags() throws {
        let (scratch, weights) = try Self.twoCellField()
        defer { scratch.remove() }
        func flags(_ thresholds: [String], _ folder: String) throws -> [[String]] {
            let r = try Self.run([scratch.path + "/field.png", "-o", scratch.path + "/" + folder, "--weights", weights,
                                  "--threads", "1"] + thresholds)
            #expect(r.status == 0, "\(r.error)")
            let json = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/" + folder + "/explain.json"))) as? [String: Any])
            return try #require(json["cells"] as? [[String: Any]]).map { $0["flags"] as? [String] ?? [] }
        }
        let strict = try flags(["--low-confidence", "1", "--low-consistency", "1.0"], "strict")
        #expect(!strict.isEmpty && strict.allSatisfy { $0.contains("low_confidence") && $0.contains("low_consistency") })
        let lenient = try flags(["--low-confidence", "0", "--low-consistency", "0"], "lenient")
        #expect(lenient.count == strict.count && lenient.allSatisfy { !$0.contains("low_confidence") && !$0.contains("low_consistency") })
    }

    @Test(.enabled(if: AnalyzeCommandTests.binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func unreadableImageFailsWithTheDataErrorStatus() throws {
        let scratch = try ScratchFolder(prefix: "explain-cli")
        defer { scratch.remove() }
        try scratch.write("broken.png", "not a png")
        let r = try Self.run([scratch.path + "/broken.png", "-o", scratch.path + "/out"])
        #expect(r.status == 65, "\(r.error)")
        #expect(r.error.contains("broken.png"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out/explain.json"))
    }
}
