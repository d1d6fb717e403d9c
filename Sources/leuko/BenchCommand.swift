import ArgumentParser
import Foundation
import NN

/// `leuko bench …`: speed figures as JSON (DESIGN §3: speed is measured here, not in tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed; print JSON.",
        subcommands: [BenchEngineCommand.self, BenchModelCommand.self, BenchAnalyzeCommand.self, BenchWatchCommand.self, BenchQueueCommand.self, BenchSaliencyCommand.self, BenchDaemonCommand.self]
    )
}

/// `leuko bench engine`: sgemm peak and the engine's conv/depthwise/attention kernels.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "sgemm peak, then forward and forward+backward GFLOP/s of the engine's kernels (batch 32)."
    )

    @Option(help: "Comma-separated thread counts.")
    var threads: String = "1,2"

    @Option(help: "Timed runs per measurement (the median is reported).")
    var repeats: Int = 5

    @Option(help: "Batch size of every case.")
    var batch: Int = 32

    @Option(help: "Comma-separated case names to run (default: all).")
    var only: String?

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        _ = try threadCounts()
        _ = try cases()
    }

    func cases() throws -> [Benchmark.Case] {
        let all = Benchmark.engineCases(batch: batch)
        guard let only else { return all }
        let wanted = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = wanted.filter { name in !all.contains { $0.name == name } }
        guard unknown.isEmpty else {
            throw ValidationError("unknown case(s) \(unknown.joined(separator: ", ")); known: \(all.map(\.name).joined(separator: ", "))")
        }
        return all.filter { wanted.contains($0.name) }
    }

    func threadCounts() throws -> [Int] {
        let counts = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--threads must be positive integers separated by commas, got '\(threads)'")
        }
        return counts.map { $0! }
    }

    func run() throws {
        let report = Benchmark.engine(cases: try cases(),
                                      threadCounts: try threadCounts(), repeats: repeats)
        print(report.json)
    }
}
