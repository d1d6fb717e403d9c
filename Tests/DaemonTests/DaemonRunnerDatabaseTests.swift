import Daemon
import Foundation
import JobQueue
import TestSupport
import Testing

/// `DaemonRunner` refuses a damaged queue database at start-up with `JobQueueError(.corrupt)`
/// (the daemon then exits 65 and systemd does not restart it).
@Suite struct DaemonRunnerDatabaseTests {
    @Test func aDamagedDatabaseStopsStartUp() async throws {
        let base = NSTemporaryDirectory() + "leuko-runner-db-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let configuration = try Configuration.parse("""
            inboxes = ["\(base)/in"]
            outbox = "\(base)/out"
            database = "\(base)/queue.sqlite"
            """)
        try await DamagedDatabase.writeClosedQueue(at: configuration.database)
        try DamagedDatabase.scribble(configuration.database)
        let error = try #require(throws: JobQueueError.self) {
            _ = try DaemonRunner(configuration: configuration, processor: FakeProcessor(),
                                 notifier: SystemdNotifier(environment: [:]), logger: DaemonHarness.quiet)
        }
        #expect(error.code == .corrupt && error.message.contains(configuration.database), "\(error)")
    }
}
