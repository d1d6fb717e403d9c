import Analysis
import ArgumentParser
import CellModel
import Foundation

/// `leuko bench analyze`: the whole per-image pipeline's speed, as JSON.
struct BenchAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "ms per 640x480 field (by stage), cells per second, seconds per gigapixel of a generated slide region; per thread count."
    )

    @Option(help: "Comma-separated thread counts.") var threads: String = "1,2"
    @Option(help: "Timed field runs (the median is reported).") var repeats: Int = 7
    @Option(help: "Side of the generated slide region in pixels.") var slide: Int = 8192
    @Option(help: "Test-time views per cell: 1, 2, 4 or 8.") var views: Int = AnalyzerSettings().views
    @Option(help: "Side of a generated non-smear pattern analysed under --pattern-memory-limit to measure peak RSS (0: skip).")
    var pattern: Int = 0
    @Option(help: "Memory ceiling for the pattern run, e.g. 1G.") var patternMemoryLimit = "1G"
    @Option(help: "Weights file (default: $LEUKO_MODEL, else the bundled model).") var weights: String?

    func run() throws {
        guard TestTimeViews.counts.contains(views) else { throw ValidationError("--views must be 1, 2, 4 or 8") }
        let counts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), repeats > 0, slide >= 1024, pattern == 0 || pattern >= 1024 else {
            throw ValidationError("--threads must be positive integers separated by commas, --repeats positive, --slide and --pattern at least 1024")
        }
        guard let patternLimit = ByteCount.parse(patternMemoryLimit), patternLimit > 0 else {
            throw ValidationError("--pattern-memory-limit must be a size such as 1G or 800M, got '\(patternMemoryLimit)'")
        }
        let model = try ModelFile.load(BundledModel.resolve(weights))
        let scratch = NSTemporaryDirectory() + "leuko-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = try AnalyzeBenchmark.run(model: model, threadCounts: counts, repeats: repeats, slideSide: slide,
                                              views: views, patternSide: pattern, patternMemoryLimit: patternLimit, scratch: scratch,
                                              softwareVersion: Leuko.version)
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
