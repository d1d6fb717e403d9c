import CellModel
import Foundation
import ImageIO
import Testing
import TestSupport
@testable import Analysis

/// Runs the built `leuko analyze` binary with a tiny randomly initialised network: the
/// command wiring, the report files, the JSON summary, exit statuses and Ctrl-C. Skipped
/// (with the reason) when the binary has not been built.
@Suite struct AnalyzeCommandTests {
    static let binary: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/leuko").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// Saves the tiny test network as a weights file.
    static func weights(in folder: String) throws -> String {
        let model = PipelineFixtures.tinyModel()
        let path = folder + "/tiny.safetensors"
        try ModelFile.save(model.network, temperature: 1, extra: ["version": "test"], to: URL(fileURLWithPath: path))
        return path
    }

    static func launch(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        try launchLeuko(["analyze"] + arguments)
    }

    /// Starts the binary with `arguments` (the subcommand first), stdout and stderr piped.
    static func launchLeuko(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary))
        process.arguments = arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try runLeuko(["analyze"] + arguments)
    }

    /// Runs the binary with `arguments` (the subcommand first) to the end: status, stdout, stderr.
    static func runLeuko(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let (process, out, err) = try launchLeuko(arguments)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func writesTheReportSetAndTheSummary() throws {
        let scratch = try ScratchFolder(prefix: "analyze-cli")
        defer { scratch.remove() }
        let weights = try Self.weights(in: scratch.path)
        try ImageWriter.writePNG(PipelineFixtures.field(cells: [(70, 70), (230, 90), (150, 180)]).image(), to: scratch.path + "/field.png")
        let r = try Self.run([scratch.path + "/field.png", "-o", scratch.path + "/out", "--weights", weights, "--json-summary", "--threads", "1"])
        #expect(r.status == 0, "\(r.error)")
        #expect(Self.files(scratch.path + "/out") == ["cells", "cells/001.png", "cells/002.png", "cells/003.png",
                                                      "overlay.png", "report.html", "report.json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        #expect(summary["cells_detected"] as? Int == 3)
        #expect((summary["source_sha256"] as? String)?.count == 64)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path + "/out/report.json"))) as? [String: Any])
        #expect(report["00080016"] != nil)   // SOP Class UID: a DICOM JSON dataset
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func glassGivesAnEmptyReportAndSeveralImagesGetAFolderEach() throws {
        let scratch = try ScratchFolder(prefix: "analyze-cli")
        defer { scratch.remove() }
        let weights = try Self.weights(in: scratch.path)
        try ImageWriter.writePNG(RGBRaster(width: 200, height: 150, fill: (0.95, 0.94, 0.96)).image(), to: scratch.path + "/glass.png")
        try ImageWriter.writeTIFF(PipelineFixtures.field(cells: [(100, 100)]).image(), to: scratch.path + "/one.tif")
        let r = try Self.run([scratch.path + "/glass.png", scratch.path + "/one.tif", "-o", scratch.path + "/out",
                              "--weights", weights, "--format", "json,html", "--threads", "1"])
        #expect(r.status == 0, "\(r.error)")
        #expect(Self.files(scratch.path + "/out") == ["glass", "glass/report.html", "glass/report.json",
                                                      "one", "one/report.html", "one/report.json"])
        #expect(r.output.contains("glass.png: 0 cells") && r.output.contains("one.tif: 1 cells"))
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func badInputsExitWithREADMEStatusesAndWriteNothing() throws {
        let scratch = try ScratchFolder(prefix: "analyze-cli")
        defer { scratch.remove() }
        let weights = try Self.weights(in: scratch.path)
        try scratch.write("notes.png", "not an image")
        let text = try Self.run([scratch.path + "/notes.png", "-o", scratch.path + "/out", "--weights", weights])
        #expect(text.status == 65 && text.error.contains("notes.png") && text.error.split(separator: "\n").count == 1)
        let missing = try Self.run([scratch.path + "/absent.tif", "-o", scratch.path + "/out", "--weights", weights])
        #expect(missing.status == 66)
        let usage = try Self.run([scratch.path + "/notes.png", "-o", scratch.path + "/out", "--format", "pdf"])
        #expect(usage.status == 64)
        #expect(Self.files(scratch.path).filter { $0.hasPrefix("out") || $0.hasPrefix(".out") }.isEmpty)
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/leuko (built by `swift build` / `swift test`)"))
    func interruptLeavesNothingHalfWritten() throws {
        let scratch = try ScratchFolder(prefix: "analyze-cli")
        defer { scratch.remove() }
        let weights = try Self.weights(in: scratch.path)
        // A large field with many cells: seconds of work in a debug build.
        try ImageWriter.writeTIFF(SaliencyBenchmark.syntheticField(width: 4500, height: 4500).image(), to: scratch.path + "/big.tif",
                                  options: TIFFWriteOptions(layout: .tiles(width: 256, height: 256)))
        let (process, _, err) = try Self.launch([scratch.path + "/big.tif", "-o", scratch.path + "/out", "--weights", weights,
                                                 "--threads", "1"])
        Thread.sleep(forTimeInterval: 1.5)
        let stillRunning = process.isRunning
        kill(process.processIdentifier, SIGINT)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(stillRunning, "the analysis finished before the signal: the test image is too small to interrupt")
        if stillRunning {
            #expect(process.terminationStatus == 130)
            #expect(Self.files(scratch.path).filter { $0.hasPrefix("out") || $0.hasPrefix(".out") }.isEmpty)
        }
    }
}
