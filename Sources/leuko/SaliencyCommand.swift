import Analysis
import ArgumentParser
import Foundation
import ImageIO

/// `leuko saliency IMAGE -o out.png`: a gallery panel of the front half of the pipeline
/// (input | normalised | prior | candidates), and the candidates as JSON on stdout.
struct SaliencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saliency",
        abstract: "Write a panel: input, stain-normalised, saliency prior, candidate cells; print candidates as JSON."
    )

    @Argument(help: "Image file (TIFF, PNG, JPEG or BMP).")
    var image: String

    @Option(name: .shortAndLong, help: "Output PNG path.")
    var output: String

    @Flag(help: "Normalise keeping the stain residual, as weights trained with `leuko train --stain-residual` expect.")
    var stainResidual = false

    func run() throws {
        let input = RGBRaster(image: try ImageReader.read(image))
        var localizer = FieldLocalizer()
        localizer.normalizer.keepsResidual = stainResidual
        let result = try localizer.run(input)
        try ImageWriter.writePNG(SaliencyGallery.render(input: input, result: result).image(), to: output)
        let cells = result.candidates.map { c -> [String: Any] in
            ["box": [c.box.x0, c.box.y0, c.box.x1, c.box.y1], "center": [c.centerX, c.centerY],
             "diameter": c.diameter, "score": c.score, "touches_border": c.touchesBorder]
        }
        let summary: [String: Any] = [
            "image": image, "width": input.width, "height": input.height, "panel": output,
            "stain_fallback": result.stains.usedFallback, "threshold": Double(result.threshold), "candidates": cells,
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}
