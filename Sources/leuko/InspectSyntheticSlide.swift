import ArgumentParser
import ImageIO

/// `leuko synthetic-slide OUT`: writes a large deterministic tiled TIFF (hidden; for
/// measuring `leuko inspect --region` memory and speed on a slide-sized file).
struct InspectSyntheticSlideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic-slide",
        abstract: "Write a synthetic tiled RGB TIFF of any size, tile by tile (for measurements).",
        shouldDisplay: false
    )

    @Argument(help: "Output TIFF path.")
    var output: String

    @Option(help: "Size as WIDTHxHEIGHT.")
    var size: String = "20000x20000"

    @Option(help: "Tile edge in pixels (a multiple of 16).")
    var tile: Int = 512

    @Option(help: "none, lzw, deflate, jpeg or packbits.")
    var compression: String = "jpeg"

    @Flag(help: "Write BigTIFF (64-bit offsets).")
    var bigtiff = false

    @Option(help: "Pixel spacing in µm per pixel to record.")
    var spacing: Double?

    func run() throws {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
            throw ValidationError("--size must be WIDTHxHEIGHT, got '\(size)'")
        }
        guard let codec = TIFFWriteOptions.Compression(rawValue: compression) else {
            throw ValidationError("--compression must be one of none, lzw, deflate, jpeg, packbits")
        }
        let options = TIFFWriteOptions(layout: .tiles(width: tile, height: tile), compression: codec,
                                       jpegQuality: 85, bigTIFF: bigtiff)
        do {
            try SyntheticSlide.writeTIFF(to: output, width: parts[0], height: parts[1], options: options,
                                         pixelSpacing: spacing.map { PixelSpacing(x: $0, y: $0) })
        } catch let error as ImageIOError {
            print(error.description)
            throw ExitCode(InspectCommand.exitStatus(error.code))
        }
    }
}
