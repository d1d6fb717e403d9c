import Analysis
import ArgumentParser
import CellModel
import Foundation
import Reporting
import Tensor

/// `leuko analyze`: every white blood cell of each image found, segmented and classified,
/// and the report set written (ImageAnalyzer, then ReportWriter). Thin: parsing, output
/// folders, progress lines and exit statuses only.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find, segment and classify the white blood cells of images; write report.json (DICOM SR), overlay.png, cells/, report.html.",
        discussion: """
        One image writes its report set into OUTDIR; several write one folder each, OUTDIR/NAME \
        (the image's file name without its extension; -2, -3, ... when names repeat). Reports \
        appear whole or not at all (staged in a hidden folder, then renamed). Exit status: see \
        README (65 unreadable image, 66 missing input, 69 memory limit too small, 73 output \
        not writable, 130 interrupted).
        """
    )

    @Argument(help: "Image files (TIFF incl. tiled/BigTIFF, PNG, JPEG, BMP).") var images: [String]
    @Option(name: .shortAndLong, help: "Output folder.") var output: String
    @Option(help: "Weights file (default: $LEUKO_MODEL, else the bundled model).") var weights: String?
    @Option(help: "Report files to write, comma-separated: json, overlay, cells, html.") var format = "json,overlay,cells,html"
    @Flag(help: "Print each image's summary (differential count, flags, timing) as JSON on stdout.") var jsonSummary = false
    @Option(help: "Threads for the network and tiles.") var threads = 2
    @Option(help: "Memory ceiling for one image, e.g. 2G, 1500M (large slides are tiled to fit).") var memoryLimit = "2G"
    @Option(help: "Flag cells whose calibrated probability is below this.") var lowConfidence = AnalyzerSettings().lowConfidence
    @Option(help: "Flag cells whose Grad-CAM consistency is below this.") var lowConsistency = AnalyzerSettings().lowConsistency
    @Option(help: "Test-time views averaged per cell: 1, 2, 4 or 8 turned/flipped copies (each one more network pass).")
    var views = AnalyzerSettings().views
    @Flag(help: "No progress lines on stderr.") var quiet = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        _ = try formats()
        _ = try memoryLimitBytes()
    }

    func formats() throws -> Set<ReportFormat> {
        do {
            let set = try ReportFormat.parseList(format)
            guard !set.isEmpty else { throw ValidationError("--format names no report file") }
            return set
        } catch let error as ReportingError {
            throw ValidationError(error.message)
        }
    }

    func memoryLimitBytes() throws -> Int {
        guard let bytes = ByteCount.parse(memoryLimit), bytes > 0 else {
            throw ValidationError("--memory-limit must be a size such as 2G, 1500M or 800000000, got '\(memoryLimit)'")
        }
        return bytes
    }

    func run() throws {
        Parallel.setThreads(threads)
        var settings = AnalyzerSettings()
        settings.threads = threads
        settings.memoryLimitBytes = try memoryLimitBytes()
        settings.lowConfidence = lowConfidence
        settings.lowConsistency = lowConsistency
        settings.views = views
        let formats = try formats()
        settings.keepCellImages = formats.contains(.cells) || formats.contains(.html)
        let interrupt = AnalyzeInterrupt.install()
        let analyzer = try Self.exitOnFailure(nil) {
            let model = try ModelFile.load(BundledModel.resolve(weights))
            return try ImageAnalyzer(model: model, settings: settings, softwareVersion: Leuko.version)
        }
        let writer = ReportWriter(formats: formats)
        let folders = Self.outputFolders(for: images, in: output)
        var summaries: [ReportSummary] = []
        var firstFailure: Int32? = nil
        for (image, folder) in zip(images, folders) {
            do {
                let progress = quiet ? nil : ProgressPrinter(name: image).report
                ProcessMemory.resetPeak()
                let analysis = try analyzer.analyze(path: image, progress: progress)
                try interrupt.whileWriting { try writer.write(analysis, to: URL(fileURLWithPath: folder)) }
                var summary = ReportSummary(analysis)
                summary.peakResidentBytes = ProcessMemory.peakResidentBytes()
                summaries.append(summary)
                if !jsonSummary {
                    print("\(image): \(summary.cellsDetected) cells (\(summary.wbcCounted) WBC), \(summary.flaggedCells) flagged, "
                          + String(format: "%.2f s", summary.processingSeconds) + " -> \(folder)")
                }
            } catch {
                let status = Self.exitStatus(error)
                Self.printError(error, image: image)
                firstFailure = firstFailure ?? status
            }
        }
        if jsonSummary, !summaries.isEmpty {
            let data = summaries.count == 1 && images.count == 1 ? try summaries[0].jsonData() : try Self.jsonArray(summaries)
            print(String(decoding: data, as: UTF8.self))
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }

    /// OUTDIR for one image; OUTDIR/NAME for several (NAME: file name without extension,
    /// made unique with -2, -3, ...).
    static func outputFolders(for images: [String], in output: String) -> [String] {
        guard images.count > 1 else { return [output] }
        var used: [String: Int] = [:]
        return images.map { image in
            let stem = URL(fileURLWithPath: image).deletingPathExtension().lastPathComponent
            let n = used[stem, default: 0] + 1
            used[stem] = n
            return output + "/" + (n == 1 ? stem : "\(stem)-\(n)")
        }
    }

    static func jsonArray(_ summaries: [ReportSummary]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(summaries)
    }
}

/// Prints a tiled image's progress on stderr: at most one line every two seconds, and the last.
final class ProgressPrinter: @unchecked Sendable {
    // @unchecked Sendable: `last` is touched only from `report`, which the analyzer calls one
    // call at a time.
    private let name: String
    private var last = 0.0

    init(name: String) { self.name = name }

    func report(_ p: AnalysisProgress) {
        guard p.tilesDone == p.tilesTotal || p.elapsedSeconds - last >= 2 else { return }
        last = p.elapsedSeconds
        FileHandle.standardError.write(Data("\(name): \(p.line)\n".utf8))
    }
}
