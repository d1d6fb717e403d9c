import Analysis
import CellModel
import Foundation
import Glibc
import ImageIO
import Reporting

/// The daemon's processor: analyses one image (`ImageAnalyzer`) and writes its report set
/// (`ReportWriter`: `report.json`, `overlay.png`, `cells/NNN.png`, `report.html`) into a
/// report folder of the job's own (`ReportPublication`), where it appears whole or not at all,
/// and only if the job is still the worker's when it is ready.
///
/// Concurrency: each job in progress has a lane of its own — an analyzer with its own copy of
/// the network (layers keep per-call state) and its own thread (`DedicatedThreadExecutor`), so
/// an analysis of several seconds never occupies the cooperative pool that the watchdog,
/// lease renewals and ingest run on. Lanes are made when needed (a reload may raise
/// `workers`), kept and reused. The model is loaded at `init`, so a bad `model` stops
/// start-up; later lanes load the same file again. The model, `threads_per_worker`,
/// `test_time_views` and `max_pixels` are read at start-up only, as is the memory budget of
/// each analysis (`CgroupMemory`: 80 % of the unit's `MemoryMax` over `workers`, at most the
/// analyzer's 2 GB); the review thresholds
/// (`low_confidence`, `low_consistency`) are read from each job's configuration, so a reload
/// changes the flags of the next report.
///
/// Failures are thrown as met, in an `AttemptError` with the reason in words (`reason`);
/// `FailureClass` sorts them (an image that can never be analysed fails the job at once).
///
/// `@unchecked Sendable`: `idle` is only touched under `lock`; a lane is used by one job at a
/// time (taken from `idle` and given back).
package final class AnalysisJobProcessor: JobProcessor, @unchecked Sendable {
    /// One analyzer and the thread it runs on.
    private struct Lane {
        let analyzer: ImageAnalyzer
        let executor: DedicatedThreadExecutor
    }

    let modelURL: URL
    /// The analyzer settings every lane uses (from the configuration unless given).
    package let settings: AnalyzerSettings
    /// Whether each job's review thresholds come from its configuration (true unless
    /// `settings` were given, which then hold for every job).
    let reviewFollowsConfiguration: Bool
    let softwareVersion: String
    let maxPixels: Int
    let writer: ReportWriter
    private let lock = NSLock()
    private var idle: [Lane] = []
    private var lanesMade = 0

    /// Loads `configuration.model` (throws `DaemonError.configuration` naming the key when it
    /// cannot be used) and prepares the first lane.
    package init(configuration: Configuration, softwareVersion: String, settings: AnalyzerSettings? = nil,
                 writer: ReportWriter = ReportWriter()) throws {
        modelURL = URL(fileURLWithPath: configuration.model)
        var chosen = settings ?? AnalyzerSettings()
        if settings == nil {
            chosen.threads = configuration.threadsPerWorker
            chosen.views = configuration.testTimeViews
            chosen.lowConfidence = configuration.lowConfidence
            chosen.lowConsistency = configuration.lowConsistency
            // Each analysis gets its share of the unit's MemoryMax (start-up's `workers`).
            chosen.memoryLimitBytes = CgroupMemory.perJob(limit: CgroupMemory.limit(), workers: configuration.workers,
                                                          ceiling: chosen.memoryLimitBytes)
        }
        self.settings = chosen
        reviewFollowsConfiguration = settings == nil
        self.softwareVersion = softwareVersion
        self.maxPixels = configuration.maxPixels
        self.writer = writer
        do {
            idle = [try makeLane()]
        } catch {
            throw DaemonError(.configuration, "key 'model': cannot use \(configuration.model): \(error)")
        }
    }

    package func process(_ input: OpenedInput, report: ReportDestination, configuration: Configuration) async throws -> String {
        let review = reviewFollowsConfiguration ? configuration.review : settings.review
        let lane: Lane
        do {
            lane = try takeLane()
        } catch {
            throw DaemonError(.processingFailed, "cannot load the model \(modelURL.path): \(error)")
        }
        defer { giveBack(lane) }
        do {
            let staged = try await withTaskExecutorPreference(lane.executor) {
                try self.analyse(input, into: report, with: lane.analyzer, review: review)
            }
            guard !Task.isCancelled, await report.stillOwned() else {
                staged.discard()
                throw DaemonError(.processingFailed, "cancelled before its report was published; nothing was published")
            }
            return try staged.publish()
        } catch {
            throw AttemptError(error, message: Self.reason(error))
        }
    }

    /// The work of one job, on the lane's own thread: analyses the image and stages its report
    /// set (not yet visible). Reads the file only through the opened descriptor
    /// (`OpenedInput.imageSource`: header read once, hashed over the bytes decoded); the
    /// report names it by its queued path and flags cells for review with `review`.
    private func analyse(_ input: OpenedInput, into report: ReportDestination, with analyzer: ImageAnalyzer,
                         review: ReviewThresholds) throws -> StagedReport {
        let file = try input.imageSource()
        let info = try ImageReader.info(file)
        let pixels = info.width.multipliedReportingOverflow(by: info.height)
        guard !pixels.overflow, pixels.partialValue <= maxPixels else {
            throw DaemonError(.inputRejected, "image too large: \(info.width) x \(info.height) pixels, limit \(maxPixels) (max_pixels)")
        }
        var analysis = try analyzer.analyze(file)
        if review != analyzer.settings.review { analysis.review(with: review) }
        try Task.checkCancellation()
        Self.removeAbandonedStaging(of: report.base)
        let staged = try writer.stage(analysis, identity: report.identity, base: report.base)
        do {
            try report.prepare(staged.path)
        } catch {
            staged.discard()
            throw error
        }
        return staged
    }

    private func takeLane() throws -> Lane {
        if let lane = lock.withLock({ idle.popLast() }) { return lane }
        return try makeLane()
    }

    private func giveBack(_ lane: Lane) {
        lock.withLock { idle.append(lane) }
    }

    private func makeLane() throws -> Lane {
        let number = lock.withLock { () -> Int in
            lanesMade += 1
            return lanesMade
        }
        let analyzer = try ImageAnalyzer(model: ModelFile.load(modelURL), settings: settings, softwareVersion: softwareVersion)
        return Lane(analyzer: analyzer, executor: DedicatedThreadExecutor(label: "leuko.analysis.\(number)"))
    }

    /// A failure's reason in words (the error's own message); `FailureClass` decides what it
    /// means for the job.
    package static func reason(_ error: any Error) -> String {
        switch error {
        case let error as DaemonError: error.message
        case let error as AnalysisError: error.message
        case let error as ImageIOError: error.description
        case let error as ReportingError: "cannot write the report: \(error)"
        case is CancellationError: "cancelled"
        default: "\(error)"
        }
    }

    /// Removes the hidden staging folders (`.NAME.tmp-PID-…`, see `ReportWriter`) that a
    /// daemon killed while writing `directory`'s report left beside it. Folders of this
    /// process are left alone (another worker may be writing them).
    static func removeAbandonedStaging(of directory: String) {
        let url = URL(fileURLWithPath: directory)
        let parent = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        let own = prefix + "\(getpid())-"
        for name in names where name.hasPrefix(prefix) && !name.hasPrefix(own) {
            try? FileManager.default.removeItem(atPath: parent + "/" + name)
        }
    }
}
