import Foundation
import Testing
import Daemon
import JobQueue
import TestSupport

@Suite struct AdminOutputTests {
    @Test func agesParseWithUnits() {
        #expect(AdminOutput.parseAge("30d") == 2_592_000.0)
        #expect(AdminOutput.parseAge("12h") == 43_200)
        #expect(AdminOutput.parseAge("90m") == 5_400)
        #expect(AdminOutput.parseAge("45s") == 45)
        #expect(AdminOutput.parseAge("2w") == 1_209_600)
        #expect(AdminOutput.parseAge("10") == 10)
        for bad in ["", "d", "-1d", "3x", "1.5.2h", "inf"] { #expect(AdminOutput.parseAge(bad) == nil, "\(bad)") }
    }

    @Test func agesPrintCompactly() {
        #expect(AdminOutput.age(45.9) == "45s")
        #expect(AdminOutput.age(725) == "12m 5s")
        #expect(AdminOutput.age(3600) == "1h")
        #expect(AdminOutput.age(90_000) == "1d 1h")
    }

    @Test func controlCharactersInNamesStayOnOneLine() {
        #expect(AdminOutput.oneLine("a\nb\tc\u{1B}[31m") == "a\\nb\\tc\\u{1B}[31m")
        #expect(AdminOutput.oneLine("Zelle ß.tif") == "Zelle ß.tif")
        #expect(AdminOutput.oneLine("scan\u{202E}fit.exe") == "scan\\u{202E}fit.exe", "a bidi override is shown, not obeyed")
    }

    /// `leuko status`'s text names the oldest waiting job's file: a hostile name cannot send
    /// escape sequences to the admin's terminal.
    @Test func statusTextEscapesTheOldestWaitingPath() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try JobQueue(path: dir.appendingPathComponent("q.sqlite").path)
        try await queue.enqueue(JobInput(path: "/in/\u{1B}]0;owned\u{07}\u{1B}[2J.tif", size: 1, mtimeNanoseconds: 1))
        let text = AdminOutput.statusText(try await queue.snapshot())
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(text.debugDescription)")
        #expect(text.contains("\\u{1B}[2J.tif"))
    }

    @Test func statusJSONHasTheCountsOfEveryStateAndSnakeCaseKeys() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leuko-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = FakeClock()
        var options = JobQueueOptions()
        options.maxAttempts = 1
        let queue = try JobQueue(path: dir.appendingPathComponent("q.sqlite").path, options: options, clock: clock)
        try await queue.enqueue(JobInput(path: "/in/a.tif", size: 1, mtimeNanoseconds: 1))
        try await queue.enqueue(JobInput(path: "/in/b.tif", size: 1, mtimeNanoseconds: 1))
        let claim = try #require(try await queue.claim(worker: "w"))
        try await queue.fail(claim, .permanent("not an image"))
        clock.advance(seconds: 90)

        let snapshot = try await queue.snapshot(window: 3600, errorLimit: 5)
        let object = try JSONSerialization.jsonObject(with: Data(try AdminOutput.json(snapshot).utf8)) as? [String: Any]
        let counts = try #require(object?["counts"] as? [String: Int])
        #expect(counts == ["queued": 1, "running": 0, "succeeded": 0, "retrying": 0, "failed": 1, "cancelled": 0, "superseded": 0])
        let oldest = try #require(object?["oldest_waiting"] as? [String: Any])
        #expect(oldest["path"] as? String == "/in/b.tif" && oldest["age_seconds"] as? Double == 90)
        #expect(oldest["enqueued_at"] as? String == "2026-01-01T00:00:00.000Z")
        let errors = try #require(object?["last_errors"] as? [[String: Any]])
        #expect(errors.count == 1 && errors[0]["message"] as? String == "not an image" && errors[0]["kind"] as? String == "permanent")
        #expect((object?["throughput"] as? [String: Any])?["failed"] as? Int == 1)

        let text = AdminOutput.statusText(snapshot)
        #expect(text.contains("queued 1, running 0, succeeded 0, retrying 0, failed 1, cancelled 0"))
        #expect(text.contains("oldest waiting: job 2, 1m 30s (queued) /in/b.tif"))
        #expect(text.contains("job 1 attempt 1 permanent: not an image"))
    }
}
