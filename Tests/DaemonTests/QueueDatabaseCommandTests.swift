import Foundation
import JobQueue
import TestSupport
import Testing

/// `leuko queue check` and `leuko queue backup` run as the built binary, and `leuko daemon` on
/// a damaged database (exit 65 with a critical line that names the file and the remedy).
@Suite struct QueueDatabaseCommandTests {
    static let built = ToolRun.leukoBinary != nil
    let base: String
    var database: String { base + "/queue.sqlite" }

    init() throws {
        base = NSTemporaryDirectory() + "leuko-queue-db-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    func leuko(_ arguments: [String]) throws -> ToolRun { try ToolRun.run(ToolRun.leukoBinary!, arguments) }

    @Test(.enabled(if: built, "the built leuko binary is missing"))
    func checkSaysOkForASoundDatabaseAndListsTheDamageOfACorruptOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try await DamagedDatabase.writeClosedQueue(at: database)
        let sound = try leuko(["queue", "check", "--database", database])
        #expect(sound.status == 0 && sound.stdout == "ok\n", "\(sound.stdout)\(sound.stderr)")
        try DamagedDatabase.scribble(database)
        let damaged = try leuko(["queue", "check", "--database", database])
        #expect(damaged.status == 65, "EX_DATAERR: \(damaged.stdout)\(damaged.stderr)")
        #expect(damaged.stderr.contains(database), "\(damaged.stderr)")
        #expect(!damaged.stdout.contains("ok\n") || damaged.stdout.count > 3)
    }

    @Test(.enabled(if: built, "the built leuko binary is missing"))
    func backupMakesACopyWithTheSameJobs() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        try await DamagedDatabase.writeClosedQueue(at: database, jobs: 120)
        let queue = try JobQueue(path: database)  // open beside the backup, as the daemon would be
        _ = try await queue.claim(worker: "w1")
        let destination = base + "/backup/queue-copy.sqlite"
        try FileManager.default.createDirectory(atPath: base + "/backup", withIntermediateDirectories: true)
        let run = try leuko(["queue", "backup", destination, "--database", database])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("120 job(s)"), "\(run.stdout)")
        let copy = try JobQueue(path: destination, verifyAtOpen: true)
        let original = try await queue.list(limit: 1000)
        let copied = try await copy.list(limit: 1000)
        #expect(copied.count == 120)
        #expect(copied.map(\.id) == original.map(\.id) && copied.map(\.state) == original.map(\.state))
        let again = try leuko(["queue", "backup", destination, "--database", database])
        #expect(again.status == 64 && again.stderr.contains("already exists"), "an existing file is kept: \(again.stderr)")
    }

    @Test(.enabled(if: DaemonEndToEndTests.ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func theDaemonRefusesADamagedDatabaseWithExit65() async throws {
        let drop = try DropFolder(settleMilliseconds: 300)
        defer { drop.remove() }
        try await DamagedDatabase.writeClosedQueue(at: drop.database)
        try DamagedDatabase.scribble(drop.database)
        let run = try leuko(["daemon", "--config", drop.config])
        #expect(run.status == 65, "EX_DATAERR: \(run.stderr)")
        let critical = run.stderr.split(separator: "\n").first { ($0.hasPrefix("<2>") || $0.contains("CRITICAL")) && $0.contains("corrupt") }
        #expect(critical?.contains(drop.database) == true && critical?.contains("backup") == true, "\(run.stderr)")
    }
}
