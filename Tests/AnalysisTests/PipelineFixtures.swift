import CellModel
import Foundation
import ImageIO
@testable import Analysis

/// Inputs for the pipeline tests: synthetic smear fields with WBCs at known places, and
/// networks (a tiny randomly initialised one for speed in debug builds, the bundled weights
/// where the test needs a network that segments).
enum PipelineFixtures {
    static let stains = StainMatrix(nucleus: SIMD3(0.45, 0.88, 0.15), counter: SIMD3(0.70, 0.66, 0.25),
                                    maxConcentration: SIMD2(1, 1))

    /// A `width x height` field of red cells with a WBC (nucleus radius `r`, cytoplasm 1.8 r)
    /// at each centre.
    static func field(width: Int = 320, height: Int = 240, cells: [(Double, Double)], r: Double = 14,
                      seed: UInt64 = 3) -> RGBRaster {
        var s = SyntheticSmear(width: width, height: height)
        var rng = TestRandom(state: seed)
        for _ in 0..<(width * height / 2500) {
            s.disc(x: rng.next() * Double(width), y: rng.next() * Double(height), r: 11, counter: 0.3, replace: true)
        }
        for (x, y) in cells {
            s.disc(x: x, y: y, r: 1.8 * r, nucleus: 0.08, counter: 0.08, replace: true)
            s.disc(x: x, y: y, r: r, nucleus: 0.9, counter: 0.05, replace: true)
        }
        return s.render(stains: stains)
    }

    /// A network with the product's crop size and heads but tiny widths
    /// (`NetworkConfiguration.tiny`): fast in debug builds, random answers.
    static func tinyModel(seed: UInt64 = 7) -> ModelFile {
        ModelFile(network: SGCLDFFNetwork(.tiny, seed: seed), temperature: 1,
                  metadata: ["model": "tiny-test", "version": "0"], sha256: String(repeating: "0", count: 64))
    }

    /// The bundled weights, when the repository has them.
    static var bundledModelURL: URL? {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/leuko-wbc-v1.safetensors")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static func analyzer(_ model: ModelFile = tinyModel(), configure: (inout AnalyzerSettings) -> Void = { _ in })
        throws -> ImageAnalyzer {
        var settings = AnalyzerSettings()
        settings.threads = 1
        configure(&settings)
        return try ImageAnalyzer(model: model, settings: settings, softwareVersion: "test")
    }
}
