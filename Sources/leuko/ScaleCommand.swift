import Analysis
import Daemon
import ArgumentParser
import Foundation
import ImageIO

/// `leuko scale IMAGE…`: the pixel size each image has, from its file and as estimated from
/// its red cells (`RedCellScale`), so a lab can check what scale Leuko sees.
struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Print each image's pixel size: recorded in the file, and estimated from its red cells (7.5 µm across).",
        discussion: """
            The estimate is the median diameter of the red cells found in the image; images that \
            show fewer than 5 red cells get none. --resize F first resamples the image by F (to \
            check that estimates follow the magnification).
            """
    )

    @Argument(help: "Image files.") var images: [String]
    @Option(help: "Resample each image by this factor first (area averaging down, bilinear up).") var resize: Double?
    @Flag(help: "Print JSON (an array with one object per file).") var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        if let resize, !(resize > 0 && resize <= 8) { throw ValidationError("--resize must be in (0, 8]") }
    }

    struct Line: Codable {
        var image: String
        var width: Int
        var height: Int
        var fileMicronsPerPixel: Double?
        var estimate: RedCellScale.Estimate?

        enum CodingKeys: String, CodingKey {
            case image, width, height, fileMicronsPerPixel = "file_microns_per_pixel", estimate = "red_cell_estimate"
        }
    }

    func run() throws {
        var lines: [Line] = []
        var failed: Int32 = 0
        let scale = RedCellScale()
        for path in images {
            do {
                var raster = RGBRaster(image: try ImageReader.read(path))
                if let resize { raster = raster.resized(by: resize) }
                lines.append(Line(image: path, width: raster.width, height: raster.height,
                                  fileMicronsPerPixel: raster.pixelSpacing.map { ($0.x + $0.y) / 2 },
                                  estimate: scale.estimate(raster)))
            } catch {
                FileHandle.standardError.write(Data("leuko scale: \(path): \(error)\n".utf8))
                failed = ExitStatus.of(error).rawValue
            }
        }
        if json {
            print(String(decoding: try JSONEncoder.sorted.encode(lines), as: UTF8.self))
        } else {
            for line in lines {
                let file = line.fileMicronsPerPixel.map { String(format: "%.4f µm/px in the file", $0) } ?? "no pixel size in the file"
                let estimated = line.estimate.map {
                    String(format: "%.4f µm/px estimated (%d red cells, median %.1f px)", $0.micronsPerPixel, $0.cells, $0.medianDiameter)
                } ?? "too few red cells to estimate"
                print("\(line.image): \(line.width) x \(line.height); \(file); \(estimated)")
            }
        }
        if failed != 0 { throw ExitCode(failed) }
    }
}
