import ArgumentParser
import Daemon
import Foundation

/// `leuko bench daemon`: files per minute through the whole daemon (watch, queue, analysis,
/// reports) with 1 and 2 workers, and the latency from a file's close to its job being queued.
struct BenchDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Time the daemon end to end on a burst of image files (files/minute, enqueue latency); print JSON.",
        discussion: "Without --images, synthetic smear fields of --width x --height are used. Use a release build.")

    @Option(help: "Files dropped per run.") var files: Int = 40
    @Option(help: "Comma-separated worker counts, one run each.") var workers: String = "1,2"
    @Option(help: "Width of the synthetic fields.") var width: Int = 640
    @Option(help: "Height of the synthetic fields.") var height: Int = 480
    @Option(help: "A folder of image files to drop instead (cycled), e.g. ../shared/datasets/bccd/JPEGImages.") var images: String?
    @Option(help: "The settle period (ms) before a file is queued (the shipped default is 2000).") var settleMs: Int = 2000
    @Option(help: "Compute threads per worker.") var threadsPerWorker: Int = 1
    @Option(help: "Model weights (default: the bundled model).") var weights: String?
    @Option(help: "Where the temporary inbox and outbox are made.") var directory: String = NSTemporaryDirectory()

    func workerCounts() throws -> [Int] {
        let counts = workers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 64 }) else {
            throw ValidationError("--workers must be counts from 1 to 64 separated by commas, got '\(workers)'")
        }
        return counts.map { $0! }
    }

    func validate() throws {
        guard files > 0, width >= 16, height >= 16, settleMs >= 0, threadsPerWorker > 0 else {
            throw ValidationError("--files and --threads-per-worker must be positive, --width/--height at least 16, --settle-ms >= 0")
        }
        _ = try workerCounts()
    }

    func run() async throws {
        var paths: [String]?
        if let images {
            let names = try FileManager.default.contentsOfDirectory(atPath: images).sorted()
                .filter { ["jpg", "jpeg", "png", "tif", "tiff", "bmp"].contains(($0 as NSString).pathExtension.lowercased()) }
            guard !names.isEmpty else { throw ValidationError("no image files in \(images)") }
            paths = names.prefix(files).map { (images as NSString).appendingPathComponent($0) }
        }
        let report = try await DaemonBenchmark.run(
            files: files, workerCounts: try workerCounts(), width: width, height: height, images: paths,
            settleMilliseconds: settleMs, threadsPerWorker: threadsPerWorker,
            model: try BundledModel.resolve(weights).path, softwareVersion: Leuko.version, in: directory)
        print(try AdminOutput.json(report))
    }
}
