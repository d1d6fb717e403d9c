import Foundation
import JobQueue
import Testing

/// `JobQueue.backup(to:)`: a consistent copy with the same jobs, taken while the queue is open,
/// that never replaces an existing file.
@Suite struct JobQueueBackupTests {
    @Test func theBackupHoldsTheSameJobs() async throws {
        let fixture = try QueueFixture()
        for index in 0..<50 { try await fixture.enqueue("slide-\(index).tiff", size: Int64(index + 1)) }
        let claimed = try #require(try await fixture.queue.claim(worker: "w1"))
        let destination = fixture.dir.file("backup.sqlite")
        #expect(try fixture.queue.backup(to: destination) == 50)
        #expect(!FileManager.default.fileExists(atPath: destination + ".part"))
        #expect(try JobQueue.integrityCheck(path: destination) == [])
        let copy = try JobQueue(path: destination, verifyAtOpen: true)
        let original = try await fixture.queue.list(limit: 1000)
        let copied = try await copy.list(limit: 1000)
        #expect(copied.map(\.id) == original.map(\.id))
        #expect(copied.map(\.path) == original.map(\.path))
        #expect(copied.map(\.state) == original.map(\.state))
        #expect(try await copy.show(id: claimed.job.id).job.state == .running)
    }

    @Test func anExistingFileIsNeverReplaced() async throws {
        let fixture = try QueueFixture()
        try await fixture.enqueue("a.png")
        let destination = fixture.dir.file("backup.sqlite")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: destination))
        let error = try #require(throws: JobQueueError.self) { _ = try fixture.queue.backup(to: destination) }
        #expect(error.code == .invalidOptions && error.message.contains(destination))
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "keep me")
    }
}
