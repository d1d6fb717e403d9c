import Analysis
import Foundation
import ImageIO
import Reporting
import Testing
import Daemon

/// The daemon's real processor: the bundled model on small synthetic fields, its verdicts on
/// bad inputs, and its sorting of every library's errors into permanent and transient.
@Suite struct AnalysisJobProcessorTests {
    static let model = ToolRun.packageRoot + "/Models/leuko-wbc-v1.safetensors"
    static let haveModel = FileManager.default.fileExists(atPath: model)

    let base = NSTemporaryDirectory() + "leuko-processor-\(UUID().uuidString)"

    func configuration(_ extra: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var c = Configuration(inboxes: [base + "/in"], outbox: base + "/out")
        c.model = Self.model
        extra(&c)
        return c
    }

    /// `path` opened as a worker opens its job's input.
    func open(_ path: String) throws -> OpenedInput { try InputGuard.open(path, configuration()) }

    /// A destination for job `job` (the worker's checks left out).
    func report(_ output: String, job: Int64 = 1, stillOwned: @escaping @Sendable () async -> Bool = { true }) -> ReportDestination {
        ReportDestination(base: output, identity: ReportIdentity(key: "test-job/\(job)"), stillOwned: stillOwned)
    }

    func writeField(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: base + "/in", withIntermediateDirectories: true)
        let path = base + "/in/" + name
        try ImageWriter.writePNG(SyntheticField.image(width: 96, height: 96, whiteCells: 1, seed: 7), to: path)
        return path
    }

    // Needs the bundled model (Models/leuko-wbc-v1.safetensors).
    @Test(.enabled(if: haveModel, "needs Models/leuko-wbc-v1.safetensors"))
    func analyzerSettingsComeFromTheConfiguration() throws {
        let processor = try AnalysisJobProcessor(configuration: configuration {
            $0.testTimeViews = 8; $0.threadsPerWorker = 3; $0.lowConfidence = 0.85; $0.lowConsistency = 0.25
        }, softwareVersion: "test")
        #expect(processor.settings.views == 8 && processor.settings.threads == 3)
        #expect(processor.settings.lowConfidence == 0.85 && processor.settings.lowConsistency == 0.25)
        #expect(try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test").settings.views == AnalyzerSettings().views)
    }

    @Test(.enabled(if: haveModel, "Models/leuko-wbc-v1.safetensors is missing"))
    func aFieldBecomesACompleteReportSetAndAbandonedStagingIsRemoved() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try writeField("field.png")
        let output = base + "/out/field"
        // What a daemon killed mid-write leaves beside the report folder.
        try FileManager.default.createDirectory(atPath: base + "/out/.field.tmp-999999-42/cells", withIntermediateDirectories: true)
        let processor = try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test")
        let published = try await processor.process(open(input), report: report(output), configuration: configuration())
        #expect(published == output)
        let json = try #require(FileManager.default.contents(atPath: output + "/report.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(!object.isEmpty)
        // Read through the opened descriptor, named by its queued path.
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(input) && !text.contains("/proc/self/fd"))
        for file in ["overlay.png", "report.html"] { #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file)") }
        // The field's white cell was found and typed by the network (its tile is in the gallery).
        let cells = (try? FileManager.default.contentsOfDirectory(atPath: output + "/cells")) ?? []
        #expect(!cells.isEmpty, "at least one cell found")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out") == ["field"], "staging leftovers removed")
        #expect(ReportIdentity(key: "test-job/1").owns(output))
        // Another job for the same name (a scanner reusing it) gets a folder of its own; the
        // first report is untouched.
        let first = try Data(contentsOf: URL(fileURLWithPath: output + "/report.json"))
        let second = try await processor.process(open(input), report: report(output, job: 2), configuration: configuration())
        #expect(second == output + "-2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out").sorted() == ["field", "field-2"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/report.json")) == first)
        #expect(ReportIdentity(key: "test-job/2").owns(second) && !ReportIdentity(key: "test-job/2").owns(output))
    }

    /// A reload changes the review thresholds between jobs: the same processor (its lanes
    /// built once) flags by each job's configuration.
    @Test(.enabled(if: haveModel, "Models/leuko-wbc-v1.safetensors is missing"))
    func reviewFlagsFollowEachJobsConfiguration() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try writeField("field.png")
        let processor = try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test")
        func reviewFlags(lowConfidence: Double, lowConsistency: Double, into name: String) async throws -> Int {
            let output = base + "/out/" + name
            _ = try await processor.process(open(input), report: report(output), configuration: configuration {
                $0.lowConfidence = lowConfidence; $0.lowConsistency = lowConsistency
            })
            let html = try String(contentsOfFile: output + "/report.html", encoding: .utf8)
            return ["low_confidence", "low_consistency"].map { html.components(separatedBy: "<span class=\"flag\">\($0)</span>").count - 1 }
                .reduce(0, +)
        }
        #expect(try await reviewFlags(lowConfidence: 0, lowConsistency: 0, into: "off") == 0)
        #expect(try await reviewFlags(lowConfidence: 1, lowConsistency: 1, into: "all") > 0, "every cell is below 1")
        #expect(try await reviewFlags(lowConfidence: 0, lowConsistency: 0, into: "off-again") == 0)
    }

    @Test(.enabled(if: haveModel, "Models/leuko-wbc-v1.safetensors is missing"))
    func corruptAndOversizedInputsAreRejectedWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let good = try writeField("field.png")
        let truncated = base + "/in/truncated.png"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let text = base + "/in/notes.tif"
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: text))
        let processor = try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test")
        let small = try AnalysisJobProcessor(configuration: configuration { $0.maxPixels = 96 * 95 }, softwareVersion: "test")
        for (processor, input, reason) in [(processor, truncated, "truncated.png"), (processor, text, "notes.tif"), (small, good, "max_pixels")] {
            await #expect { try await processor.process(open(input), report: report(base + "/out/x"), configuration: configuration()) } throws: { error in
                FailureClass.of(error) == .permanent && "\(error)".contains(reason)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: base + "/out/x"), "no report for a rejected input")
    }

    /// The job time limit cancels the worker's task: the analysis, on its lane's own thread,
    /// must see that cancellation, stop, and write no report.
    @Test(.enabled(if: haveModel, "Models/leuko-wbc-v1.safetensors is missing"))
    func aCancelledJobStopsTheAnalysisAndWritesNoReport() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try writeField("field.png")
        let processor = try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test")
        let output = base + "/out/field"
        let error = await Task { () async -> (any Error)? in
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                _ = try await processor.process(open(input), report: report(output), configuration: configuration())
                return nil
            } catch {
                return error
            }
        }.value
        let failure = try #require(error, "the cancelled analysis throws")
        #expect(FailureClass.of(failure) == .transient && "\(failure)".contains("cancelled"), "\(failure)")
        #expect(!FileManager.default.fileExists(atPath: output))
        // The lane is usable again afterwards.
        _ = try await processor.process(open(input), report: report(output), configuration: configuration())
        #expect(FileManager.default.fileExists(atPath: output + "/report.json"))
    }

    /// A job cancelled (or taken over) while it ran: its report was staged, but the worker no
    /// longer owns the job when it is ready, so nothing is published.
    @Test(.enabled(if: haveModel, "Models/leuko-wbc-v1.safetensors is missing"))
    func aJobNoLongerOwnedPublishesNothing() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let input = try writeField("field.png")
        let processor = try AnalysisJobProcessor(configuration: configuration(), softwareVersion: "test")
        let output = base + "/out/field"
        await #expect { _ = try await processor.process(open(input), report: report(output, stillOwned: { false }), configuration: configuration()) } throws: { error in
            "\(error)".contains("nothing was published")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out") == [], "no report, no staging left")
    }

    @Test func aMissingModelIsAConfigurationErrorNamingTheKey() {
        var c = Configuration(inboxes: ["/in"], outbox: "/out")
        c.model = "/nonexistent/\(UUID().uuidString).safetensors"
        #expect { try AnalysisJobProcessor(configuration: c, softwareVersion: "test") } throws: { error in
            (error as? DaemonError)?.code == .configuration && "\(error)".contains("key 'model'")
        }
    }

    @Test func aFailureIsRecordedInItsOwnWords() {
        let error = ImageIOError(.corrupt, path: "/in/x.tif", "reason corrupt")
        #expect(AnalysisJobProcessor.reason(error).contains("reason corrupt"))
        #expect(AnalysisJobProcessor.reason(AnalysisError(input: error)).contains("reason corrupt"))
        #expect(AnalysisJobProcessor.reason(ReportingError(.writeFailed, path: "/out/x", "disk full")).hasPrefix("cannot write the report"))
        #expect(AnalysisJobProcessor.reason(CancellationError()) == "cancelled")
    }
}
