import ArgumentParser
import Foundation
import JobQueue

/// `leuko queue check` and `leuko queue backup`: the database file itself rather than its jobs.
extension QueueCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the queue database for damage (SQLite's full integrity check); safe while the daemon runs.",
            discussion: "Prints \"ok\" and exits 0, or prints each problem found and exits 65.")
        @OptionGroup var location: QueueLocation

        func run() async throws {
            try await AdminExit.run {
                let path = try location.path()
                let problems = try JobQueue.integrityCheck(path: path)
                guard !problems.isEmpty else {
                    print("ok")
                    return
                }
                for problem in problems { print(problem) }
                throw JobQueueError(.corrupt, "the queue database \(path) is damaged: the integrity check found \(problems.count) problem(s) (at most 20 are listed); restore it from a backup")
            }
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the queue database into a new file with SQLite's online backup; safe while the daemon runs.",
            discussion: "The copy is one consistent snapshot, checked before it gets its name; an existing FILE is never replaced.")
        @OptionGroup var location: QueueLocation
        @Argument(help: "The new backup file (must not exist yet).") var file: String

        func run() async throws {
            try await AdminExit.run {
                let jobs = try location.open().backup(to: file)
                print("backed up \(jobs) job(s) to \(file)")
            }
        }
    }
}
