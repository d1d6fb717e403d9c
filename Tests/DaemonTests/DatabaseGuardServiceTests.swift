import Daemon
import Foundation
import Glibc
import JobQueue
import Testing

/// The database guard: a deleted or replaced database file, or the first fatal error any
/// queue operation meets, ends it (and so the daemon's service group) with that error; and it
/// keeps `database_mode` on the database and its `-wal`/`-shm` files.
@Suite final class DatabaseGuardServiceTests {
    let base: String

    init() throws {
        base = NSTemporaryDirectory() + "leuko-guard-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    /// Every test's folder goes, whether or not the test removed it itself.
    deinit { try? FileManager.default.removeItem(atPath: base) }

    func configuration() throws -> Configuration {
        try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            database_mode = "600"
            """)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test(.timeLimit(.minutes(1))) func aDeletedDatabaseEndsTheGuard() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = try configuration()
        let queue = try JobQueue(path: configuration.database)
        let guardService = DatabaseGuardService(queue: queue, store: ConfigurationStore(configuration),
                                                logger: DaemonHarness.quiet, interval: .milliseconds(10))
        #expect(unlink(configuration.database) == 0)
        let error = try await #require(throws: JobQueueError.self) { try await guardService.run() }
        #expect(error.code == .fileMoved && error.message.contains(configuration.database), "\(error)")
    }

    /// A fatal error met by any queue operation ends the guard at once, without waiting for its
    /// next file check (an hour away here).
    @Test(.timeLimit(.minutes(1))) func theFirstFatalErrorEndsTheGuardAtOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = try configuration()
        let queue = try JobQueue(path: configuration.database)
        let guardService = DatabaseGuardService(queue: queue, store: ConfigurationStore(configuration),
                                                logger: DaemonHarness.quiet, interval: .seconds(3600))
        let running = Task { try await guardService.run() }
        let replacement = base + "/other.sqlite"
        try Data("another file".utf8).write(to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, configuration.database) == 0)
        #expect(throws: JobQueueError.self) { try queue.checkFile() }  // as a worker's operation would meet it
        let error = try await #require(throws: JobQueueError.self) { try await running.value }
        #expect(error.code == .fileMoved && error.message.contains("replaced"), "\(error)")
    }

    @Test(.timeLimit(.minutes(1))) func theDatabaseAndItsWALFilesKeepTheDatabaseMode() async throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = try configuration()
        let queue = try JobQueue(path: configuration.database)
        _ = try await queue.counts()
        let files = ["", "-wal", "-shm"].map { configuration.database + $0 }
        for file in files {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) exists while the queue is open")
            #expect(chmod(file, 0o664) == 0)
        }
        let guardService = DatabaseGuardService(queue: queue, store: ConfigurationStore(configuration),
                                                logger: DaemonHarness.quiet, interval: .milliseconds(10))
        let running = Task { try await guardService.run() }
        var fixed = false
        for _ in 0..<2000 where !fixed {
            fixed = files.allSatisfy { mode($0) == 0o600 }
            if !fixed { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(fixed, "modes: \(files.map { String(mode($0), radix: 8) })")
        running.cancel()
        try await running.value
    }
}
