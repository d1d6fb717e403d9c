import ArgumentParser
import CellModel
import Foundation

/// `leuko bench model`: inference and training-step speed of the SG-CLDFF network, as JSON.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inference ms per crop (batch 1 and 32) and training-step seconds (batch 32), per thread count."
    )

    @Option(help: "Comma-separated thread counts.")
    var threads: String = "1,2"

    @Option(help: "Timed runs per measurement (the median is reported).")
    var repeats: Int = 5

    func run() throws {
        let counts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), repeats > 0 else {
            throw ValidationError("--threads must be positive integers separated by commas and --repeats positive")
        }
        let report = ModelBenchmark.run(threadCounts: counts, repeats: repeats)
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
