import ArgumentParser
import CellModel
import Foundation

/// `leuko bench model`: inference and training-step speed of the SG-CLDFF network, as JSON.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inference ms per crop (batch 1 and 32) and training-step seconds (batch 32), per thread count.",
        discussion: """
            With --profile: where the time goes instead, per layer and per op inside MBConv and attention \
            (inclusive ms per pass in inference, training forward and backward, GFLOP/s, share of the pass), \
            for each batch size and thread count: JSON on stdout, a readable table on stderr.
            """
    )

    @Option(help: "Comma-separated thread counts.")
    var threads: String = "1,2"

    @Option(help: "Timed runs per measurement (the median is reported).")
    var repeats: Int = 5

    @Flag(help: "Profile per layer and op instead (JSON on stdout, a table on stderr).")
    var profile = false

    @Option(help: "With --profile: comma-separated batch sizes.")
    var batches: String = "1,32"

    func run() throws {
        let counts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), repeats > 0 else {
            throw ValidationError("--threads must be positive integers separated by commas and --repeats positive")
        }
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        if profile {
            let sizes = batches.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--batches must be positive integers separated by commas")
            }
            let cases = ModelProfile.run(batches: sizes, threadCounts: counts, repeats: repeats)
            FileHandle.standardError.write(Data((ModelProfile.table(cases) + "\n").utf8))
            print(String(decoding: try encoder.encode(ModelProfile.Report(cases: cases)), as: UTF8.self))
            return
        }
        let report = ModelBenchmark.run(threadCounts: counts, repeats: repeats)
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
