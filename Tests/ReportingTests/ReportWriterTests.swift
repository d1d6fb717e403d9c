import Analysis
import Foundation
import ImageIO
import Testing
@testable import Reporting

@Suite struct ReportWriterTests {
    private func files(in folder: URL) -> Set<String> {
        let e = FileManager.default.enumerator(atPath: folder.path)
        var result = Set<String>()
        while let item = e?.nextObject() as? String { result.insert(item) }
        return result
    }

    @Test func writesEveryFormat() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("a/b/report")
        try ReportWriter().write(ReportFixtures.analysis(), to: out)
        // The platelet (cell 3) has no pictures, so no tile.
        #expect(files(in: out) == ["report.json", "overlay.png", "report.html", "cells",
                                   "cells/001.png", "cells/002.png", "cells/004.png"])
        #expect(files(in: out.deletingLastPathComponent()) == Set(["report"] + files(in: out).map { "report/" + $0 }),
                "no staging folder left beside the report")
        let tile = try ImageReader.read(out.appendingPathComponent("cells/002.png").path)
        #expect(tile.width == 3 * 16 + 2 * CellTileRenderer.gap && tile.height == 16)
        let overlay = try ImageReader.read(out.appendingPathComponent("overlay.png").path)
        #expect(overlay.width == 200 && overlay.height > 150)
        let json = try Data(contentsOf: out.appendingPathComponent("report.json"))
        #expect(Array(json) == (try MeasurementReport.json(for: ReportFixtures.analysis())))
    }

    @Test func writesOnlyChosenFormats() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("r")
        try ReportWriter(formats: [.json, .html]).write(ReportFixtures.analysis(), to: out)
        #expect(files(in: out) == ["report.json", "report.html"])
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("overlay.png") && !html.contains("cells/"))
    }

    @Test func emptyAnalysisWritesAValidEmptyReport() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("r")
        try ReportWriter().write(ReportFixtures.empty, to: out)
        #expect(files(in: out) == ["report.json", "overlay.png", "report.html"])
    }

    @Test func rerunReplacesFilesAndStaleCellTiles() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("r")
        try ReportWriter().write(ReportFixtures.analysis(), to: out)
        try Data("keep me".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let fewer = ReportFixtures.analysis(cells: [ReportFixtures.cells[0]])
        try ReportWriter().write(fewer, to: out)
        #expect(files(in: out) == ["report.json", "overlay.png", "report.html", "notes.txt", "cells", "cells/001.png"])
        let json = try Data(contentsOf: out.appendingPathComponent("report.json"))
        #expect(Array(json) == (try MeasurementReport.json(for: fewer)))
        #expect(files(in: scratch.url).allSatisfy { !$0.hasPrefix(".") }, "no staging folder left")
    }

    @Test func failureLeavesNothingBehind() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // The target exists as a file.
        let blocked = scratch.url.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        #expect(throws: ReportingError.self) { try ReportWriter().write(ReportFixtures.analysis(), to: blocked) }
        // Invalid analysis: rejected before anything is created.
        var bad = ReportFixtures.analysis()
        bad.cells[2].cellArea = .infinity
        let out = scratch.url.appendingPathComponent("r")
        do {
            try ReportWriter().write(bad, to: out)
            Issue.record("an infinite area must be rejected")
        } catch let error as ReportingError {
            #expect(error.code == .invalidAnalysis && error.description.contains("cell 3"))
        }
        #expect(files(in: scratch.url) == ["blocked"])
    }

    @Test func parentThatIsAFileIsAnOutputDirectoryError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = scratch.url.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        do {
            try ReportWriter().write(ReportFixtures.analysis(), to: file.appendingPathComponent("r"))
            Issue.record("a report under a plain file must fail")
        } catch let error as ReportingError {
            #expect(error.code == .outputDirectory)
        }
        #expect(files(in: scratch.url) == ["plain"])
    }

    @Test func formatListParses() throws {
        #expect(try ReportFormat.parseList("json, html") == [.json, .html])
        #expect(try ReportFormat.parseList("json,overlay,cells,html") == ReportFormat.all)
        #expect(throws: ReportingError.self) { try ReportFormat.parseList("json,pdf") }
        #expect(ReportWriter.cellFileName(7) == "cells/007.png" && ReportWriter.cellFileName(1234) == "cells/1234.png")
    }
}
