import Foundation
import Glibc
import JobQueue
import TestSupport
import Testing

/// The database file's health: a damaged page found at open, a file that is not a database,
/// the full integrity check, and a file deleted or replaced while the queue has it open.
@Suite struct JobQueueIntegrityTests {
    /// A closed queue of `jobs` jobs in `dir`, its `-wal` checkpointed into the file.
    static func closedQueue(in dir: TemporaryDirectory, jobs: Int = 300) async throws -> String {
        let path = dir.file("queue.sqlite")
        try await DamagedDatabase.writeClosedQueue(at: path, jobs: jobs)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "a closed queue leaves no -wal")
        return path
    }

    @Test func aDamagedPageIsFoundAtOpen() async throws {
        let dir = try TemporaryDirectory()
        let path = try await Self.closedQueue(in: dir)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 4 * 4096, "a few pages of jobs (\(size) bytes)")
        try DamagedDatabase.scribble(path)
        let error = try #require(throws: JobQueueError.self) { _ = try JobQueue(path: path, verifyAtOpen: true) }
        #expect(error.code == .corrupt && error.isFatal)
        #expect(error.message.contains(path), "\(error.message)")
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("queue.sqlite")
        try Data(repeating: 0x5A, count: 3 * 4096).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: JobQueueError.self) { _ = try JobQueue(path: path) }
        #expect(error.code == .corrupt, "\(error)")
        #expect(error.message.contains(path))
    }

    @Test func aSoundDatabaseOpensWithTheChecks() async throws {
        let dir = try TemporaryDirectory()
        let path = try await Self.closedQueue(in: dir, jobs: 20)
        let queue = try JobQueue(path: path, verifyAtOpen: true)
        #expect(try await queue.counts().queued == 20)
        try queue.checkFile()
    }

    @Test func theIntegrityCheckListsNothingForASoundFileAndProblemsForADamagedOne() async throws {
        let dir = try TemporaryDirectory()
        let path = try await Self.closedQueue(in: dir)
        #expect(try JobQueue.integrityCheck(path: path) == [])
        let open = try JobQueue(path: path)  // beside an open queue too (its -wal and -shm exist)
        #expect(try JobQueue.integrityCheck(path: path) == [])
        _ = open
        try DamagedDatabase.scribble(path)
        do {
            let problems = try JobQueue.integrityCheck(path: path)
            #expect(!problems.isEmpty)
        } catch let error as JobQueueError {
            #expect(error.code == .corrupt, "\(error)")
        }
        #expect(throws: JobQueueError(.notFound, "no queue database at \(dir.file("none.sqlite"))")) {
            _ = try JobQueue.integrityCheck(path: dir.file("none.sqlite"))
        }
    }

    @Test func aDeletedDatabaseIsFoundByTheIdentityCheck() async throws {
        let fixture = try QueueFixture()
        try await fixture.enqueue("a.png")
        try fixture.queue.checkFile()
        let queue = fixture.queue
        let waiting = Task { try await queue.firstFatalError() }
        #expect(unlink(fixture.databasePath) == 0)
        let error = try #require(throws: JobQueueError.self) { try fixture.queue.checkFile() }
        #expect(error.code == .fileMoved && error.isFatal)
        #expect(error.message.contains(fixture.databasePath) && error.message.contains("deleted"), "\(error.message)")
        #expect(try await waiting.value == error, "a waiter learns of the first fatal error")
        #expect(try await fixture.queue.firstFatalError() == error, "and so does a later one, at once")
    }

    @Test func aReplacedDatabaseIsFoundByTheIdentityCheck() async throws {
        let fixture = try QueueFixture()
        let other = fixture.dir.file("other.sqlite")
        try Data("not the queue".utf8).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, fixture.databasePath) == 0)
        let error = try #require(throws: JobQueueError.self) { try fixture.queue.checkFile() }
        #expect(error.code == .fileMoved && error.message.contains("replaced"), "\(error.message)")
    }

    @Test func waitingForAFatalErrorEndsWhenCancelled() async throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue
        let waiting = Task { try await queue.firstFatalError() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
    }
}
