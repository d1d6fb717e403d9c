import FolderWatch
import Foundation
import Glibc
import ImageIO
import JobQueue
import Logging

/// `leuko bench daemon`: the whole daemon in this process (real inotify, queue, analysis and
/// report writing) on a temporary inbox and outbox, fed a burst of image files.
///
/// For each worker count: a fresh queue; `files` copies of the fields are written into the
/// inbox (open, write, close) as fast as possible; the run ends when every job has finished.
/// - files per minute: files / (last job finished − first file closed), so it includes the
///   settle period, queueing, analysis and report writing; `queued_files_per_minute` counts
///   from the first job queued instead (the burst's one settle period left out).
/// - enqueue latency: each job's `enqueued_at` minus the moment its file was closed (the
///   settle period `settle_ms` is part of it, by design; reported beside it). Queue times have
///   millisecond resolution.
/// The fields are the given image files (cycled), or `SyntheticField`s of the given size.
package enum DaemonBenchmark {
    package struct Latency: Encodable, Sendable {
        package var median: Double
        package var p95: Double
        package var max: Double
    }

    package struct Run: Encodable, Sendable {
        package var workers: Int
        package var files: Int
        package var succeeded: Int
        package var failed: Int
        package var seconds: Double
        package var filesPerMinute: Double
        /// files / (last job finished − first job queued): the rate once files are queued,
        /// without the one settle period of the burst.
        package var queuedFilesPerMinute: Double
        package var enqueueLatencyMs: Latency

        enum CodingKeys: String, CodingKey {
            case workers, files, succeeded, failed, seconds
            case filesPerMinute = "files_per_minute"
            case queuedFilesPerMinute = "queued_files_per_minute"
            case enqueueLatencyMs = "enqueue_latency_ms"
        }
    }

    package struct Report: Encodable, Sendable {
        package var fieldWidth: Int
        package var fieldHeight: Int
        package var source: String
        package var settleMs: Int
        package var threadsPerWorker: Int
        package var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case fieldWidth = "field_width", fieldHeight = "field_height", source
            case settleMs = "settle_ms", threadsPerWorker = "threads_per_worker", runs
        }
    }

    /// Runs one measurement per entry of `workerCounts`. `images`: files to copy into the
    /// inbox (nil: synthetic `width x height` PNG fields).
    package static func run(files: Int, workerCounts: [Int], width: Int, height: Int, images: [String]?,
                            settleMilliseconds: Int, threadsPerWorker: Int, model: String,
                            softwareVersion: String, in directory: String) async throws -> Report {
        let fields = try images.map { try $0.map { (ext: ($0 as NSString).pathExtension, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: $0)))) } }
            ?? (0..<8).map { seed in
                (ext: "png", bytes: try ImageWriter.encodePNG(SyntheticField.image(width: width, height: height, whiteCells: 3, seed: UInt64(seed))))
            }
        var size = (width, height)
        if let first = images?.first {
            let info = try ImageReader.info(first)
            size = (info.width, info.height)
        }
        var runs: [Run] = []
        for workers in workerCounts {
            runs.append(try await measure(files: files, workers: workers, fields: fields, settleMilliseconds: settleMilliseconds,
                                          threadsPerWorker: threadsPerWorker, model: model, softwareVersion: softwareVersion,
                                          in: directory))
        }
        return Report(fieldWidth: size.0, fieldHeight: size.1, source: images == nil ? "synthetic" : "\(images!.count) image file(s)",
                      settleMs: settleMilliseconds, threadsPerWorker: threadsPerWorker, runs: runs)
    }

    private static func measure(files: Int, workers: Int, fields: [(ext: String, bytes: [UInt8])], settleMilliseconds: Int,
                                threadsPerWorker: Int, model: String, softwareVersion: String, in directory: String) async throws -> Run {
        let base = (directory as NSString).appendingPathComponent("leuko-bench-daemon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: base) }
        for folder in ["in", "out"] {
            try FileManager.default.createDirectory(atPath: base + "/" + folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration(inboxes: [base + "/in"], outbox: base + "/out")
        configuration.database = base + "/queue.sqlite"
        configuration.model = model
        configuration.workers = workers
        configuration.threadsPerWorker = threadsPerWorker
        configuration.settleMilliseconds = settleMilliseconds
        configuration.statusIntervalSeconds = 3600
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let processor = try AnalysisJobProcessor(configuration: configuration, softwareVersion: softwareVersion)
        let runner = try DaemonRunner(configuration: configuration, processor: processor,
                                      notifier: SystemdNotifier(environment: [:]), logger: quiet)
        let group = runner.serviceGroup(signals: [])
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(500))  // the start-up scan of the empty inbox

        var closedAt: [String: Date] = [:]
        for index in 0..<files {
            let field = fields[index % fields.count]
            let path = base + "/in/field-\(index).\(field.ext)"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DaemonError(.output, "cannot create \(path): \(String(cString: strerror(errno)))") }
            let written = field.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
            closedAt[path] = Date()
            guard written == field.bytes.count else { throw DaemonError(.output, "short write to \(path)") }
        }
        let queue = runner.queue
        var jobs: [Job] = []
        while true {
            let counts = try await queue.counts()
            if counts.succeeded + counts.failed >= files {
                jobs = try await queue.list(limit: files * 2)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await group.triggerGracefulShutdown()
        try await running.value

        let firstClose = closedAt.values.min()!
        let lastFinish = jobs.compactMap(\.finishedAt).max() ?? Date()
        let seconds = lastFinish.timeIntervalSince(firstClose)
        let firstQueued = jobs.map(\.enqueuedAt).min() ?? firstClose
        let latencies = jobs.compactMap { job in closedAt[job.path].map { job.enqueuedAt.timeIntervalSince($0) * 1000 } }.sorted()
        func quantile(_ q: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
        return Run(workers: workers, files: files,
                   succeeded: jobs.filter { $0.state == .succeeded }.count, failed: jobs.filter { $0.state == .failed }.count,
                   seconds: seconds, filesPerMinute: Double(files) / seconds * 60,
                   queuedFilesPerMinute: Double(files) / lastFinish.timeIntervalSince(firstQueued) * 60,
                   enqueueLatencyMs: Latency(median: quantile(0.5), p95: quantile(0.95), max: latencies.last ?? 0))
    }
}
