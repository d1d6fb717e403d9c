import ArgumentParser
import Daemon
import Foundation
import ImageIO

/// `leuko inspect IMAGE…`: format, size, channels, bit depth, pages/tiles and pixel spacing
/// of each file; `--decode` decodes every pixel too; `--region` decodes one rectangle.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what each image file holds (format, size, channels, depth, pages/tiles, pixel spacing).",
        discussion: """
            Exit status: 0 when every file was read, 65 when a file is not a readable image \
            (corrupt, unsupported, over the limits), 66 when a file is missing or not a regular file.
            """
    )

    @Argument(help: "Image files (TIFF, PNG, JPEG, BMP; recognised by content, not name).")
    var images: [String]

    @Flag(help: "Print JSON (an array with one object per file).")
    var json = false

    @Flag(help: "Decode every pixel of every page, so a damaged body is caught, not just a good header.")
    var decode = false

    @Option(help: "Decode only this rectangle, given as x,y,width,height (tiled TIFF reads only the tiles it touches).")
    var region: String?

    @Option(help: "TIFF page for --region (default: the full-resolution page).")
    var page: Int?

    @Option(help: "Most pixels decoded at once (whole image or region).")
    var maxPixels: Int = ImageLimits.default.maxPixels

    @Option(help: "Largest width or height a header may announce.")
    var maxDimension: Int = ImageLimits.default.maxDimension

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        _ = try regionValues()
        guard maxPixels > 0, maxDimension > 0 else { throw ValidationError("limits must be positive") }
    }

    func regionValues() throws -> [Int]? {
        guard let region else { return nil }
        let parts = region.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--region must be x,y,width,height (four integers), got '\(region)'")
        }
        return parts.map { $0! }
    }

    func run() throws {
        let limits = ImageLimits(maxPixels: maxPixels, maxDimension: maxDimension)
        let reg = try regionValues()
        let reports = images.map {
            InspectReport.make(path: $0, decode: decode, region: reg, page: page, limits: limits)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            print(reports.map(\.text).joined(separator: "\n"))
        }
        if let failed = reports.first(where: { !$0.ok }) {
            throw ExitCode(Self.exitStatus(failed.errorCode))
        }
    }

    /// The exit status for an image that could not be read (`ExitStatus`).
    static func exitStatus(_ code: ImageIOError.Code?) -> Int32 {
        code.map { ExitStatus.of(imageCode: $0).rawValue } ?? ExitStatus.dataError.rawValue
    }
}
