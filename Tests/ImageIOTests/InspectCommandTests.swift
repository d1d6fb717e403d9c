import Foundation
import Testing
@testable import ImageIO

/// Runs the built `leuko inspect` binary: the command wiring, the JSON flag and the exit
/// statuses README lists. Skipped (with the reason) when the binary has not been built.
@Suite struct InspectCommandTests {
    static let binary: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/leuko").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        process.arguments = ["inspect"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func inspectPrintsFactsAndExitStatuses() throws {
        let dir = try Fixtures.scratch()
        defer { Fixtures.remove(dir) }
        try ImageWriter.writeBMP(Fixtures.noise(width: 12, height: 10, channels: 3), to: "\(dir)/a.bmp")
        try ImageWriter.writeJPEG(Fixtures.smooth(width: 32, height: 16), to: "\(dir)/b.jpg")
        try ImageWriter.writeTIFF(Fixtures.smooth(width: 64, height: 48), to: "\(dir)/c.tif",
                                  options: TIFFWriteOptions(layout: .tiles(width: 16, height: 16), compression: .deflate, bigTIFF: true))
        let ok = try run(["--decode", "\(dir)/a.bmp", "\(dir)/b.jpg", "\(dir)/c.tif"])
        #expect(ok.status == 0)
        #expect(ok.output.contains("  format: BMP (bottom-up)\n  size: 12 x 10"))
        #expect(ok.output.contains("  format: JPEG\n  size: 32 x 16"))
        #expect(ok.output.contains("  format: TIFF (BigTIFF)\n  size: 64 x 48"))
        #expect(ok.output.contains("  layout: tiles 16 x 16"))
        #expect(ok.output.components(separatedBy: " ok\n").count == 4)

        let json = try run(["--json", "\(dir)/c.tif"])
        let reports = try JSONDecoder().decode([InspectReport].self, from: Data(json.output.utf8))
        #expect(json.status == 0 && reports.count == 1 && reports[0].info?.tileWidth == 16 && reports[0].info?.bigTIFF == true)

        try Fixtures.write(Array("not an image".utf8), "\(dir)/d.png")
        #expect(try run(["\(dir)/a.bmp", "\(dir)/d.png"]).status == 65)
        #expect(try run(["\(dir)/missing.tif"]).status == 66)
        #expect(try run([dir]).status == 66)
        #expect(try run(["--region", "1,2", "\(dir)/a.bmp"]).status == 64)
    }
}
