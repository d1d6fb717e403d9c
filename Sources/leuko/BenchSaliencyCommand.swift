import Analysis
import ArgumentParser
import Foundation

/// `leuko bench saliency`: speed of the front half (stain normalisation, saliency prior and
/// candidate cells) on a synthetic 640x480 smear field and a 4096x4096 region (issue 4).
///
/// The measurement is `SaliencyBenchmark` (Analysis); this command only picks the sizes and
/// prints JSON. `FieldLocalizer` runs on one thread (it has no thread setting), so every row
/// reports `threads: 1`; MB/s counts 8-bit RGB input pixels (width x height x 3 bytes).
struct BenchSaliencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saliency",
        abstract: "Time saliency prior + candidates on a 640x480 field and a 4096x4096 region; print JSON (ms, MB/s)."
    )

    @Option(help: "Timed runs per size (the median is reported).")
    var repeats: Int = 5

    @Option(help: "Comma-separated WIDTHxHEIGHT sizes (default: 640x480,4096x4096).")
    var sizes: String = "640x480,4096x4096"

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
        _ = try parsedSizes()
    }

    func parsedSizes() throws -> [(width: Int, height: Int)] {
        let parsed = sizes.split(separator: ",").map { item -> (width: Int, height: Int)? in
            let parts = item.trimmingCharacters(in: .whitespaces).lowercased().split(separator: "x")
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 8, h >= 8 else { return nil }
            return (w, h)
        }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--sizes must be WIDTHxHEIGHT items (each side at least 8) separated by commas, got '\(sizes)'")
        }
        return parsed.map { $0! }
    }

    /// The printed JSON: the thread count and one row per size.
    struct Report: Encodable {
        let threads: Int
        let cases: [SaliencyBenchmark.Measurement]
    }

    func run() throws {
        let rows = try parsedSizes().map { try SaliencyBenchmark.measure(width: $0.width, height: $0.height, repeats: repeats) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(Report(threads: 1, cases: rows)), as: UTF8.self))
    }
}
