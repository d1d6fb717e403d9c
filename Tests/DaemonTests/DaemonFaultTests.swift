import Daemon
import Foundation
import Glibc
import JobQueue
import Reporting
import Testing

/// The real `leuko daemon` under the faults of the hardening issue: a second instance on the
/// same database, a name reused by a scanner, names that clean to the same folder, and a kill
/// between publishing a report and recording success (exactly-once reports).
@Suite(.serialized) struct DaemonFaultTests {
    static let ready = DaemonEndToEndTests.ready

    /// Starts the daemon on `drop` and waits until it holds its instance lock.
    func start(_ drop: DropFolder, environment: [String: String] = [:]) async throws -> DaemonProcess {
        let daemon = try DaemonProcess(binary: ToolRun.leukoBinary!, config: drop.config, environment: environment, logPath: drop.log)
        let locked = try await Polling.until(seconds: 60) {
            guard daemon.isRunning else { return true }
            do {
                _ = try InstanceLock(database: drop.database)
                return false
            } catch let error as DaemonError where error.code == .alreadyRunning {
                return true
            }
        }
        #expect(locked && daemon.isRunning, "daemon started\n\(daemon.logTail())")
        return daemon
    }

    func stop(_ daemon: DaemonProcess) async {
        daemon.send(SIGTERM)
        let stopped = await daemon.wait(timeout: .seconds(60))
        #expect(stopped?.reason == .exit && stopped?.status == 0, "graceful stop\n\(daemon.logTail())")
    }

    /// Waits until every job in `drop`'s queue has settled and `count` have succeeded.
    func awaitSucceeded(_ queue: JobQueue, _ count: Int, _ daemon: DaemonProcess) async throws {
        let done = try await Polling.until(seconds: 120) {
            let c = try await queue.counts()
            return c.succeeded >= count && c.queued == 0 && c.running == 0 && c.retrying == 0
        }
        let counts = try await queue.counts()
        #expect(done, "\(counts)\n\(daemon.logTail())")
    }

    @Test(.enabled(if: ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func aSecondDaemonOnTheSameDatabaseExitsWithTempfailAndAdminCommandsStillWork() async throws {
        let drop = try DropFolder(settleMilliseconds: 300)
        defer { drop.remove() }
        let first = try await start(drop)
        let second = try ToolRun.run(ToolRun.leukoBinary!, ["daemon", "--config", drop.config])
        #expect(second.status == 75, "EX_TEMPFAIL: \(second.stderr)")
        #expect(second.stderr.contains("already running") && second.stderr.contains(drop.database), "\(second.stderr)")
        let status = try ToolRun.run(ToolRun.leukoBinary!, ["status", "--config", drop.config])
        #expect(status.status == 0, "leuko status beside the daemon: \(status.stderr)")
        #expect(first.isRunning, "the first daemon is untouched\n\(first.logTail())")
        await stop(first)
    }

    @Test(.enabled(if: ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func reusedAndCollidingNamesEachGetAReportOfTheirOwn() async throws {
        let drop = try DropFolder(settleMilliseconds: 300)
        defer { drop.remove() }
        let daemon = try await start(drop)
        let queue = try JobQueue(path: drop.database)
        try drop.put(drop.imageBytes(0, ext: "png"), at: drop.inbox + "/Image001.png")
        try drop.put(drop.imageBytes(1, ext: "png"), at: drop.inbox + "/a\nb.png")
        try await awaitSucceeded(queue, 2, daemon)
        let firstReport = try Data(contentsOf: URL(fileURLWithPath: drop.outbox + "/Image001/report.json"))
        // The scanner writes Image001.png again (a new slide), and a name that cleans to a_b.
        try drop.put(drop.imageBytes(2, ext: "png"), at: drop.inbox + "/Image001.png")
        try drop.put(drop.imageBytes(3, ext: "png"), at: drop.inbox + "/a_b.png")
        try await awaitSucceeded(queue, 4, daemon)
        await stop(daemon)
        let folders = Set(drop.reportFolders().map { String($0.dropFirst(drop.outbox.count + 1)) })
        #expect(folders == ["Image001", "Image001-2", "a_b", "a_b-2"], "\(folders.sorted())")
        #expect(try Data(contentsOf: URL(fileURLWithPath: drop.outbox + "/Image001/report.json")) == firstReport,
                "the earlier report is untouched")
        for folder in folders { #expect(drop.isCompleteReport(drop.outbox + "/" + folder), "\(folder)") }
        let uids = Set(folders.map { sopInstanceUID(drop.outbox + "/" + $0) })
        #expect(uids.count == 4, "four documents, four instance UIDs")
    }

    @Test(.enabled(if: ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func aKillBetweenPublishingAndRecordingSuccessLeavesExactlyOneReport() async throws {
        let drop = try DropFolder(workers: 1, settleMilliseconds: 300)
        defer { drop.remove() }
        let doomed = try await start(drop, environment: ["LEUKO_TEST_KILL_AFTER_PUBLISH": "1"])
        try drop.put(drop.imageBytes(0, ext: "png"), at: drop.inbox + "/field.png")
        let killed = await doomed.wait(timeout: .seconds(120))
        #expect(killed?.reason == .uncaughtSignal && killed?.status == SIGKILL, "killed itself after publishing\n\(doomed.logTail())")
        #expect(drop.reportFolders() == [drop.outbox + "/field"], "published before the kill")
        let before = sopInstanceUID(drop.outbox + "/field")

        let daemon = try await start(drop)
        let queue = try JobQueue(path: drop.database)
        try await awaitSucceeded(queue, 1, daemon)
        await stop(daemon)
        let jobs = try await queue.list(limit: 10)
        #expect(jobs.count == 1 && jobs[0].state == .succeeded, "\(jobs.map { "\($0.id) \($0.state)" })")
        #expect(drop.reportFolders() == [drop.outbox + "/field"], "exactly one report: \(drop.reportFolders())")
        #expect(sopInstanceUID(drop.outbox + "/field") == before)
        let log = (try? String(contentsOfFile: drop.log, encoding: .utf8)) ?? ""
        #expect(log.contains("already published"), "the second run found the report instead of analysing again")
    }

    /// The SR's SOP Instance UID (0008,0018) in `folder`'s report.json.
    func sopInstanceUID(_ folder: String) -> String? {
        guard let data = FileManager.default.contents(atPath: folder + "/report.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let element = object["00080018"] as? [String: Any],
              let values = element["Value"] as? [String] else { return nil }
        return values.first
    }

}
