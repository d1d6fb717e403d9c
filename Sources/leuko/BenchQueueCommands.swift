import ArgumentParser
import Daemon
import FolderWatch
import Foundation
import JobQueue

/// `leuko bench watch`: cost of a start-up scan and of rescanning an unchanged inbox.
struct BenchWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Time a full scan of a generated inbox (start-up and unchanged rescan); print JSON.")

    @Option(help: "Files to create.") var files: Int = 100_000
    @Option(help: "Files per folder.") var perFolder: Int = 1_000
    @Option(help: "Unchanged rescans timed (the median is reported).") var repeats: Int = 3
    @Option(help: "Where the temporary inbox is made.") var directory: String = NSTemporaryDirectory()

    func validate() throws {
        guard files > 0, perFolder > 0, repeats > 0 else { throw ValidationError("--files, --per-folder and --repeats must be positive") }
    }

    func run() throws {
        print(try AdminOutput.json(ScanBenchmark.run(files: files, perFolder: perFolder, repeats: repeats, in: directory)))
    }
}

/// `leuko bench queue`: enqueue, duplicate check and claim + complete rates of the queue.
struct BenchQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Time enqueue (single and batched), duplicate enqueue and claim+complete on a fresh database; print JSON.")

    @Option(help: "Jobs of the one-per-transaction phases (enqueue, duplicate, claim+complete).") var singleJobs: Int = 1_000
    @Option(help: "Inputs of the batched phases (enqueue, then the same again as duplicates).") var batchJobs: Int = 20_000
    @Option(help: "Inputs per batched enqueue call.") var batch: Int = 500
    @Option(help: "SQLite synchronous setting: FULL or NORMAL.") var synchronous: String = "FULL"
    @Option(help: "Where the temporary database is made.") var directory: String = NSTemporaryDirectory()

    func validate() throws {
        guard singleJobs > 0, batchJobs > 0, batch > 0 else {
            throw ValidationError("--single-jobs, --batch-jobs and --batch must be positive")
        }
        guard JobQueueOptions.Synchronous(rawValue: synchronous.uppercased()) != nil else {
            throw ValidationError("--synchronous must be FULL or NORMAL, got '\(synchronous)'")
        }
    }

    func run() async throws {
        let mode = JobQueueOptions.Synchronous(rawValue: synchronous.uppercased())!
        print(try AdminOutput.json(await QueueBenchmark.run(singleJobs: singleJobs, batchJobs: batchJobs, batchSize: batch, synchronous: mode, in: directory)))
    }
}
