import Daemon
import Foundation
import Glibc
import ImageIO
import JobQueue
import Testing

/// The real `leuko daemon` binary, the real analysis and the bundled model, end to end: 200
/// files dropped into a watched inbox in every way a scanner or a copy tool drops them, the
/// daemon killed with SIGKILL while jobs run and started again, then stopped with SIGTERM.
///
/// The files (96 x 96 synthetic fields, `SyntheticField`): 120 valid images written directly
/// (PNG, TIFF, JPEG, BMP; inbox root and nested subfolders), 20 renamed in (from outside the
/// inbox, and from a hidden `.part` name inside it), 20 in subfolders created while the daemon
/// runs, 20 half-written (half the bytes, then — across the kill and restart — the rest), and
/// 20 corrupt (random bytes, truncated PNGs, text named `.tif`, empty files).
@Suite struct DaemonEndToEndTests {
    static let model = ToolRun.packageRoot + "/Models/leuko-wbc-v1.safetensors"
    static let ready = ToolRun.leukoBinary != nil && FileManager.default.fileExists(atPath: model)

    // Needs the `leuko` product built beside the tests (`swift test` builds it) and the model.
    @Test(.enabled(if: ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func twoHundredFilesSurviveAKillAndEachValidImageGetsOneCompleteReport() async throws {
        // On a thread of its own: other tests' CPU-bound work on the shared cooperative pool
        // must not delay the polls that decide when to kill the daemon.
        try await withTaskExecutorPreference(DedicatedThreadExecutor(label: "leuko.e2e")) {
            try await scenario()
        }
    }

    func scenario() async throws {
        let drop = try DropFolder()
        defer { drop.remove() }
        let listener = try NotifyListener(abstract: false)
        let environment = ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "2000000"]
        var messages: [String] = []
        func drain() { while let m = listener.receive(timeoutMilliseconds: 0) { messages.append(m) } }
        func awaitReady(_ daemon: DaemonProcess, count: Int) async throws {
            for _ in 0..<3000 where messages.filter({ $0.hasPrefix("READY=1") }).count < count {
                if let m = listener.receive(timeoutMilliseconds: 20) { messages.append(m) }
                guard daemon.isRunning else { break }
            }
            #expect(messages.filter { $0.hasPrefix("READY=1") }.count >= count, "READY=1 #\(count)\n\(daemon.logTail())")
        }

        // Run 1: the first half of the files; SIGKILL while jobs run.
        let first = try DaemonProcess(binary: ToolRun.leukoBinary!, config: drop.config, environment: environment, logPath: drop.log)
        try await awaitReady(first, count: 1)
        let queue = try JobQueue(path: drop.database)
        try drop.writeValid(0..<60)
        try drop.writeCorrupt(0..<10)
        try drop.renameIn(0..<10)
        try drop.writeInNewFolders(0..<10)
        var runningAtKill: [Int64] = []
        let progressed = try await Polling.until(seconds: 240) {
            guard try await queue.counts().succeeded >= 25 else { return false }
            runningAtKill = try await queue.list(state: .running, limit: 1000).map(\.id)
            return !runningAtKill.isEmpty
        }
        let countsAtKill = try await queue.counts()
        #expect(progressed, "run 1 made progress: \(countsAtKill)\n\(first.logTail())")
        try drop.startHalfWritten(0..<20)  // moments before the crash, well within settle_ms
        first.send(SIGKILL)
        let killed = await first.wait(timeout: .seconds(10))
        #expect(killed?.reason == .uncaughtSignal && killed?.status == SIGKILL)

        // While it is down: more files, and half of the slow writers finish.
        try drop.writeValid(60..<100)
        try drop.writeCorrupt(10..<15)
        try drop.finishHalfWritten(0..<10)

        // Run 2: the start-up scan finds those; the rest arrive while it runs.
        let second = try DaemonProcess(binary: ToolRun.leukoBinary!, config: drop.config, environment: environment, logPath: drop.log)
        try await awaitReady(second, count: 2)
        try drop.finishHalfWritten(10..<20)
        try drop.writeValid(100..<120)
        try drop.writeCorrupt(15..<20)
        try drop.renameIn(10..<20)
        try drop.writeInNewFolders(10..<20)

        let expected = drop.expectedReports
        let settled = try await Polling.until(seconds: 300) {
            let jobs = try await queue.list(limit: 10_000)
            let c = try await queue.counts()
            guard c.queued == 0, c.running == 0, c.retrying == 0 else { return false }
            let done = Set(jobs.filter { $0.state == .succeeded || $0.state == .failed }.map(\.path))
            return drop.allPaths.allSatisfy(done.contains)
        }
        let countsAtEnd = try await queue.counts()
        #expect(settled, "all files handled: \(countsAtEnd)\n\(second.logTail())")
        drain()
        second.send(SIGTERM)
        let stopped = await second.wait(timeout: .seconds(60))
        #expect(stopped?.reason == .exit && stopped?.status == 0, "graceful stop\n\(second.logTail())")
        drain()

        // Every valid image: its newest job succeeded on the final bytes; one complete report set.
        let jobs = try await queue.list(limit: 10_000)
        let newest = Dictionary(jobs.map { ($0.path, $0) }, uniquingKeysWith: { $0.id > $1.id ? $0 : $1 })
        for (path, report) in expected {
            let job = newest[path]
            #expect(job?.state == .succeeded, "\(path): \(job.map { "\($0.state) \($0.lastError ?? "")" } ?? "never queued")")
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 }
            #expect(job.map { Int($0.size) } == size, "\(path) processed in its final version")
            #expect(drop.isCompleteReport(report), "complete report set at \(report)")
        }
        #expect(Set(drop.reportFolders()) == Set(expected.values), "exactly the expected report folders, nothing else")
        #expect(drop.hiddenLeftovers().isEmpty, "no staging folders left: \(drop.hiddenLeftovers())")

        // Every corrupt file: failed, with the reason, once (never retried), and no report.
        for path in drop.corruptPaths {
            let all = jobs.filter { $0.path == path }
            #expect(all.count == 1 && all[0].state == .failed && all[0].attempt == 1, "\(path): \(all.map { "\($0.state)/\($0.attempt)" })")
            #expect(all.first?.lastError?.isEmpty == false, "\(path) failed with a reason")
        }
        #expect(jobs.allSatisfy { $0.state != .running && $0.state != .queued && $0.state != .retrying })
        let killedJobs = jobs.filter { runningAtKill.contains($0.id) }
        #expect(!killedJobs.isEmpty && killedJobs.allSatisfy { $0.state == .succeeded || $0.state == .failed },
                "jobs running at the kill were finished by the second run: \(killedJobs.map { "\($0.id) \($0.state)" })")

        // What systemd heard.
        #expect(messages.filter { $0.hasPrefix("READY=1") }.count >= 2)
        #expect(messages.contains { $0.contains("STATUS=") && $0.contains("queued") })
        #expect(messages.contains("WATCHDOG=1"))
        #expect(messages.contains("STOPPING=1"))

        let partialJobs = jobs.filter { job in drop.halfWrittenPaths.contains(job.path) && job.id != newest[job.path]?.id }
        let counts = try await queue.counts()
        print("""
            end-to-end: \(drop.allPaths.count) files, \(expected.count) valid -> \(drop.reportFolders().count) report sets, \
            \(drop.corruptPaths.count) corrupt -> \(counts.failed) failed; jobs \(jobs.count) (\(counts.succeeded) succeeded), \
            \(killedJobs.count) running at SIGKILL (then \(killedJobs.map(\.state.rawValue).joined(separator: ","))), \
            \(partialJobs.count) extra jobs for partial versions of half-written files; \
            notify: \(messages.filter { $0.hasPrefix("READY=1") }.count) READY, \(messages.filter { $0.contains("STATUS=") }.count) STATUS, \
            \(messages.filter { $0 == "WATCHDOG=1" }.count) WATCHDOG, \(messages.filter { $0 == "STOPPING=1" }.count) STOPPING
            """)
    }

}
