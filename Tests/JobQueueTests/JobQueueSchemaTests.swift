import Foundation
import JobQueue
import Testing

/// Migrating a new database: several connections opening it at once (as the daemon and an
/// admin command would, from two processes) all succeed, and it ends with one schema.
@Suite struct JobQueueSchemaTests {
    @Test func queuesOpeningANewDatabaseAtOnceAllMigrateIt() async throws {
        let dir = try TemporaryDirectory()
        for round in 0..<10 {
            let path = dir.file("queue-\(round).sqlite")
            let opened = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await JobQueue(path: path).counts().queued }
                }
                return try await group.reduce(0) { $0 + $1 + 1 }
            }
            #expect(opened == 6)
        }
    }
}
