import Foundation
import ImageIO
import Testing
@testable import Reporting

/// The written report.html rendered by headless Chromium: it must load (relative images,
/// no script) and produce a screenshot. Set LEUKO_KEEP_REPORT=DIR to keep the report folder
/// and screenshot there for a person to look at.
@Suite(.enabled(if: ExternalTool.chromium != nil, "needs chromium (see .ci/run): HTML rendering test skipped"))
struct HTMLRenderingTests {
    @Test func chromiumRendersTheReport() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("report")
        try ReportWriter().write(ReportFixtures.analysis(), to: out)
        let shot = scratch.url.appendingPathComponent("screenshot.png")
        let result = try ExternalTool.run(ExternalTool.chromium!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--user-data-dir=\(scratch.url.appendingPathComponent("profile").path)",
            "--screenshot=\(shot.path)", "--window-size=1200,1600",
            out.appendingPathComponent("report.html").absoluteString,
        ], timeout: 90)
        #expect(!result.timedOut, "chromium did not finish in 90 s")
        #expect(result.status == 0, "chromium failed: \(result.stderr)")
        let image = try ImageReader.read(shot.path)
        #expect(image.width == 1200 && image.height == 1600)
        // Not a blank page: the overlay and swatches put the palette's colours on screen.
        let samples = image.samples8, c = image.channels
        let blue = CellPalette.rgb(.neutrophil)
        var bluePixels = 0, nonWhite = 0
        for i in stride(from: 0, to: samples.count, by: c) {
            // Within 4 levels: colour management may shift a sample by one or two.
            if abs(Int(samples[i]) - Int(blue.r)) <= 4 && abs(Int(samples[i + 1]) - Int(blue.g)) <= 4
                && abs(Int(samples[i + 2]) - Int(blue.b)) <= 4 { bluePixels += 1 }
            if samples[i] < 250 || samples[i + 1] < 250 || samples[i + 2] < 250 { nonWhite += 1 }
        }
        #expect(bluePixels > 50, "neutrophil blue on screen")
        #expect(nonWhite > 10_000)
        if let keep = ProcessInfo.processInfo.environment["LEUKO_KEEP_REPORT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: scratch.url, to: URL(fileURLWithPath: keep))
        }
    }
}
